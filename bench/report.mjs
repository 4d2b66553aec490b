// Renders a results file of `npm run bench` as Markdown (the table, the machine, which PowerShell
// ran), for bench/PERFORMANCE.md (the README's Performance section has the headline ratios only).
//
//   node bench/report.mjs [bench/results/latest.json]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from './lib/table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, 'results', 'latest.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));
const m = doc.machine;
const judged = doc.figures.filter((f) => !f.info);
const met = judged.filter((f) => f.pass).length;
const lines = [
  markdownTable(doc.figures),
  '',
  `${met} of ${judged.length} targets met${doc.failures.length ? `; ${doc.failures.length} benchmark(s) failed to run` : ''}. ` +
    `Run ${doc.started.slice(0, 16).replace('T', ' ')} UTC, ${doc.options.reps} rounds after a warm-up${doc.options.quick ? ' (--quick)' : ''}, ${Math.round(doc.durationSec / 60)} min.`,
  '',
  `Machine: ${m.nproc} vCPU ${m.cpuModel}, ${(m.ramMiB / 1024).toFixed(0)} GiB RAM, ${m.platform}, Node.js ${m.node}; ` +
    `load average at start ${m.loadAverageAtStart?.join(' ') ?? '?'}, at end ${m.loadAverageAtEnd?.join(' ') ?? '?'}.`,
  doc.powershell.ran
    ? `PowerShell: ${doc.powershell.version} (${doc.powershell.source}) — the rows marked pwsh ran.`
    : `PowerShell: not present (${doc.powershell.reason}) — only the Node/shell rows ran.`,
];
const flushes = [...new Set(doc.figures.filter((f) => f.flush && !f.info).map((f) => `${f.id} (${f.ran}): ${f.flush}`))];
if (flushes.length) lines.push('', 'Flushing: ' + flushes.join('; ') + '.');
process.stdout.write(`${lines.join('\n')}\n`);
