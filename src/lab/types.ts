/**
 * The lab DSS's settings (lab.json) and the shapes shared by its parts. The lab simulates an
 * Exchange directory synchronization server (domain.md, "The Exchange DSS side") on local disk.
 */

/** A Remote Dirsync Requestor object: any of its three names identifies it (domain.md, Q150976). */
export interface RequestorSpec {
  displayName: string;
  commonName?: string;
  rdn?: string;
}

export interface LabRequestor {
  displayName: string;
  commonName: string;
  rdn: string;
  /** The MS Mail postoffice name (folder under postoffices/). */
  postoffice: string;
  /** The MS Mail network name used in PCM: addresses. */
  network: string;
}

export interface LabTiming {
  /** How long the service stays StartPending. */
  startMs: number;
  /** How long the service stays StopPending. */
  stopMs: number;
  /** Bytes per write while the DXA writes Resync.glb. */
  chunkBytes: number;
  /** Pause after each chunk. */
  chunkDelayMs: number;
}

export interface LabFaults {
  /** The service ignores stop requests and stays Running. */
  hangOnStop?: boolean;
  /** The DXA process exits during its start; the service ends Stopped with lastError. */
  failStart?: boolean;
  /** Only this many more starts fail (a transient failure); counts down, then starts succeed. */
  failStartTimes?: number;
  /** The DXA recognises none of the names in ResyncConnectionRDNs. */
  unrecognise?: boolean;
  /** Pause per chunk while writing Resync.glb (overrides timing.chunkDelayMs). */
  slowWriteMs?: number;
  /** The DXA dies (SIGKILL on itself) halfway through writing Resync.glb. */
  crashMidWrite?: boolean;
  /** Extra time spent StartPending. */
  startDelayMs?: number;
  /**
   * Once Resync.glb is written and closed, a reader (an antivirus scan-on-close, the indexer, a
   * backup agent, Explorer's preview over the share) holds it open for reading this long. On a
   * Windows DSS that makes the exclusive open of the final delete fail; the lab's operations
   * behave the same (src/operations/lab).
   */
  holdOpenMs?: number;
  /**
   * The DXA also processes (imports and removes) at start a Resync.glb it wrote itself and that was
   * left in Dxadata — domain.md's inferred risk. Without it only files placed there by someone else
   * are imported (Q156124).
   */
  importOnStart?: boolean;
}

export interface LabSyncNumbers {
  impSeq: number;
  reqSeq: number;
  srvSeq: number;
}

export interface LabConfig {
  kind: 'ResyncGlb.Lab';
  version: 1;
  computerName: string;
  createdUtc: string;
  seed: number;
  recipients: number;
  /** False for a lab made with --no-service: the registry has no MSExchangeDX key. */
  service: boolean;
  requestors: LabRequestor[];
  sync: LabSyncNumbers;
  timing: LabTiming;
  faults: LabFaults;
}

export const DEFAULT_TIMING: LabTiming = {
  startMs: 1500,
  stopMs: 500,
  chunkBytes: 64 * 1024,
  chunkDelayMs: 10,
};

export type LabServiceStatus = 'Running' | 'Stopped' | 'StartPending' | 'StopPending';
