/**
 * Which DXA honours GlobalMaxSeqInResync: Dxa.exe 5.5.2524 or later (Exchange 5.5 SP3; docs/domain.md, Q215505).
 * A fact about the DSS that both the orchestrator and the lab DXA rely on, so it sits on the ground floor.
 */
import { CONTRACT } from './contract';

export const GLOBAL_MAX_SEQ = CONTRACT.globalMaxSeqValue.name;
export const GLOBAL_MAX_SEQ_MIN_VERSION = CONTRACT.globalMaxSeqValue.minDxaVersion;

/** Compares dotted versions numerically ("5.5.2653" > "5.5.2524"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** True when the DXA version is known and is 5.5.2524 or later (Exchange 5.5 SP3; Q215505). */
export function honoursGlobalMaxSeq(version: string | null | undefined): boolean {
  return typeof version === 'string' && /^\d+(\.\d+)*$/.test(version.trim()) && compareVersions(version.trim(), GLOBAL_MAX_SEQ_MIN_VERSION) >= 0;
}
