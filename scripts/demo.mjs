// `npm run demo`: creates a lab DSS with two requestors, runs the whole procedure through the
// bundled CLI, delivers the file to both lab postoffices, imports it at each (the lab's IMPORT -q),
// and prints the results.
//
//   node scripts/demo.mjs [--engine node|exe] [--stop] [--wine]
//     --engine node  this Node with bin/resync-glb.cjs (the default)
//     --engine exe   the self-contained Windows engine bin/win-x64/resync-glb.exe (on Windows, or under --wine)
//     --stop         stops the lab DXA at the end instead of leaving it running like a service
//     --wine         (Linux) runs this script in node.exe under Wine (scripts/windows-tools.mjs), with --stop,
//                    and prints its output once it ends: `npm run demo -- --wine --engine exe`
//                    shows the procedure as Windows runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'ResyncGlb', 'bin', 'resync-glb.cjs');
const exe = join(root, 'dist', 'ResyncGlb', 'bin', 'win-x64', 'resync-glb.exe');
const lab = join(root, '.lab', 'demo');

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const at = argv.indexOf('--engine');
const engineName = at >= 0 ? argv[at + 1] : 'node';
if (!['node', 'exe'].includes(engineName)) {
  process.stderr.write(`demo: --engine is node or exe, not '${engineName}'\n`);
  process.exit(2);
}

if (flag('--wine')) {
  // Wine 8 gives a Windows process EBADF on Unix pipes as standard handles: its output goes to files.
  const { ensureWindowsTools, runWindows, stopWine, toWindowsPath } = await import('./windows-tools.mjs');
  const t = ensureWindowsTools();
  if (t.reason) {
    process.stderr.write(`demo: cannot run under Wine: ${t.reason}\n`);
    process.exit(1);
  }
  const rest = argv.filter((a) => a !== '--wine' && a !== '--stop');
  process.stderr.write(`demo: running in ${t.nodeExe} under Wine (its output is shown when it ends) ...\n`);
  const log = join(mkdtempSync(join(tmpdir(), 'rg-demo-')), 'output.txt');
  const r = runWindows(t.nodeExe, [toWindowsPath(fileURLToPath(import.meta.url)), ...rest, '--stop'], { tools: t, cwd: root, timeoutMs: 900_000, stdoutFile: log, stderrFile: log });
  stopWine(t);
  process.stdout.write(r.stdout);
  rmSync(dirname(log), { recursive: true, force: true });
  process.exit(r.timedOut ? 1 : (r.status ?? 1));
}

const engine = engineName === 'exe' ? { command: exe, prefix: [], shown: exe } : { command: process.execPath, prefix: [bundle], shown: `node ${bundle}` };

function cli(args, { json = false } = {}) {
  process.stderr.write(`\n$ resync-glb ${args.join(' ')}\n`);
  const r = spawnSync(engine.command, [...engine.prefix, ...args], { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    if (json && r.stdout) process.stdout.write(r.stdout);
    process.stderr.write(`demo: 'resync-glb ${args.join(' ')}' failed with exit code ${r.status}${r.error ? ` (${r.error.message})` : ''}\n`);
    process.exit(r.status ?? 1);
  }
  return json ? JSON.parse(r.stdout) : null;
}

cli(['lab', 'init', lab, '--requestor', 'PO1', '--requestor', 'PO2', '--recipients', '500', '--force']);
cli(['lab', 'start', lab]);
const result = cli(['new', '--lab', lab, '--requestor', 'PO1', '--requestor', 'PO2', '--verbose', '--json'], { json: true });
const pos = cli(['lab', 'requestors', lab, '--json'], { json: true });
const glbs = (Array.isArray(pos) ? pos : [pos]).map((p) => p.GlbPath ?? p.glbPath).filter(Boolean);
const copies = glbs.length
  ? cli(['copy', result.Path, '--sha256', result.Sha256, ...glbs.flatMap((g) => ['--destination', g]), '--json'], { json: true })
  : [];

const line = (k, v) => process.stdout.write(`  ${k.padEnd(18)} ${v}\n`);
process.stdout.write('\nResync.glb generated on the lab DSS\n');
line('Computer', result.ComputerName);
line('Requestors', result.Requestor.join(', '));
line('Resync.glb', result.Path);
line('Length', `${result.Length} bytes`);
line('SHA-256', result.Sha256);
line('Value removed', String(result.ValueRemoved));
line('Service', result.ServiceStatus);
line('Final restart', result.FinalRestart);
line('Backup', result.BackupPath);
line('Duration', `${result.Duration.toFixed(2)} s`);
for (const c of Array.isArray(copies) ? copies : [copies]) {
  process.stdout.write(`\nDelivered to ${c.Destination} (verified: ${c.Verified})\n  next step at that postoffice:\n    ${String(c.NextStep).split('\n').join('\n    ')}\n`);
}
const imports = glbs.length
  ? (Array.isArray(pos) ? pos : [pos]).map((p) => cli(['lab', 'import', lab, p.Postoffice, '--json'], { json: true }))
  : [];
for (const i of imports) {
  process.stdout.write(
    `\nImported at postoffice ${i.Postoffice} (lab IMPORT -q): ${i.Addresses} addresses; numbers now IMPSEQ ${i.ImpSeq}, REQSEQ ${i.ReqSeq}, SRVSEQ ${i.SrvSeq}; RESYNC.GLB deleted: ${i.FileDeleted}\n`,
  );
}
if (flag('--stop')) cli(['lab', 'stop', lab]);
else process.stdout.write(`\nThe lab DXA keeps running like a service; stop it with: ${engine.shown} lab stop ${lab}\n(in PowerShell: Stop-ResyncLab ${lab}, or Remove-ResyncLab ${lab} to delete the lab too)\n`);
