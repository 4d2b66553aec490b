// The results table: one row per figure, plain text (monospace) and Markdown.
import { fmtMs } from './measure.mjs';

function fmtValue(v, unit) {
  if (!Number.isFinite(v)) return '—';
  if (unit === 'ms') return fmtMs(v);
  if (unit === 'MiB') return `${v.toFixed(1)} MiB`;
  if (unit === 'x') return v.toFixed(2);
  return `${v} ${unit}`;
}

function spread(s, unit) {
  return `${fmtValue(s.median, unit)} (${fmtValue(s.min, unit)}–${fmtValue(s.max, unit)})`;
}

export function rowsOf(figures) {
  return figures.map((f) => {
    const verdict = f.info ? 'info' : f.notMeasured ? 'not measured' : f.pass ? 'PASS' : 'MISS';
    if (f.kind === 'not-measured') {
      return { id: f.id, what: f.what, ran: f.ran, tool: `not measured: ${f.reason}`, baseline: '—', figure: '—', target: f.target ? `≤ ${f.target.max}` : '', verdict, flush: '' };
    }
    if (f.kind === 'ratio') {
      return {
        id: f.id,
        what: f.what,
        ran: f.ran,
        tool: spread(f.tool, f.tool.unit),
        baseline: spread(f.baseline, f.baseline.unit),
        // A median that rounds to the target gets a third decimal, so the verdict is visible in it.
        figure: Math.abs(f.ratio.median - (f.target?.max ?? NaN)) < 0.005
          ? `${f.ratio.median.toFixed(3)} (${fmtValue(f.ratio.min, 'x')}–${fmtValue(f.ratio.max, 'x')})`
          : spread(f.ratio, 'x'),
        target: f.target ? `≤ ${f.target.max}` : '',
        verdict,
        flush: f.flush ?? '',
      };
    }
    return {
      id: f.id,
      what: f.what,
      ran: f.ran,
      tool: spread(f.tool, f.tool.unit),
      baseline: f.reference ? `${f.reference.name}: ${fmtValue(f.reference.median, f.tool.unit)}` : '—',
      figure: spread(f.tool, f.tool.unit),
      target: f.target ? `≤ ${f.target.max} ${f.target.unit}` : '',
      verdict,
      flush: f.flush ?? '',
    };
  });
}

const COLS = [
  ['id', 'id'],
  ['what', 'what'],
  ['ran', 'ran'],
  ['tool', 'tool median (min–max)'],
  ['baseline', 'baseline median (min–max)'],
  ['figure', 'figure median (min–max)'],
  ['target', 'target'],
  ['verdict', ''],
];

export function textTable(figures) {
  const rows = rowsOf(figures);
  const width = Object.fromEntries(COLS.map(([k, h]) => [k, Math.max(h.length, ...rows.map((r) => String(r[k]).length))]));
  width.what = Math.min(width.what, 60);
  const cell = (k, v) => {
    const s = String(v);
    return (s.length > width[k] ? `${s.slice(0, width[k] - 1)}…` : s).padEnd(width[k]);
  };
  const lines = [COLS.map(([k, h]) => cell(k, h)).join('  '), COLS.map(([k]) => '-'.repeat(width[k])).join('  ')];
  for (const r of rows) lines.push(COLS.map(([k]) => cell(k, r[k])).join('  '));
  return lines.join('\n');
}

export function markdownTable(figures) {
  const rows = rowsOf(figures);
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const lines = [`| ${COLS.map(([, h]) => h || 'verdict').join(' | ')} |`, `|${COLS.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${COLS.map(([k]) => esc(r[k])).join(' | ')} |`);
  return lines.join('\n');
}
