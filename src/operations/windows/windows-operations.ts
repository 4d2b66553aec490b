/**
 * DssOperations for a real Exchange DSS, through the fixed scripts in ps1/ (domain.md: the
 * MSExchangeDX key and service, Q150976, Q143380; Dxadata, Q185504, Q147374).
 */
import nodePath, { type PlatformPath } from 'node:path';
import { CONTRACT } from '../../shared/contract';
import { ResyncError } from '../../shared/errors';
import type { DssOperations, DxadataLocation, DxadataSource, FileInfo, SequenceSettings, ServiceInfo, ServiceStatus, Unwatch } from '../operations';
import type { DssScriptSession } from './session';
import { SCRIPTS } from './scripts';
import { DXADATA_NAMES, GLOBAL_MAX_SEQ_VALUE, RESYNC_VALUE, SERVICE, SERVICE_KEY } from './requests';
import { isAbsoluteWindowsPath } from './transport';
import { takeFile } from './take-file';
import type { LockStore } from '../../shared/lock-store';
import { IN_USE_RETRY_MS } from '../in-use';

export interface WindowsOperationsTuning {
  /** How often watch() polls the DSS (Get-DssSnapshot.ps1). */
  watchIntervalMs: number;
  /** Added to a service timeout for the call's own time limit. */
  serviceCallMarginMs: number;
  /** Bytes per chunk when a file is read over remoting. */
  chunkBytes: number;
  /** How long the delete of Resync.glb in Dxadata is retried while a reader holds it open. */
  inUseRetryMs: number;
}

export const DEFAULT_TUNING: WindowsOperationsTuning = {
  watchIntervalMs: 250,
  serviceCallMarginMs: 60_000,
  chunkBytes: 512 * 1024,
  inUseRetryMs: IN_USE_RETRY_MS,
};

interface ValueData {
  keyExists: boolean;
  present: boolean;
  kind: string | null;
  values: string[] | null;
}

interface ServiceData {
  exists: boolean;
  name?: string;
  displayName?: string;
  status?: string;
  dependentServices?: Array<{ name: string; status: string }>;
}

const STATUS: Record<string, ServiceStatus> = {
  Running: 'Running',
  Stopped: 'Stopped',
  StartPending: 'StartPending',
  StopPending: 'StopPending',
  Paused: 'Paused',
  // Transitions the interface has no name for, mapped to the state they lead to.
  ContinuePending: 'StartPending',
  PausePending: 'Paused',
};

const SOURCES: readonly DxadataSource[] = ['Explicit', 'DXADataPath', 'Setup', 'ImagePath'];

export class WindowsOperations implements DssOperations {
  readonly target = 'windows' as const;
  /** Windows path syntax; for Local on a non-Windows host (tests only) that host's own. */
  readonly path: PlatformPath;
  private readonly watchers = new Set<Unwatch>();
  private disposed = false;

  constructor(
    private readonly session: DssScriptSession,
    readonly computerName: string,
    private readonly tuning: WindowsOperationsTuning = DEFAULT_TUNING,
  ) {
    this.path = session.transport === 'Local' ? nodePath : nodePath.win32;
  }

  /** The transport actually in use (Auto resolved). */
  get transport(): string {
    return this.session.transport;
  }

  async getResyncValue(): Promise<string[] | null> {
    const d = await this.session.run<ValueData>(SCRIPTS.getValue, { key: SERVICE_KEY, value: { name: RESYNC_VALUE.name } });
    if (!d.present) return null;
    if (d.kind !== RESYNC_VALUE.dotnetKind) {
      throw new ResyncError(
        'OperationFailed',
        `${RESYNC_VALUE.name} under ${SERVICE_KEY.hive}\\${SERVICE_KEY.subKey} on ${this.computerName} is ${d.kind ?? 'of an unknown kind'}, not ${CONTRACT.resyncValue.type}.`,
        { target: RESYNC_VALUE.name, kind: d.kind },
      );
    }
    return [...(d.values ?? [])];
  }

