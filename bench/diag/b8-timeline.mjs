// Diagnostic for B8: where the time of `new` through the Windows operations goes, against the lab
// operations, on B1's lab. For each kind of operations, one `new` over the protocol with every event
// (verbose steps included) and every lab DXA log line on one clock (ms since spawn); then the fixed
// costs underneath: a fresh pwsh, a fresh pwsh with the stand-ins loaded (what the bundle starts), and,
// inside one such pwsh, the cost of one ps1/ call (Get-ResyncValue.ps1, Get-DxService.ps1,
// Get-DssSnapshot.ps1), of dot-sourcing _Common.ps1 alone, and of one stand-in round trip to the
// lab (`lab __shadow`), which a real DSS does not have.
//
//   RESYNCGLB_PWSH=/path/to/pwsh node bench/diag/b8-timeline.mjs [--runs N] [--calls N]
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lib/lab.mjs';
import { scratchDir } from '../lib/files.mjs';
import { findPwsh } from '../lib/env.mjs';
import { timed } from '../lib/proc.mjs';
import { median } from '../lib/stats.mjs';
import { B1_LAB } from '../benchmarks/b1-procedure.mjs';
import { labOwnTime, windowsTarget } from '../benchmarks/b8-windows-operations.mjs';
import { SCRIPTS } from '../lib/pwsh.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const bundle = join(repoRoot, 'dist', 'ResyncGlb', 'bin', 'resync-glb.cjs');
const contract = JSON.parse(readFileSync(join(repoRoot, 'src', 'shared', 'dss-contract.json'), 'utf8'));
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

function runRpc(params, env) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bundle, 'rpc'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const events = [];
    let end = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const e = JSON.parse(line);
      if (e.event === 'end') {
        end = e;
        child.stdin.end();
      }
      events.push({ at: Date.now(), what: `event ${e.event}${e.message ? `: ${e.message.slice(0, 100)}` : e.status ? `: ${e.activity} — ${e.status}` : ''}` });
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ t0, exitAt: Date.now(), events, end }));
    child.stdin.write(`${JSON.stringify({ protocol: 1, command: 'new', params: { requestor: B1_LAB.requestors, force: true, ...params } })}\n`);
  });
}

