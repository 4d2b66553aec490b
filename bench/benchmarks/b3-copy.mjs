// B3: verified copy of one 256 MiB file and of one 1 GiB file (not under --quick). `resync-glb copy` (read once, SHA-256 in the same pass,
// temp file, fsync, rename) against `cp` + `sha256sum` of source and destination, and against plain
// `cp`. The tool flushes to disk, so the judged baselines flush the copy too (`sync FILE`, an
// fsync); unflushed baselines are shown for information. Where a pwsh is present: the cmdlet against
// Copy-Item + two Get-FileHash (+ flush), both in one warm pwsh session.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { interleave, infoFigure, ratioFigure } from '../lib/measure.mjs';
import { syncFs, timed } from '../lib/proc.mjs';
import { emptyFolders, makeFile, makeFolders, MiB, scratchDir } from '../lib/files.mjs';
import { pwshJson } from '../lib/pwsh.mjs';

export const B3_SIZE = 256 * MiB;
export const B3_SIZES = [256 * MiB, 1024 * MiB];
const sizeName = (size) => (size >= 1024 * MiB ? `${size / (1024 * MiB)} GiB` : `${size / MiB} MiB`);

export function copyTool(ctx, src, dests) {
  return async () => {
    const r = await timed(process.execPath, [ctx.bundle, 'copy', src, ...dests.flatMap((d) => ['-d', d]), '--json']);
    const res = [].concat(JSON.parse(r.stdout));
    if (res.length !== dests.length || !res.every((x) => x.Verified === true)) throw new Error(`copy did not verify every destination: ${r.stdout.slice(0, 2000)}`);
    return r.ms;
  };
}

export function bash(script, args) {
  return async () => (await timed('bash', ['-c', script, 'bench', ...args])).ms;
}

export async function run(ctx) {
  const figs = [];
  for (const size of ctx.quick ? [B3_SIZE] : B3_SIZES) figs.push(...(await runSize(ctx, size)));
  return figs;
}

async function runSize(ctx, size) {
  const work = scratchDir('b3');
  try {
    const src = makeFile(join(work, 'Resync.glb'), size);
    const [dst] = makeFolders(work, 1);
    const final = join(dst, ctx.contract.requestorFileName);
    // The unflushed baselines are information only: shown for the 256 MiB file, left out at 1 GiB.
    const withInfo = size === B3_SIZE;
    const variants = [
      { name: 'tool', run: copyTool(ctx, src, [dst]) },
      { name: 'cp+2hash+flush', run: bash('cp -- "$1" "$2" && sync -- "$2" && sha256sum -- "$1" "$2" >/dev/null', [src, final]) },
      { name: 'cp+flush', run: bash('cp -- "$1" "$2" && sync -- "$2"', [src, final]) },
      ...(withInfo
        ? [
            { name: 'cp+2hash', run: bash('cp -- "$1" "$2" && sha256sum -- "$1" "$2" >/dev/null', [src, final]) },
            { name: 'cp', run: bash('cp -- "$1" "$2"', [src, final]) },
          ]
        : []),
    ];
    const before = async () => {
      emptyFolders([dst]);
      await syncFs(work);
    };
    ctx.log(`  B3: ${sizeName(size)}; variants ${variants.map((v) => v.name).join(', ')}`);
    const s = await interleave(variants, { reps: ctx.reps, warmup: 1, before, log: ctx.log });
    const what = `verified copy of ${sizeName(size)} (\`resync-glb copy\`)`;
    const figs = [
      ratioFigure({ id: 'B3', what: `${what} vs cp + sha256sum ×2`, tool: s.tool.ms, baseline: s['cp+2hash+flush'].ms, toolName: 'resync-glb copy (fsync)', baselineName: 'cp; sync FILE; sha256sum src dst', target: 0.4, ran: 'node', flush: 'tool fsyncs; baseline flushes the copy (sync FILE)' }),
      ratioFigure({ id: 'B3', what: `${what} vs a flushed cp`, tool: s.tool.ms, baseline: s['cp+flush'].ms, toolName: 'resync-glb copy (fsync)', baselineName: 'cp; sync FILE', target: 1.5, ran: 'node', flush: 'tool fsyncs; baseline flushes the copy (sync FILE)' }),
    ];
    if (withInfo) {
      figs.push(
        infoFigure(ratioFigure({ id: 'B3', what: `${what} vs cp + sha256sum ×2, unflushed`, tool: s.tool.ms, baseline: s['cp+2hash'].ms, toolName: 'resync-glb copy (fsync)', baselineName: 'cp; sha256sum src dst (no flush)', target: 0.4, ran: 'node', flush: 'tool fsyncs; baseline does not' })),
        infoFigure(ratioFigure({ id: 'B3', what: `${what} vs plain cp, unflushed`, tool: s.tool.ms, baseline: s.cp.ms, toolName: 'resync-glb copy (fsync)', baselineName: 'cp (no flush)', target: 1.5, ran: 'node', flush: 'tool fsyncs; baseline does not' })),
      );
    }
    if (ctx.pwsh.path) {
      ctx.log(`  B3: ${sizeName(size)} in PowerShell, one session: Copy-ResyncToRequestor vs Copy-Item + 2 Get-FileHash`);
      const p = await pwshJson(ctx, 'copy-session.ps1', ['-Source', src, '-FinalName', ctx.contract.requestorFileName, '-Reps', String(ctx.reps), dst], { limitMs: 15 * 60_000 });
      figs.push(
        ratioFigure({ id: 'B3', what: `${what}: cmdlet vs Copy-Item + Get-FileHash ×2`, tool: p.cmdlet, baseline: p.baseline, toolName: 'Copy-ResyncToRequestor (warm session)', baselineName: 'Copy-Item; flush; Get-FileHash src, dst', target: 0.7, ran: 'pwsh', flush: 'cmdlet fsyncs; baseline flushes the copy (FileStream.Flush(true))' }),
      );
      if (withInfo) {
        figs.push(
          infoFigure(ratioFigure({ id: 'B3', what: `${what}: cmdlet vs Copy-Item + Get-FileHash ×2, unflushed`, tool: p.cmdlet, baseline: p.baselineNoFlush, toolName: 'Copy-ResyncToRequestor (warm session)', baselineName: 'Copy-Item; Get-FileHash src, dst (no flush)', target: 0.7, ran: 'pwsh', flush: 'cmdlet fsyncs; baseline does not' })),
        );
      }
    }
    return figs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