  async setResyncValue(names: string[]): Promise<void> {
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n.length === 0)) {
      throw new ResyncError('InvalidRequestor', `${RESYNC_VALUE.name} needs at least one requestor name and no empty names (an empty string ends a ${CONTRACT.resyncValue.type} list).`);
    }
    await this.session.run(SCRIPTS.setValue, { key: SERVICE_KEY, value: RESYNC_VALUE, names: [...names] });
  }

  async removeResyncValue(): Promise<void> {
    await this.session.run(SCRIPTS.removeValue, { key: SERVICE_KEY, value: { name: RESYNC_VALUE.name } });
  }

  /** GlobalMaxSeqInResync and the DXA's file version, read where the other values are (Q215505). */
  async getSequenceSettings(): Promise<SequenceSettings> {
    const d = await this.session.run<{ present: boolean; kind: string | null; value: number | null; version: string | null }>(SCRIPTS.getSequence, {
      key: SERVICE_KEY,
      value: GLOBAL_MAX_SEQ_VALUE,
      imagePathValue: CONTRACT.imagePathValue.name,
    });
    return { globalMaxSeqInResync: d.present && typeof d.value === 'number' ? d.value : null, dxaVersion: typeof d.version === 'string' && d.version ? d.version : null };
  }

  async setGlobalMaxSeq(value: number | null): Promise<void> {
    await this.session.run(SCRIPTS.setGlobalMaxSeq, { key: SERVICE_KEY, value: GLOBAL_MAX_SEQ_VALUE, data: value });
  }

  private toServiceInfo(d: ServiceData): ServiceInfo {
    const status = STATUS[d.status ?? ''];
    if (!status) throw new ResyncError('Internal', `The ${SERVICE.name} service on ${this.computerName} reported an unknown status ${JSON.stringify(d.status)}.`);
    return {
      name: d.name ?? SERVICE.name,
      displayName: d.displayName ?? CONTRACT.service.displayName,
      status,
      dependentServices: (d.dependentServices ?? []).map((s) => s.name),
    };
  }

  async getService(): Promise<ServiceInfo | null> {
    const d = await this.session.run<ServiceData>(SCRIPTS.getService, { service: SERVICE });
    return d.exists ? this.toServiceInfo(d) : null;
  }

  async stopService(timeoutMs: number): Promise<ServiceInfo> {
    const d = await this.session.run<ServiceData>(SCRIPTS.stopService, { service: SERVICE, timeoutMs }, { timeoutMs: timeoutMs + this.tuning.serviceCallMarginMs });
    return this.toServiceInfo(d);
  }

  async startService(timeoutMs: number): Promise<ServiceInfo> {
    const d = await this.session.run<ServiceData>(SCRIPTS.startService, { service: SERVICE, timeoutMs }, { timeoutMs: timeoutMs + this.tuning.serviceCallMarginMs });
    return this.toServiceInfo(d);
  }

  private checkDssPath(p: string, what: string): string {
    const ok = this.session.transport === 'Local' ? nodePath.isAbsolute(p) : isAbsoluteWindowsPath(p);
    if (typeof p !== 'string' || !ok || p.includes('\0')) {
      throw new ResyncError('InvalidPath', `${what} ${JSON.stringify(p)} is not an absolute path on ${this.computerName}.`, { target: String(p) });
    }
    return p;
  }

  async resolveDxadata(explicitPath?: string): Promise<DxadataLocation> {
    const explicit = explicitPath === undefined || explicitPath === '' ? null : this.checkDssPath(explicitPath, 'The Dxadata path');
    const d = await this.session.run<{ path: string; source: string; freeBytes: number | null }>(SCRIPTS.resolveDxadata, { explicitPath: explicit, ...DXADATA_NAMES });
    if (!SOURCES.includes(d.source as DxadataSource)) throw new ResyncError('Internal', `Resolve-Dxadata.ps1 reported an unknown source ${JSON.stringify(d.source)}.`);
    return { path: d.path, source: d.source as DxadataSource, freeBytes: typeof d.freeBytes === 'number' ? d.freeBytes : null };
  }

  async statFile(p: string): Promise<FileInfo | null> {
    const d = await this.session.run<{ exists: boolean; length?: number; lastWriteTimeUtc?: string }>(SCRIPTS.fileInfo, { path: this.checkDssPath(p, 'The file') });
    if (!d.exists) return null;
    return { path: p, length: d.length ?? 0, lastWriteTimeUtc: d.lastWriteTimeUtc ?? '' };
  }

  async isOpenForWrite(p: string): Promise<boolean | null> {
    const d = await this.session.run<{ exists: boolean; openForWrite: boolean }>(SCRIPTS.openForWrite, { path: this.checkDssPath(p, 'The file') });
    return d.exists ? d.openForWrite : false;
  }

  watch(dxadata: string, onEvent: () => void): Unwatch {
    let closed = false;
    let last: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    const request = { dxadata, key: SERVICE_KEY, value: { name: RESYNC_VALUE.name }, service: SERVICE };
    const tick = async (): Promise<void> => {
      timer = null;
      if (closed || this.disposed) return;
      let fingerprint: string;
      try {
        const d = await this.session.run<{ files: Array<{ name: string; length: number; lastWriteTicks: string }>; value: unknown; status: unknown }>(SCRIPTS.snapshot, request);
        const files = [...(d.files ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        fingerprint = JSON.stringify([files, d.value ?? null, d.status ?? null]);
      } catch {
        // The waiting code re-checks on every event and meets the error itself.
        fingerprint = `error:${Date.now()}`;
      }
      if (closed) return;
      if (last !== null && fingerprint !== last) onEvent();
      last = fingerprint;
      timer = setTimeout(() => void tick(), this.tuning.watchIntervalMs);
      timer.unref();
    };
    timer = setTimeout(() => void tick(), 0);
    timer.unref();
    const handle: Unwatch = {
      close: () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        this.watchers.delete(handle);
      },
    };
    this.watchers.add(handle);
    return handle;
  }

  async takeFile(from: string, localTo: string): Promise<{ length: number; sha256: string }> {
    return takeFile(this.session, this.checkDssPath(from, 'The file'), localTo, { chunkBytes: this.tuning.chunkBytes, inUseRetryMs: this.tuning.inUseRetryMs });
  }

  async lockStore(): Promise<LockStore> {
    const make = async (claim: boolean): Promise<LockStore> => {
      const call = (action: string, text?: string) =>
        this.session.run<{ location: string; dssName: string; created?: boolean; exists?: boolean; text?: string; ageMs?: number }>(SCRIPTS.lock, {
          action,
          claim,
          ...(text !== undefined ? { text } : {}),
        });
      const first = await call('Read');
      let sibling: LockStore | null = null;
      const store: LockStore = {
        location: `${first.location} on ${first.dssName || this.computerName}`,
        createExclusive: async (text) => (await call('Create', text)).created === true,
        read: async () => {
          const d = await call('Read');
          return d.exists ? { text: d.text ?? '', ageMs: typeof d.ageMs === 'number' ? d.ageMs : 0 } : null;
        },
        replace: async (text) => {
          await call('Replace', text);
        },
        remove: async () => {
          await call('Remove');
        },
        sibling: () => {
          if (claim || !sibling) throw new ResyncError('Internal', 'The run lock on the DSS has one claim file beside it, run.lock.recovering.');
          return sibling;
        },
      };
      if (!claim) sibling = await make(true);
      return store;
    };
    return make(false);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of [...this.watchers]) w.close();
    await this.session.close();
  }
}
