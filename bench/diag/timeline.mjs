// Diagnostic: one `new` run over the protocol against a fresh lab, with every protocol event's
// arrival time and every lab DXA log line on one clock (ms since spawn). Shows where the time
// between the DXA closing Resync.glb and the run returning goes (B2), and the procedure's own
// time around the lab (B1, B7).
//
//   node bench/diag/timeline.mjs [--recipients N] [--runs N] [--start-ms N] [--stop-ms N] [--final-restart]
// (without --final-restart the runs skip the restart after generation, as B2 does)
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lib/lab.mjs';
import { scratchDir } from '../lib/files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, '..', '..', 'dist', 'ResyncGlb', 'bin', 'resync-glb.cjs');
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

function runRpc(labDir) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bundle, 'rpc'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const events = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const e = JSON.parse(line);
      events.push({ at: Date.now(), what: `event ${e.event}${e.message ? `: ${e.message.slice(0, 90)}` : e.status ? `: ${e.activity} — ${e.status}` : ''}` });
      if (e.event === 'end') child.stdin.end();
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ t0, exitAt: Date.now(), events }));
    child.stdin.write(`${JSON.stringify({ protocol: 1, command: 'new', params: { labPath: labDir, requestor: ['PO1', 'PO2'], force: true, noFinalRestart: !process.argv.includes('--final-restart') } })}\n`);
  });
}

const work = scratchDir('timeline');
const lab = new Lab(bundle, join(work, 'lab'));
try {
  await lab.init({ recipients: opt('recipients', 10_000), startMs: opt('start-ms', 1500), stopMs: opt('stop-ms', 500), chunkBytes: 65_536, chunkDelayMs: 10 });
  await lab.start();
  for (let run = 1; run <= opt('runs', 2); run++) {
    const off = lab.logOffset();
    const r = await runRpc(lab.dir);
    const rows = [{ at: r.t0, what: 'spawn engine' }, ...r.events, ...lab.logSince(off).map((e) => ({ at: e.at, what: `DXA: ${e.message.slice(0, 90)}` }))];
    let audit = [];
    try {
      audit = readFileSync(join(lab.dir, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((a) => Date.parse(a.time) >= r.t0)
        .map((a) => ({ at: Date.parse(a.time), what: `audit: ${a.event}` }));
    } catch {
      /* no audit log */
    }
    rows.push(...audit, { at: r.exitAt, what: 'engine exited' });
    rows.sort((a, b) => a.at - b.at);
    process.stdout.write(`\nrun ${run}\n`);
    for (const row of rows) if (!/event progress/.test(row.what)) process.stdout.write(`${String(row.at - r.t0).padStart(7)} ms  ${row.what}\n`);
  }
} finally {
  await lab.dispose();
  rmSync(work, { recursive: true, force: true });
}
