/**
 * Configuration groups: requestors whose export settings are identical can share one Resync.glb
 * run; different settings need one run per group (domain.md, "The Exchange DSS side";
 * Q156063 section 3.1.1).
 */
import type { DirectoryRequestor } from './types';

/** A readable, stable key for a requestor's export settings (values sorted, case kept). */
export function configurationKey(r: DirectoryRequestor): string {
  const parts = Object.keys(r.exportSettings)
    .sort((a, b) => a.localeCompare(b))
    .map((k) => `${k}=${[...r.exportSettings[k]!].sort((a, b) => a.localeCompare(b)).join('|')}`);
  return parts.length ? parts.join('; ') : '(no export settings read)';
}

export interface ConfigurationGroup {
  configuration: string;
  requestors: DirectoryRequestor[];
}

/** Groups in order of first appearance; values compared without regard to case. */
export function groupByConfiguration(list: readonly DirectoryRequestor[]): ConfigurationGroup[] {
  const groups = new Map<string, ConfigurationGroup>();
  for (const r of list) {
    const key = configurationKey(r);
    const folded = key.toLocaleUpperCase('en-US');
    const g = groups.get(folded) ?? { configuration: key, requestors: [] };
    g.requestors.push(r);
    groups.set(folded, g);
  }
  return [...groups.values()];
}
