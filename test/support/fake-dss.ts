/**
 * An in-memory DSS for unit tests of the orchestrator: a registry value, a service and a Dxadata
 * folder, with a DXA that on start writes Resync.glb in chunks and removes the value, and faults.
 * Every call is recorded in `calls`, in order.
 */
import { posix } from 'node:path';
import type { DssOperations, FileInfo, ServiceInfo, ServiceStatus, Unwatch } from '../../src/operations/operations';
import { ResyncError } from '../../src/shared/errors';
import { createHash } from 'node:crypto';

export interface FakeFaults {
  hangOnStop?: boolean;
  /** How many starts fail (then starts succeed again). */
  failStart?: number;
  unrecognised?: boolean;
  /** Leave the value after writing the file. */
  leaveValue?: boolean;
  crashMidWrite?: boolean;
  noService?: boolean;
  startDelayMs?: number;
  chunkDelayMs?: number;
  chunks?: number;
  failRemoveValue?: boolean;
  /** Starts after this many successful ones fail (the restart after generation, Q156063). */
  failStartAfter?: number;
  /** GlobalMaxSeqInResync and DXA version the fake reports; absent: the fake has no sequence support. */
  sequence?: { globalMaxSeqInResync: number | null; dxaVersion: string | null };
  /** Requestor configurations the fake shows; absent: it cannot see them. */
  configurations?: Array<{ displayName: string; commonName: string; rdn: string; settings: Record<string, string> }>;
}

export class FakeDss implements DssOperations {
  readonly computerName = 'FAKEDSS';
  readonly target = 'lab' as const;
  readonly path = posix;
  readonly dxadata = '/exchsrvr/Dxadata';
  value: string[] | null = null;
  status: ServiceStatus = 'Running';
  files = new Map<string, { data: Buffer; mtime: number; writing: boolean }>();
  taken = new Map<string, Buffer>();
  calls: string[] = [];
  faults: FakeFaults;
  private listeners = new Set<() => void>();
  private timers: NodeJS.Timeout[] = [];

  /** The fake keeps no run lock; the lock has its own tests (test/integration/run-lock.test.ts). */
  async lockStore(): Promise<never> {
    throw new Error('FakeDss has no run lock');
  }

  constructor(faults: FakeFaults = {}) {
    this.faults = faults;
    if (faults.sequence) {
      const seq = faults.sequence;
      this.globalMaxSeqDuringGeneration = undefined;
      this.getSequenceSettings = async () => ({ ...seq });
      this.setGlobalMaxSeq = async (v: number | null) => {
        this.calls.push(`gms ${v}`);
        seq.globalMaxSeqInResync = v;
      };
    }
    if (faults.configurations) {
      const list = faults.configurations;
      this.getRequestorConfigurations = async () => list.map((c) => ({ ...c, settings: { ...c.settings } }));
    }
  }
  /** GlobalMaxSeqInResync as the fake DXA saw it when it wrote the file. */
  globalMaxSeqDuringGeneration: number | null | undefined;
  getSequenceSettings?: DssOperations['getSequenceSettings'];
  setGlobalMaxSeq?: DssOperations['setGlobalMaxSeq'];
  getRequestorConfigurations?: DssOperations['getRequestorConfigurations'];

  private changed(): void {
    for (const l of this.listeners) l();
  }
  private later(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  async getResyncValue(): Promise<string[] | null> {
    return this.value ? [...this.value] : null;
  }
  async setResyncValue(names: string[]): Promise<void> {
    this.calls.push(`set ${JSON.stringify(names)}`);
    this.value = [...names];
  }
  async removeResyncValue(): Promise<void> {
    this.calls.push('remove');
    if (this.faults.failRemoveValue) throw new Error('access denied (fake)');
    this.value = null;
  }
  async getService(): Promise<ServiceInfo | null> {
    if (this.faults.noService) return null;
    return { name: 'MSExchangeDX', displayName: 'Microsoft Exchange Directory Synchronization', status: this.status, dependentServices: [] };
  }
  async stopService(timeoutMs: number): Promise<ServiceInfo> {
    this.calls.push('stop');
    if (this.faults.hangOnStop) {
      throw new ResyncError('ServiceStopTimeout', `did not stop within ${timeoutMs} ms (fake)`);
    }
    this.status = 'Stopped';
    this.changed();
    return (await this.getService())!;
  }
  private starts = 0;
  async startService(): Promise<ServiceInfo> {
    this.calls.push('start');
    if (this.faults.failStartAfter !== undefined && this.starts >= this.faults.failStartAfter) {
      this.status = 'Stopped';
      throw new ResyncError('ServiceStartFailed', 'failed to start (fake, after generation)');
    }
    this.starts += 1;
    if (this.faults.failStart) {
      this.faults.failStart--;
      this.status = 'Stopped';
      throw new ResyncError('ServiceStartFailed', 'failed to start (fake)');
    }
    this.status = 'Running';
    this.changed();
    this.later(this.faults.startDelayMs ?? 5, () => this.process());
    return (await this.getService())!;
  }
  /** The fake DXA's start-up work (docs/domain.md, Q150976). */
  private process(): void {
    if (!this.value || this.faults.unrecognised) return;
    if (this.faults.sequence) this.globalMaxSeqDuringGeneration = this.faults.sequence.globalMaxSeqInResync;
    const file = posix.join(this.dxadata, 'Resync.glb');
    const entry = { data: Buffer.alloc(0), mtime: Date.now(), writing: true };
    this.files.set(file, entry);
    const chunks = this.faults.chunks ?? 3;
    let i = 0;
    const writeChunk = (): void => {
      if (this.faults.crashMidWrite && i === Math.floor(chunks / 2)) {
        entry.writing = false;
        this.status = 'Stopped';
        this.changed();
        return;
      }
      entry.data = Buffer.concat([entry.data, Buffer.from(`chunk ${i} for ${this.value?.join(',')}\n`)]);
      entry.mtime = Date.now() + i;
      this.changed();
      i++;
      if (i < chunks) {
        this.later(this.faults.chunkDelayMs ?? 5, writeChunk);
        return;
      }
      entry.writing = false;
      if (!this.faults.leaveValue) this.value = null;
      this.changed();
    };
    writeChunk();
  }
  async resolveDxadata(explicitPath?: string) {
    return { path: explicitPath ?? this.dxadata, source: explicitPath ? ('Explicit' as const) : ('Setup' as const), freeBytes: 10 * 1024 ** 3 };
  }
  async statFile(path: string): Promise<FileInfo | null> {
    const f = this.files.get(path);
    return f ? { path, length: f.data.length, lastWriteTimeUtc: new Date(f.mtime).toISOString() } : null;
  }
  async isOpenForWrite(path: string): Promise<boolean | null> {
    return this.files.get(path)?.writing ?? false;
  }
  watch(_dir: string, onEvent: () => void): Unwatch {
    this.listeners.add(onEvent);
    return { close: () => this.listeners.delete(onEvent) };
  }
  async takeFile(from: string, localTo: string): Promise<{ length: number; sha256: string }> {
    this.calls.push(`take ${posix.basename(from)}`);
    const f = this.files.get(from);
    if (!f) throw new Error(`no such file ${from}`);
    this.files.delete(from);
    this.taken.set(localTo, f.data);
    return { length: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex').toUpperCase() };
  }
  async dispose(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.listeners.clear();
  }
}
