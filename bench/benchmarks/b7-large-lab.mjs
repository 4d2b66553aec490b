// B7: the lab generating Resync.glb for 100,000 recipients, and the procedure around it. In each
// run the lab's own time is read from its log: from the old DXA acting on the stop request
// ("Service stopping.") to the new DXA removing the value after writing the file ("Removed
// ResyncConnectionRDNs") — the service's stop, its process start, StartPending, the generation and
// the write — and on to the DXA running again after the restart after generation (Q156063), which
// the tool does by default, so both sides hold the same steps. The tool's time is `resync-glb new`
// from spawn to exit. Overhead = tool / lab − 1.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, LOG, findEntry } from '../lib/lab.mjs';
import { interleave, ratioFigure } from '../lib/measure.mjs';
import { summarize } from '../lib/stats.mjs';
import { scratchDir } from '../lib/files.mjs';

export const B7_LAB = { requestors: ['PO1', 'PO2'], recipients: 100_000, startMs: 1500, stopMs: 500, chunkBytes: 65_536, chunkDelayMs: 10 };

export async function run(ctx) {
  const work = scratchDir('b7');
  const lab = new Lab(ctx.bundle, join(work, 'lab'));
  try {
    await lab.init(B7_LAB);
    await lab.start();
    const labMs = [];
    const closeToExit = [];
    let length = 0;
    const variants = [
      {
        name: 'tool',
        run: async () => {
          const off = lab.logOffset();
          const r = await lab.cli(['new', '--lab', lab.dir, ...B7_LAB.requestors.flatMap((n) => ['-r', n]), '--json']);
          const res = JSON.parse(r.stdout);
          if (!res.ValueRemoved || !(res.Length > 0)) throw new Error(`B7: no verified file: ${r.stdout}`);
          length = res.Length;
          rmSync(res.Path, { force: true });
          const entries = lab.logSince(off);
          const stopping = findEntry(entries, LOG.stopping);
          const removed = findEntry(entries, LOG.removed);
          const wrote = findEntry(entries, LOG.wrote);
          if (!stopping || !removed || !wrote) throw new Error(`B7: dxa.log lacks the stop/remove lines:\n${entries.map((e) => e.message).join('\n')}`);
          // The restart after generation: the last "started" line after the value was removed.
          const restarted = entries.filter((e) => LOG.started.test(e.message) && e.at >= removed.at).at(-1);
          if (res.FinalRestart === 'Restarted' && !restarted) throw new Error(`B7: the run restarted the service but dxa.log has no start after the generation:\n${entries.map((e) => e.message).join('\n')}`);
          const labEnd = res.FinalRestart === 'Restarted' ? restarted.at : removed.at;
          return { ms: r.ms, lab: labEnd - stopping.at, closeToExit: r.exitedAt - wrote.at };
        },
      },
    ];
    ctx.log(`  B7: lab with ${B7_LAB.recipients} recipients`);
    const s = await interleave(variants, { reps: ctx.reps, warmup: 1, log: ctx.log });
    for (const e of s.tool.extra) {
      labMs.push(e.lab);
      closeToExit.push(e.closeToExit);
    }
    ctx.extra.b7 = { fileBytes: length, closeToExitMs: summarize(closeToExit), aroundMs: summarize(s.tool.ms.map((t, i) => t - labMs[i])) };
    return [
      ratioFigure({
        id: 'B7',
        what: `${B7_LAB.recipients.toLocaleString('en')} recipients (${(length / 1048576).toFixed(1)} MiB): \`new --lab\` ÷ the lab's own time: stop → file done → running again after the restart`,
        tool: s.tool.ms,
        baseline: labMs,
        toolName: 'resync-glb new --lab, spawn → exit',
        baselineName: 'dxa.log: "Service stopping." → "Removed ResyncConnectionRDNs" → "service started (lab)." after the restart after generation',
        target: 1.05,
        ran: 'node',
        notes: ['figure − 1 is the overhead of the procedure around the lab'],
      }),
    ];
  } finally {
    await lab.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
