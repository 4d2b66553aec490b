// B2: delay from the lab DXA closing the finished Resync.glb to the run returning. The close instant
// is the DXA's own "Wrote Resync.glb" line in dxa.log (written right after fsync and close, ms
// precision); the return is the exit of the `resync-glb rpc` child (and, as a detail, the arrival
// of its `end` event). Same clock: both are this machine's wall clock. The runs skip the restart
// after generation (noFinalRestart): it is a separate, deliberate step after the file is safe, and
// its time is the service's own (B1 and B7 include it).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Lab, LOG, findEntry } from '../lib/lab.mjs';
import { absoluteFigure } from '../lib/measure.mjs';
import { summarize } from '../lib/stats.mjs';
import { scratchDir } from '../lib/files.mjs';

export const B2_LAB = { requestors: ['PO1', 'PO2'], recipients: 10_000, startMs: 200, stopMs: 100, chunkBytes: 65_536, chunkDelayMs: 10 };

/** One `new` over the protocol; resolves { endAt, exitAt, code, result }. */
function rpcNew(bundle, labDir, requestors, limitMs = 120_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, 'rpc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let endAt = null;
    let result = null;
    let error = null;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const e = JSON.parse(line);
      if (e.event === 'end') {
        endAt = Date.now();
        child.stdin.end();
      } else if (e.event === 'result') result = e.data;
      else if (e.event === 'error') error = e;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`B2: rpc new ran longer than ${limitMs} ms`));
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      const exitAt = Date.now();
      clearTimeout(timer);
      if (code !== 0 || !result) reject(new Error(`B2: rpc new failed (exit ${code}): ${JSON.stringify(error)} ${stderr.slice(-1000)}`));
      else resolve({ endAt, exitAt, code, result });
    });
    child.stdin.write(`${JSON.stringify({ protocol: 1, command: 'new', params: { labPath: labDir, requestor: requestors, force: true, noFinalRestart: true } })}\n`);
  });
}

export async function run(ctx) {
  const work = scratchDir('b2');
  const lab = new Lab(ctx.bundle, join(work, 'lab'));
  try {
    await lab.init(B2_LAB);
    await lab.start();
    const reps = ctx.quick ? 5 : 10;
    const closeToExit = [];
    const closeToEnd = [];
    const removedToExit = [];
    for (let i = -1; i < reps; i++) {
      const off = lab.logOffset();
      const r = await rpcNew(ctx.bundle, lab.dir, B2_LAB.requestors);
      const entries = lab.logSince(off);
      const wrote = findEntry(entries, LOG.wrote);
      const removed = findEntry(entries, LOG.removed);
      if (!wrote || !removed) throw new Error(`B2: dxa.log has no "Wrote"/"Removed" line for this run:\n${entries.map((e) => e.message).join('\n')}`);
      if (i < 0) continue; // warm-up
      closeToExit.push(r.exitAt - wrote.at);
      closeToEnd.push(r.endAt - wrote.at);
      removedToExit.push(r.exitAt - removed.at);
      ctx.log(`    run ${i + 1}/${reps}: close→end ${r.endAt - wrote.at} ms, close→exit ${r.exitAt - wrote.at} ms (value removed ${removed.at - wrote.at} ms after close)`);
    }
    ctx.extra.b2 = { removedToExit: summarize(removedToExit) };
    const note = 'includes the DXA removing the value after the close (the tool waits for that), the tool moving and hashing the file';
    return [
      absoluteFigure({
        id: 'B2',
        what: `DXA closes Resync.glb (${B2_LAB.recipients} recipients) → \`end\` event (what the module waits for)`,
        values: closeToEnd,
        name: 'dxa.log "Wrote Resync.glb" → rpc `end`',
        unit: 'ms',
        target: 20,
        ran: 'node',
        notes: [note],
      }),
      absoluteFigure({
        id: 'B2',
        what: `DXA closes Resync.glb (${B2_LAB.recipients} recipients) → engine process exit`,
        values: closeToExit,
        name: 'dxa.log "Wrote Resync.glb" → rpc exit',
        unit: 'ms',
        target: 40,
        ran: 'node',
        notes: [note],
      }),
    ];
  } finally {
    await lab.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
