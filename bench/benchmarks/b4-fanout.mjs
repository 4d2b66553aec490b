// B4: delivery of one file to 16 destination folders. `resync-glb copy -d ×16` (source read and
// hashed once, written to all folders, at most --throttle-limit writes at once, each copy fsynced)
// against a sequential copy-and-hash loop (hash the source, then per folder: cp, flush, sha256sum).
// Where a pwsh is present: Copy-ResyncToRequestor against a Copy-Item + Get-FileHash loop in one
// warm session.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { interleave, infoFigure, ratioFigure } from '../lib/measure.mjs';
import { syncFs } from '../lib/proc.mjs';
import { emptyFolders, makeFile, makeFolders, MiB, scratchDir } from '../lib/files.mjs';
import { pwshJson } from '../lib/pwsh.mjs';
import { bash, copyTool } from './b3-copy.mjs';

export const B4_DESTINATIONS = 16;

const LOOP = (flush) =>
  `src="$1"; name="$2"; shift 2; want=$(sha256sum -- "$src" | cut -d' ' -f1)
for d in "$@"; do
  cp -- "$src" "$d/$name" || exit 1
  ${flush ? 'sync -- "$d/$name" || exit 1' : ':'}
  [ "$(sha256sum -- "$d/$name" | cut -d' ' -f1)" = "$want" ] || exit 1
done`;

export async function run(ctx) {
  const work = scratchDir('b4');
  try {
    const size = (ctx.quick ? 16 : 32) * MiB;
    const src = makeFile(join(work, 'Resync.glb'), size);
    const dests = makeFolders(join(work, 'po'), B4_DESTINATIONS);
    const name = ctx.contract.requestorFileName;
    const variants = [
      { name: 'tool', run: copyTool(ctx, src, dests) },
      { name: 'loop+flush', run: bash(LOOP(true), [src, name, ...dests]) },
      { name: 'loop', run: bash(LOOP(false), [src, name, ...dests]) },
    ];
    const before = async () => {
      emptyFolders(dests);
      await syncFs(work);
    };
    ctx.log(`  B4: ${size / MiB} MiB to ${dests.length} folders; variants ${variants.map((v) => v.name).join(', ')}`);
    const s = await interleave(variants, { reps: ctx.reps, warmup: 1, before, log: ctx.log });
    const what = `delivery of ${size / MiB} MiB to ${dests.length} folders (\`resync-glb copy\`, throttle 4)`;
    const figs = [
      ratioFigure({ id: 'B4', what, tool: s.tool.ms, baseline: s['loop+flush'].ms, toolName: 'resync-glb copy -d ×16 (fsync each)', baselineName: 'sha256sum src; per folder: cp, sync FILE, sha256sum', target: 0.35, ran: 'node', flush: 'tool fsyncs each copy; baseline flushes each copy (sync FILE)' }),
      infoFigure(ratioFigure({ id: 'B4', what: `${what}, unflushed baseline`, tool: s.tool.ms, baseline: s.loop.ms, toolName: 'resync-glb copy -d ×16 (fsync each)', baselineName: 'sha256sum src; per folder: cp, sha256sum (no flush)', target: 0.35, ran: 'node', flush: 'tool fsyncs; baseline does not' })),
    ];
    if (ctx.pwsh.path) {
      ctx.log('  B4: PowerShell, one session: Copy-ResyncToRequestor vs a Copy-Item + Get-FileHash loop');
      const p = await pwshJson(ctx, 'copy-session.ps1', ['-Source', src, '-FinalName', name, '-Reps', String(ctx.reps), ...dests], { limitMs: 15 * 60_000 });
      figs.push(
        ratioFigure({ id: 'B4', what: `${what}: cmdlet vs Copy-Item + Get-FileHash loop`, tool: p.cmdlet, baseline: p.baseline, toolName: 'Copy-ResyncToRequestor -Destination ×16 (warm session)', baselineName: 'Get-FileHash src; per folder: Copy-Item, flush, Get-FileHash', target: 0.6, ran: 'pwsh', flush: 'cmdlet fsyncs each copy; baseline flushes each copy (FileStream.Flush(true))' }),
        infoFigure(ratioFigure({ id: 'B4', what: `${what}: cmdlet vs Copy-Item + Get-FileHash loop, unflushed`, tool: p.cmdlet, baseline: p.baselineNoFlush, toolName: 'Copy-ResyncToRequestor -Destination ×16 (warm session)', baselineName: 'Get-FileHash src; per folder: Copy-Item, Get-FileHash (no flush)', target: 0.6, ran: 'pwsh', flush: 'cmdlet fsyncs; baseline does not' })),
      );
    }
    return figs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
