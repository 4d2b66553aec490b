/** Human-readable summaries of result objects for the CLI without --json. */
function value(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(value).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatHuman(type: string, data: Record<string, unknown>): string {
  const keys = Object.keys(data);
  const width = Math.max(...keys.map((k) => k.length));
  const lines = keys
    .filter((k) => data[k] !== undefined)
    .map((k) => `${k.padEnd(width)} : ${value(data[k])}`);
  return [`${type}`, ...lines, ''].join('\n');
}
