/**
 * What a run has changed on the DSS so far: enough for a rollback, including one done later by
 * another process from the lock's journal (src/core/lock.ts). Plain JSON.
 */
import type { ServiceStatus } from '../operations/operations';

export interface RunState {
  runId: string;
  computerName: string;
  stamp: string;
  /** Service status before the run; null before preflight read it. */
  priorServiceStatus: ServiceStatus | null;
  /** ResyncConnectionRDNs before the run (a pending value taken over with force); null = absent. */
  priorValue: string[] | null;
  requestors: string[];
  dxadata: string | null;
  filePath: string | null;
  outputFolder: string;
  /** Steps done, in order. */
  valueWritten: boolean;
  serviceStopped: boolean;
  serviceStarted: boolean;
  /** The Resync.glb of this run was taken out of Dxadata. */
  fileTaken: boolean;
  /** GlobalMaxSeqInResync before the run (null = absent); meaningful when globalMaxSeqSet. */
  priorGlobalMaxSeq?: number | null;
  /** The run set GlobalMaxSeqInResync to 1 and has not restored it yet (Q215505). */
  globalMaxSeqSet?: boolean;
}

export function newRunState(runId: string, computerName: string, stamp: string, outputFolder: string): RunState {
  return {
    runId,
    computerName,
    stamp,
    priorServiceStatus: null,
    priorValue: null,
    requestors: [],
    dxadata: null,
    filePath: null,
    outputFolder,
    valueWritten: false,
    serviceStopped: false,
    serviceStarted: false,
    fileTaken: false,
  };
}

/** stampOf()'s format (src/shared/file-names.ts): 20261124T103000123Z. */
const STAMP = /^\d{8}T\d{9}Z$/;

const SERVICE_STATUSES: readonly ServiceStatus[] = ['Running', 'Stopped', 'StartPending', 'StopPending', 'Paused'];

/**
 * Why `value` (read back from a lock file) is not a whole RunState, or null when it is. Every field is
 * checked for its type, so a journal whose `priorValue` is the string "SALES" is refused instead of
 * being restored as the five names "S", "A", "L", "E", "S".
 */
export function runStateProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const s = value as Record<string, unknown>;
  const text = (k: string): boolean => typeof s[k] === 'string';
  const textOrNull = (k: string): boolean => s[k] === null || typeof s[k] === 'string';
  const flag = (k: string): boolean => typeof s[k] === 'boolean';
  // What the registry takes in a REG_MULTI_SZ: non-empty strings without NUL.
  const names = (v: unknown): boolean => Array.isArray(v) && v.every((n) => typeof n === 'string' && n !== '' && !n.includes('\0'));
  for (const k of ['runId', 'computerName', 'stamp', 'outputFolder']) if (!text(k)) return `has no text ${k}`;
  // The stamp becomes part of file names in the output folder: only the one format stampOf() writes.
  if (!STAMP.test(s.stamp as string)) return 'has a stamp that is not a time stamp of this tool';
  for (const k of ['dxadata', 'filePath']) if (!textOrNull(k)) return `has a ${k} that is neither text nor null`;
  for (const k of ['valueWritten', 'serviceStopped', 'serviceStarted', 'fileTaken']) if (!flag(k)) return `has no true/false ${k}`;
  if (s.priorServiceStatus !== null && !SERVICE_STATUSES.includes(s.priorServiceStatus as ServiceStatus)) return 'has an unknown priorServiceStatus';
  if (s.priorValue !== null && !names(s.priorValue)) return 'has a priorValue that is not a list of names the registry takes (non-empty, no NUL)';
  if (!names(s.requestors)) return 'has requestors that are not a list of names';
  if (s.globalMaxSeqSet !== undefined && typeof s.globalMaxSeqSet !== 'boolean') return 'has a globalMaxSeqSet that is not true/false';
  const gms = s.priorGlobalMaxSeq;
  if (gms !== undefined && gms !== null && !(typeof gms === 'number' && Number.isInteger(gms) && gms >= 0 && gms <= 0xffffffff)) return 'has a priorGlobalMaxSeq that is not a DWORD';
  return null;
}
