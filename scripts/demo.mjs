// `npm run demo`: creates a lab DSS with two requestors, runs the whole procedure through the
// bundled CLI, delivers the file to both lab postoffices, imports it at each (the lab's IMPORT -q),
// and prints the results.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'ResyncGlb', 'bin', 'resync-glb.cjs');
const lab = join(root, '.lab', 'demo');

function cli(args, { json = false } = {}) {
  process.stderr.write(`\n$ resync-glb ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bundle, ...args], { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    if (json && r.stdout) process.stdout.write(r.stdout);
    process.stderr.write(`demo: 'resync-glb ${args.join(' ')}' failed with exit code ${r.status}\n`);
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
process.stdout.write(`\nThe lab DXA keeps running like a service; stop it with: node ${bundle} lab stop ${lab}\n`);
