// Running variants of one benchmark interleaved, and turning samples into figures.
import { pairedRatios, summarize } from './stats.mjs';

/**
 * Runs each variant `warmup` times (discarded), then `reps` rounds; in round i the variants run in
 * an order rotated by i, so neither is always first after a pause. `before` runs (untimed) before
 * every single run. A variant's `run()` returns a number (ms) or { ms, ...extra }.
 * Returns { [name]: { ms: number[], extra: object[] } }.
 */
export async function interleave(variants, { reps, warmup = 1, before, log = () => undefined }) {
  const out = Object.fromEntries(variants.map((v) => [v.name, { ms: [], extra: [] }]));
  for (let w = 0; w < warmup; w++) {
    for (const v of variants) {
      if (before) await before(v);
      await v.run();
    }
  }
  for (let i = 0; i < reps; i++) {
    const order = variants.map((_, k) => variants[(k + i) % variants.length]);
    for (const v of order) {
      if (before) await before(v);
      const r = await v.run();
      const ms = typeof r === 'number' ? r : r.ms;
      out[v.name].ms.push(ms);
      out[v.name].extra.push(typeof r === 'number' ? {} : r);
    }
    log(`    round ${i + 1}/${reps}: ${order.map((v) => `${v.name} ${fmtMs(out[v.name].ms.at(-1))}`).join(', ')}`);
  }
  return out;
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/**
 * A ratio figure: tool vs baseline, paired per round; passes when the median ratio <= target.
 * `unit` is that of the raw samples ('ms').
 */
export function ratioFigure({ id, what, tool, baseline, toolName, baselineName, target, ran, flush, notes = [], unit = 'ms' }) {
  const ratio = pairedRatios(tool, baseline);
  return {
    id,
    what,
    kind: 'ratio',
    ran,
    tool: { name: toolName, unit, ...summarize(tool) },
    baseline: { name: baselineName, unit, ...summarize(baseline) },
    ratio,
    target: { max: target, of: 'median ratio' },
    pass: Number.isFinite(ratio.median) && ratio.median <= target,
    flush,
    notes,
  };
}

/** An absolute figure (no baseline): passes when the median <= target (in `unit`). */
export function absoluteFigure({ id, what, values, name, unit, target, ran, notes = [], reference }) {
  const s = summarize(values);
  return {
    id,
    what,
    kind: 'absolute',
    ran,
    tool: { name, unit, ...s },
    ...(reference ? { reference } : {}),
    target: { max: target, of: 'median', unit },
    pass: Number.isFinite(s.median) && s.median <= target,
    notes,
  };
}

/** An informational figure: shown in the table, never judged. */
export function infoFigure(fig) {
  return { ...fig, info: true, pass: null };
}

/**
 * A figure that could not be measured here: shown in the table as "not measured: <reason>", never
 * judged as met (the summary names it).
 */
export function notMeasuredFigure({ id, what, ran, reason, target }) {
  return { id, what, kind: 'not-measured', ran, reason, target, info: false, notMeasured: true, pass: false, notes: [] };
}
