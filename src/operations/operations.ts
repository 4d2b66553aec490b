/**
 * The operations interface: everything the orchestrator (src/core) may do to a DSS.
 * Implementations: src/operations/lab-adapter (the lab DSS, reached directly from Node) and
 * src/operations/windows (a real DSS, through node-powershell and the scripts in ps1/).
 * Names of the key, value and service come from dss-contract.json only.
 */
import type { PlatformPath } from 'node:path';
import type { DxadataSource } from '../shared/contract';
import type { LockStore } from '../shared/lock-store';

export type { DxadataSource };

export type ServiceStatus = 'Running' | 'Stopped' | 'StartPending' | 'StopPending' | 'Paused';

export interface ServiceInfo {
  name: string;
  displayName: string;
  status: ServiceStatus;
  /** Services that depend on MSExchangeDX (reported, never touched). */
  dependentServices: string[];
}

export interface FileInfo {
  path: string;
  length: number;
  /** ISO 8601, UTC. */
  lastWriteTimeUtc: string;
  /** Identifies the file itself, not its name (a file replaced under the same name differs), where the platform can tell. */
  id?: string;
}

/**
 * What the service process running now does with ResyncConnectionRDNs, where the DSS can tell
 * (the lab DXA records it; a real DXA does not): `checking` from before it reads the value until
 * it decides, `generating` while it writes Resync.glb, `written` once the file is closed,
 * `done` once it has removed the value, `failed` when it could not write the file (with the reason),
 * `none` when the running process has not begun (or there is no running process).
 */
export interface GenerationStatus {
  state: 'none' | 'checking' | 'generating' | 'written' | 'done' | 'failed';
  /** FileInfo.id of the file it writes or wrote; null before it opened one. */
  fileId: string | null;
  /** Bytes written, once `written`. */
  length: number | null;
  /** Why the generation failed (`failed`). */
  error?: string;
}

export interface DxadataLocation {
  path: string;
  source: DxadataSource;
  /** Free bytes on the volume holding Dxadata, when the platform can tell. */
  freeBytes: number | null;
}

/** What preflight reads for the sequence-number check (docs/domain.md, Q215505). */
export interface SequenceSettings {
  /** GlobalMaxSeqInResync (REG_DWORD) under the service key; null when absent. */
  globalMaxSeqInResync: number | null;
  /** File version of the DXA binary the service's ImagePath names; null when it cannot be read. */
  dxaVersion: string | null;
}

/** A Remote Dirsync Requestor as the DSS knows it, with its export settings as comparable text. */
export interface RequestorConfiguration {
  displayName: string;
  commonName: string;
  rdn: string;
  /** Setting name -> value as text (e.g. containers, trustLevel, customRecipients). */
  settings: Record<string, string>;
}

export interface Unwatch {
  close(): void;
}

export interface DssOperations {
  /** The DSS's computer name as it will appear in results. */
  readonly computerName: string;
  readonly target: 'lab' | 'windows';
  /** Path syntax of the DSS (posix for a lab on Linux, win32 for Windows). */
  readonly path: PlatformPath;

  /** ResyncConnectionRDNs under the MSExchangeDX key; null when the value is absent. */
  getResyncValue(): Promise<string[] | null>;
  /** Creates the value as REG_MULTI_SZ (or updates it); writes nothing when it already matches. */
  setResyncValue(names: string[]): Promise<void>;
  /** Removes the value; does nothing when it is absent. */
  removeResyncValue(): Promise<void>;

  /** The MSExchangeDX service, or null when it does not exist on the DSS. */
  getService(): Promise<ServiceInfo | null>;
  /** Stops the service and waits until it is stopped; throws ResyncError ServiceStopTimeout. */
  stopService(timeoutMs: number): Promise<ServiceInfo>;
  /**
   * Starts the service and waits until it is running; throws ResyncError ServiceStartFailed.
   * An aborted signal ends the wait early (the start itself may still go on); the caller checks it.
   */
  startService(timeoutMs: number, signal?: AbortSignal): Promise<ServiceInfo>;

  /** Finds Dxadata as docs/domain.md says (explicit path, else DXADataPath, else Setup\Services, else ImagePath). */
  resolveDxadata(explicitPath?: string): Promise<DxadataLocation>;
  statFile(path: string): Promise<FileInfo | null>;
  /** True while a process holds the file open for writing; null when the platform cannot tell. */
  isOpenForWrite(path: string): Promise<boolean | null>;
  /**
   * Calls onEvent whenever something on the DSS may have changed (Dxadata, the key, the service).
   * Implementations that cannot be told (remote hosts) poll; callers must still re-check state.
   */
  watch(dxadata: string, onEvent: () => void): Unwatch;
  /**
   * Moves a file out of the DSS to a path on this machine, hashing it (SHA-256) in the same pass,
   * so no copy is left in Dxadata. Returns the length and uppercase hex hash of what arrived.
   */
  takeFile(from: string, localTo: string): Promise<{ length: number; sha256: string }>;
  /** Reads GlobalMaxSeqInResync and the DXA's file version. Absent where the implementation cannot. */
  getSequenceSettings?(): Promise<SequenceSettings>;
  /** Writes GlobalMaxSeqInResync as REG_DWORD, or removes it for null. */
  setGlobalMaxSeq?(value: number | null): Promise<void>;
  /** Every requestor the DSS knows, with its export settings; null when it cannot see them. */
  getRequestorConfigurations?(): Promise<RequestorConfiguration[] | null>;
  /**
   * Where the run lock of this DSS lives, on the DSS itself (a folder of the DSS reached through the
   * same transport), so every workstation and every spelling of its name meets the same lock.
   */
  lockStore(): Promise<LockStore>;
  /** The DXA's own account of its generation, where the DSS keeps one; absent elsewhere. */
  generationStatus?(): Promise<GenerationStatus>;
  /** Releases sessions, watchers and child processes. Safe to call twice. */
  dispose(): Promise<void>;
}
