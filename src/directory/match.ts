/**
 * Checking requestor names against the directory's requestor objects before anything changes on
 * the DSS. A name identifies a Remote Dirsync Requestor by display name, common name or RDN
 * (domain.md, Q150976), compared without regard to case after trimming (domain.md, "Requestor
 * name rules", inference). Unknown names get the closest names as suggestions.
 */
import type { DirectoryRequestor } from './types';

function fold(s: string): string {
  return s.trim().toLocaleUpperCase('en-US');
}

export function namesOf(r: DirectoryRequestor): string[] {
  return [...new Set([r.displayName, r.commonName, r.rdn].filter((n) => n.length > 0))];
}

export function findRequestor(name: string, list: readonly DirectoryRequestor[]): DirectoryRequestor | undefined {
  const n = fold(name);
  if (!n) return undefined;
  return list.find((r) => namesOf(r).some((x) => fold(x) === n));
}

/** Optimal string alignment distance: edits plus swaps of neighbours ('Slaes' -> 'Sales' is 1). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i += 1) {
    for (let j = 1; j <= n; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/**
 * Up to `max` names of the listed requestors closest to `name`, closest first: within a third of
 * the name's length (at least 2 edits), or containing it / contained in it.
 */
export function nearMatches(name: string, list: readonly DirectoryRequestor[], max = 3): string[] {
  const n = fold(name);
  const scored: Array<{ name: string; score: number }> = [];
  for (const r of list) {
    let best: { name: string; score: number } | null = null;
    for (const candidate of namesOf(r)) {
      const c = fold(candidate);
      const dist = editDistance(n, c);
      const limit = Math.max(2, Math.floor(Math.max(n.length, c.length) / 3));
      const contains = n.length >= 3 && (c.includes(n) || n.includes(c));
      const score = dist <= limit ? dist : contains ? limit + 1 : Infinity;
      if (score !== Infinity && (!best || score < best.score)) best = { name: candidate, score };
    }
    if (best) scored.push(best);
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((s) => s.name);
}

export interface NameCheck {
  found: Array<{ name: string; requestor: DirectoryRequestor }>;
  missing: Array<{ name: string; suggestions: string[] }>;
}

export function checkNames(names: readonly string[], list: readonly DirectoryRequestor[]): NameCheck {
  const out: NameCheck = { found: [], missing: [] };
  for (const name of names) {
    const hit = findRequestor(name, list);
    if (hit) out.found.push({ name, requestor: hit });
    else out.missing.push({ name, suggestions: nearMatches(name, list) });
  }
  return out;
}
