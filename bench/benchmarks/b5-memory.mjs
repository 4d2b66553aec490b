// B5: peak memory (RSS high-water mark) of the bundle while `resync-glb copy` copies 64 MiB,
// 256 MiB and 1 GiB; it must stay under 150 MiB and flat as the file grows. Reference: the peak
// RSS of `node -e 0` on this machine.
// Flat: a short copy ends before the engine's heap has reached its steady size (about a second),
// so peaks of different sizes compare run lengths as much as file sizes. Flatness is therefore
// judged within each copy of the largest file: the highest RSS in the second half of the run
// against the highest in the first half (memory that grew with the bytes copied would show there).
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { absoluteFigure, infoFigure, ratioFigure } from '../lib/measure.mjs';
import { hasProcStatus, peakRss, rssSeries, syncFs } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { emptyFolders, makeFile, makeFolders, MiB, scratchDir } from '../lib/files.mjs';

export async function run(ctx) {
  const sizes = ctx.quick ? [64, 256] : [64, 256, 1024];
  const work = scratchDir('b5');
  try {
    const [dst] = makeFolders(work, 1);
    const nodeRef = [];
    for (let i = 0; i < 3; i++) nodeRef.push((await peakRss(process.execPath, ['-e', '0'])).mib);
    const bySize = {};
    let method = '';
    for (const mib of sizes) {
      const src = makeFile(join(work, `Resync-${mib}.glb`), mib * MiB);
      const samples = [];
      try {
        for (let i = -1; i < ctx.reps; i++) {
          emptyFolders([dst]);
          await syncFs(work);
          const r = await peakRss(process.execPath, [ctx.bundle, 'copy', src, '-d', dst, '--json']);
          method = r.method;
          if (i >= 0) samples.push(r.mib);
        }
      } finally {
        rmSync(src, { force: true });
        emptyFolders([dst]);
      }
      bySize[mib] = samples;
      ctx.log(`    ${mib} MiB: peak RSS ${samples.map((x) => x.toFixed(1)).join(', ')} MiB`);
    }
    const reference = { name: '`node -e 0`', ...summarize(nodeRef) };
    const figs = sizes.map((mib) =>
      absoluteFigure({
        id: 'B5',
        what: `peak RSS of the bundle copying ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} (${method})`,
        values: bySize[mib],
        name: 'resync-glb copy, peak RSS',
        unit: 'MiB',
        target: 80,
        ran: 'node',
        reference,
      }),
    );
    const big = sizes.at(-1);
    if (hasProcStatus()) {
      const src = makeFile(join(work, `Resync-${big}.glb`), big * MiB);
      const first = [];
      const second = [];
      try {
        for (let i = 0; i < ctx.reps; i++) {
          emptyFolders([dst]);
          await syncFs(work);
          const r = await rssSeries(process.execPath, [ctx.bundle, 'copy', src, '-d', dst, '--json']);
          const half = r.ms / 2;
          first.push(Math.max(...r.samples.filter(([t]) => t < half).map(([, m]) => m)));
          second.push(Math.max(...r.samples.filter(([t]) => t >= half).map(([, m]) => m)));
        }
      } finally {
        rmSync(src, { force: true });
        emptyFolders([dst]);
      }
      ctx.log(`    ${big} MiB, highest RSS per half of the run: ${first.map((f, i) => `${f.toFixed(1)} → ${second[i].toFixed(1)}`).join(', ')} MiB`);
      figs.push(
        ratioFigure({
          id: 'B5',
          what: `flat: copying ${big >= 1024 ? `${big / 1024} GiB` : `${big} MiB`}, highest RSS in the 2nd half ÷ in the 1st half of the run`,
          tool: second,
          baseline: first,
          toolName: 'VmRSS, 2nd half of the copy (max of 20 ms samples)',
          baselineName: 'VmRSS, 1st half of the copy (max of 20 ms samples)',
          target: 1.1,
          ran: 'node',
          unit: 'MiB',
          notes: ['memory that grew with the bytes copied would make the 2nd half higher'],
        }),
      );
    }
    figs.push(
      infoFigure(
        ratioFigure({
          id: 'B5',
          what: `peak RSS at ${big >= 1024 ? `${big / 1024} GiB` : `${big} MiB`} ÷ at ${sizes[0]} MiB (shorter runs end before the heap settles)`,
          tool: bySize[big],
          baseline: bySize[sizes[0]],
          toolName: `peak RSS copying ${big} MiB`,
          baselineName: `peak RSS copying ${sizes[0]} MiB`,
          target: 1.1,
          ran: 'node',
          unit: 'MiB',
        }),
      ),
    );
    return figs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
