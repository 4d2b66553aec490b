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