const pwsh = findPwsh();
if (!pwsh.path) throw new Error(`no pwsh: ${pwsh.reason}`);
const ctx = { repoRoot, bundle, contract, pwsh };
const work = scratchDir('b8diag');
const lab = new Lab(bundle, join(work, 'lab'));
try {
  await lab.init(B1_LAB);
  await lab.start();
  const win = windowsTarget(ctx, lab, work);
  win.env.XDG_STATE_HOME = join(work, 'state');
  const kinds = {
    lab: { params: { labPath: lab.dir }, env: { ...process.env, XDG_STATE_HOME: join(work, 'state') } },
    windows: { params: { transport: 'Local', dxadataPath: lab.dxadata, outputPath: join(lab.dir, 'output'), logPath: join(lab.dir, 'audit.jsonl') }, env: win.env },
  };
  for (let run = 1; run <= opt('runs', 1); run++) {
    for (const [name, k] of Object.entries(kinds)) {
      const off = lab.logOffset();
      const r = await runRpc(k.params, k.env);
      const dxa = lab.logSince(off);
      const rows = [{ at: r.t0, what: 'spawn engine' }, ...r.events, ...dxa.map((e) => ({ at: e.at, what: `DXA: ${e.message.slice(0, 90)}` })), { at: r.exitAt, what: 'engine exited' }];
      rows.sort((a, b) => a.at - b.at);
      const own = labOwnTime(dxa, 'Restarted');
      process.stdout.write(`\n${name} run ${run}: ${r.exitAt - r.t0} ms spawn → exit; the lab's own work ${own} ms; around it ${r.exitAt - r.t0 - own} ms\n`);
      for (const row of rows) if (!/event progress/.test(row.what)) process.stdout.write(`${String(row.at - r.t0).padStart(7)} ms  ${row.what}\n`);
      if (r.end?.result?.Path && existsSync(r.end.result.Path)) rmSync(r.end.result.Path, { force: true });
    }
  }

  // One more run through the Windows operations with every command the engine sends to pwsh logged
  // (a pass-through in front of pwsh-with-shadows stamps each stdin line): how many ps1/ calls a run
  // makes, of which scripts, and the time from one command to the next (that call's whole cost).
  {
    const log = join(work, 'commands.log');
    const tee = join(work, 'pwsh-logged');
    writeFileSync(
      tee,
      `#!/bin/sh\nperl -MTime::HiRes=time -e 'open(L, ">>", $ENV{B8_CMD_LOG}) or die; select(L); $|=1; select(STDOUT); $|=1; while (<STDIN>) { printf L "%.3f %s", time()*1000, $_; print $_; }' | "$B8_REAL_PWSH" "$@"\n`,
    );
    chmodSync(tee, 0o755);
    const env = { ...win.env, RESYNCGLB_PWSH: tee, B8_CMD_LOG: log, B8_REAL_PWSH: win.env.RESYNCGLB_PWSH };
    const r = await runRpc(kinds.windows.params, env);
    if (r.end?.result?.Path && existsSync(r.end.result.Path)) rmSync(r.end.result.Path, { force: true });
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    const cmds = lines.map((l) => {
      const at = Number(l.slice(0, l.indexOf(' ')));
      const text = l.slice(l.indexOf(' ') + 1);
      const m = /([A-Za-z-]+\.ps1)'/.exec(text);
      return { at, script: m ? m[1] : text.startsWith('[Console]::') ? '(node-powershell delimiter)' : text.startsWith('$ProgressPreference') ? '(session set-up: pwsh start)' : text.slice(0, 40) };
    });
    const calls = cmds.filter((c) => c.script !== '(node-powershell delimiter)');
    const per = {};
    for (let i = 0; i < calls.length; i++) {
      const next = calls[i + 1]?.at ?? r.exitAt;
      (per[calls[i].script] ??= []).push(next - calls[i].at);
    }
    process.stdout.write(`\nwindows run with its commands logged: ${r.exitAt - r.t0} ms; first command ${calls.length ? (calls[0].at - r.t0).toFixed(0) : '—'} ms after spawn (pwsh start); ${calls.length} commands:\n`);
    for (let i = 0; i < calls.length; i++) {
      const next = calls[i + 1]?.at ?? r.exitAt;
      process.stdout.write(`  ${String((calls[i].at - r.t0).toFixed(0)).padStart(7)} ms  ${calls[i].script.padEnd(34)} ${(next - calls[i].at).toFixed(0).padStart(6)} ms to the next\n`);
    }
    process.stdout.write('  by script:\n');
    for (const [script, ms] of Object.entries(per).sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0))) {
      process.stdout.write(`  ${script.padEnd(34)} ×${String(ms.length).padStart(3)}  median ${median(ms).toFixed(0).padStart(5)} ms  total ${ms.reduce((x, y) => x + y, 0).toFixed(0).padStart(6)} ms\n`);
    }
  }

  // Fixed costs underneath.
  const starts = async (label, cmd, args, env) => {
    const ms = [];
    for (let i = 0; i < 5; i++) ms.push((await timed(cmd, args, { env })).ms);
    process.stdout.write(`${label}: median ${median(ms).toFixed(0)} ms (${ms.map((x) => x.toFixed(0)).join(', ')})\n`);
  };
  process.stdout.write('\nfixed costs\n');
  await starts('fresh pwsh -NoProfile -c exit', pwsh.path, ['-NoProfile', '-NonInteractive', '-c', 'exit'], process.env);
  await starts('fresh pwsh-with-shadows (stand-ins loaded, lab mode) -c exit', win.env.RESYNCGLB_PWSH, ['-NoProfile', '-NonInteractive', '-c', 'exit'], win.env);
  const calls = await timed(
    win.env.RESYNCGLB_PWSH,
    [
      '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', join(SCRIPTS, 'b8-call-costs.ps1'),
      '-Ps1Dir', join(repoRoot, 'dist', 'ResyncGlb', 'ps1'),
      '-RequestsBase64', Buffer.from(JSON.stringify({
        getValue: { transport: 'Local', key: { hive: contract.serviceKey.hive, subKey: contract.serviceKey.subKey, psPath: contract.serviceKey.psPath }, value: { name: contract.resyncValue.name } },
        getService: { transport: 'Local', service: { name: contract.service.name } },
        snapshot: { transport: 'Local', dxadata: lab.dxadata, key: { hive: contract.serviceKey.hive, subKey: contract.serviceKey.subKey, psPath: contract.serviceKey.psPath }, value: { name: contract.resyncValue.name }, service: { name: contract.service.name } },
        shadowKey: `${contract.serviceKey.hive}\\${contract.serviceKey.subKey}`,
      })).toString('base64'),
      '-Calls', String(opt('calls', 20)),
    ],
    { env: win.env },
  );
  process.stdout.write(`in one pwsh with the stand-ins (medians of ${opt('calls', 20)} calls, the first call apart):\n${calls.stdout}`);
  if (calls.stderr.trim()) process.stdout.write(calls.stderr);
} finally {
  await lab.dispose();
  rmSync(work, { recursive: true, force: true });
}
