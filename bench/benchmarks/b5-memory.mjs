// B5: peak memory (RSS high-water mark) of the bundle while `resync-glb copy` copies 64 MiB,
// 256 MiB and 1 GiB; it must stay under 150 MiB and flat as the file grows. Reference: the peak
// RSS of `node -e 0` on this machine.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { absoluteFigure, ratioFigure } from '../lib/measure.mjs';
import { peakRss, syncFs } from '../lib/proc.mjs';
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
        target: 150,
        ran: 'node',
        reference,
      }),
    );
    const big = sizes.at(-1);
    figs.push(
      ratioFigure({
        id: 'B5',
        what: `flat: peak RSS at ${big >= 1024 ? `${big / 1024} GiB` : `${big} MiB`} ÷ at ${sizes[0]} MiB`,
        tool: bySize[big],
        baseline: bySize[sizes[0]],
        toolName: `peak RSS copying ${big} MiB`,
        baselineName: `peak RSS copying ${sizes[0]} MiB`,
        target: 1.1,
        ran: 'node',
        unit: 'MiB',
        notes: ['flat means at most 10 % more memory for a 16× larger file'],
      }),
    );
    return figs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
