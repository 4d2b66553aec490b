/**
 * The lab DSS's settings (lab.json) and the shapes shared by its parts. The lab simulates an
 * Exchange directory synchronization server (docs/domain.md, "The Exchange DSS side") on local disk.
 */

/** A Remote Dirsync Requestor object: any of its three names identifies it (docs/domain.md, Q150976). */
export interface RequestorSpec {
  displayName: string;
  commonName?: string;
  rdn?: string;
  /** Export settings and sync numbers; defaults from DEFAULT_EXPORT and the lab's numbers. */
  export?: Partial<LabExportSettings>;
  sync?: Partial<LabSyncNumbers>;
  /** Puts the DSS's record of this requestor this far ahead of the others (all three numbers). */
  ahead?: number;
}

/**
 * What the DSS exports to one requestor (docs/domain.md, "One run per configuration group",
 * Q156063): which recipient containers, up to which trust level, and whether custom recipients
 * go too. The lab's model; a real DSS has more settings.
 */
export interface LabExportSettings {
  /** Recipient containers exported to this requestor. */
  containers: string[];
  /** Recipients whose trust level is above this are not exported. */
  trustLevel: number;
  /** Whether custom recipients are exported. */
  customRecipients: boolean;
}

/** The containers a lab's recipients live in; every requestor exports all of them by default. */
export const DEFAULT_CONTAINERS = ['Recipients', 'Sales', 'Engineering'];
export const DEFAULT_EXPORT: LabExportSettings = { containers: [...DEFAULT_CONTAINERS], trustLevel: 100, customRecipients: true };
/** Lab recipients get trust levels 0..MAX_RECIPIENT_TRUST. */
export const MAX_RECIPIENT_TRUST = 100;

export interface LabRequestor {
  displayName: string;
  commonName: string;
  rdn: string;
  /** The MS Mail postoffice name (folder under postoffices/). */
  postoffice: string;
  /** The MS Mail network name used in PCM: addresses. */
  network: string;
  /** What the DSS exports to it (absent in labs made before export settings: DEFAULT_EXPORT). */
  export?: LabExportSettings;
  /** The DSS's record of this requestor's numbers (absent in older labs: the lab's `sync`). */
  sync?: LabSyncNumbers;
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
  /** Time between reading ResyncConnectionRDNs and opening Resync.glb (a DXA reading its directory first). */
  prepareMs?: number;
  /**
   * Once Resync.glb is written and closed, a reader (an antivirus scan-on-close, the indexer, a
   * backup agent, Explorer's preview over the share) holds it open for reading this long. On a
   * Windows DSS that makes the exclusive open of the final delete fail; the lab's operations
   * behave the same (src/operations/lab).
   */
  holdOpenMs?: number;
  /**
   * The DXA also processes (imports and removes) at start a Resync.glb it wrote itself and that was
   * left in Dxadata — docs/domain.md's inferred risk. Without it only files placed there by someone else
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
  /** The recipient containers (absent in older labs: DEFAULT_CONTAINERS). */
  containers?: string[];
  /** File version of the lab's DXA.EXE (Q215505: GlobalMaxSeqInResync needs 5.5.2524 or later). */
  dxaVersion?: string;
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
