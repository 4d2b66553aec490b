// Summary statistics for benchmark samples: median and min–max, and per-repetition ratios.

/** Median of numbers (mean of the two middle ones for an even count); NaN for none. */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** { median, min, max, n, samples } of the finite values. */
export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return {
    median: median(v),
    min: v.length ? Math.min(...v) : NaN,
    max: v.length ? Math.max(...v) : NaN,
    n: v.length,
    samples: values.map((x) => (Number.isFinite(x) ? round(x, 4) : null)),
  };
}

/**
 * Ratio figures from paired samples: tool[i] / baseline[i] for each repetition i. Pairs were
 * measured back to back, so each ratio sees the same machine load; the median of the ratios is the
 * figure, and its spread shows how noisy the run was.
 */
export function pairedRatios(tool, baseline) {
  const n = Math.min(tool.length, baseline.length);
  const r = [];
  for (let i = 0; i < n; i++) r.push(baseline[i] > 0 ? tool[i] / baseline[i] : NaN);
  return summarize(r);
}

export function round(x, digits = 3) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
