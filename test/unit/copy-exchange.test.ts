/**
 * The Exchange-requestor path of `copy` (docs/domain.md Q156124, Q193395) against a fake DssOperations
 * whose Dxadata is a real folder: on start, its "DXA" imports Resync.glb and removes it.
 */
import { FileLockStore, type LockStore } from '../../src/shared/lock-store';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { hostname } from 'node:os';
import type { DssOperations, FileInfo, ServiceInfo, ServiceStatus, Unwatch } from '../../src/operations/operations';
import { createCopyHandler } from '../../src/handlers/copy';
import { CONTRACT } from '../../src/shared/contract';
import { cleanupDirs, runHandler, sha256, snapshot, tempDir } from '../support/copy-support';

afterEach(cleanupDirs);

interface FakeOpts {
  /** Calls of isOpenForWrite that still say "busy" (an earlier Resync.glb being processed). */
  busyChecks?: number;
  /** The DXA does not import (the file stays). */
  noImport?: boolean;
  noService?: boolean;
  status?: ServiceStatus;
  importDelayMs?: number;
}

class FakeRequestor implements DssOperations {
  readonly computerName = 'EXREQ';
  readonly target = 'lab' as const;
  readonly path = posix;
  status: ServiceStatus;
  calls: string[] = [];
  imported: Buffer | null = null;
  busyLeft: number;
  disposed = false;

  /** The run lock where the lab keeps it: <lab>/.resyncglb/run.lock (Dxadata is <lab>/exchsrvr/Dxadata). */
  async lockStore(): Promise<LockStore> {
    return new FileLockStore(join(this.dxadata, '..', '..', '.resyncglb', 'run.lock'));
  }
  private listeners = new Set<() => void>();
  private timers: NodeJS.Timeout[] = [];
  constructor(
    readonly dxadata: string,
    private readonly opts: FakeOpts = {},
  ) {
    this.status = opts.status ?? 'Running';
    this.busyLeft = opts.busyChecks ?? 0;
  }
  private get file(): string {
    return join(this.dxadata, CONTRACT.resyncFileName);
  }
  async getResyncValue(): Promise<string[] | null> {
    return null;
  }
  async setResyncValue(): Promise<void> {
    throw new Error('not used by copy');
  }
  async removeResyncValue(): Promise<void> {
    throw new Error('not used by copy');
  }
  async getService(): Promise<ServiceInfo | null> {
    if (this.opts.noService) return null;
    return { name: CONTRACT.service.name, displayName: CONTRACT.service.displayName, status: this.status, dependentServices: [] };
  }
  async stopService(): Promise<ServiceInfo> {
    this.calls.push(`stop busyLeft=${this.busyLeft}`);
    this.status = 'Stopped';
    return (await this.getService())!;
  }
  async startService(): Promise<ServiceInfo> {
    this.calls.push('start');
    this.status = 'Running';
    if (!this.opts.noImport) {
      this.timers.push(
        setTimeout(() => {
          if (existsSync(this.file)) {
            this.imported = readFileSync(this.file);
            rmSync(this.file);
            this.calls.push('imported');
            for (const l of this.listeners) l();
          }
        }, this.opts.importDelayMs ?? 30),
      );
    }
    return (await this.getService())!;
  }
  async resolveDxadata() {
    return { path: this.dxadata, source: 'Setup' as const, freeBytes: null };
  }
  async statFile(p: string): Promise<FileInfo | null> {
    try {
      const s = statSync(p);
      return { path: p, length: s.size, lastWriteTimeUtc: s.mtime.toISOString() };
    } catch {
      return null;
    }
  }
  async isOpenForWrite(): Promise<boolean | null> {
    this.calls.push('busy?');
    if (this.busyLeft > 0) {
      this.busyLeft--;
      return true;
    }
    return false;
  }
  watch(_dir: string, onEvent: () => void): Unwatch {
    this.listeners.add(onEvent);
    return { close: () => this.listeners.delete(onEvent) };
  }
  async takeFile(): Promise<{ length: number; sha256: string }> {
    throw new Error('not used by copy');
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
  }
}

function setup(opts: FakeOpts = {}) {
  const root = tempDir('resync-copy-ex-');
  const lab = join(root, 'lab');
  const dxadata = join(lab, 'exchsrvr', 'Dxadata');
  mkdirSync(dxadata, { recursive: true });
  for (const f of CONTRACT.dxaDatabaseFiles) writeFileSync(join(dxadata, f), `placeholder ${f}`);
  const source = join(root, 'Resync-DSS.glb');
  const data = randomBytes(50_000);
  writeFileSync(source, data);
  const ops = new FakeRequestor(dxadata, opts);
  const handler = createCopyHandler({ openOps: async () => ops, serviceTimeoutMs: 5_000, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
  return { root, lab, dxadata, source, data, ops, handler };
}

describe('copy to an Exchange requestor', () => {
  it('places Resync.glb in Dxadata, restarts the service and waits until the DXA has consumed it', async () => {
    const { lab, dxadata, source, data, ops, handler } = setup();
    const { results, error, reporter } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab, timeoutSec: 30 });
    expect(error).toBeNull();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      Destination: join(dxadata, CONTRACT.resyncFileName),
      RequestorType: 'Exchange',
      Status: 'Copied',
      Verified: true,
      Sha256: sha256(data),
    });
    expect(results[0]!.NextStep).toMatch(/^None: EXREQ restarted MSExchangeDX/);
    expect(ops.imported?.equals(data)).toBe(true);
    expect(ops.calls.filter((c) => !c.startsWith('busy?'))).toEqual(['stop busyLeft=0', 'start', 'imported']);
    expect(existsSync(join(dxadata, CONTRACT.resyncFileName))).toBe(false);
    for (const f of CONTRACT.dxaDatabaseFiles) expect(readFileSync(join(dxadata, f), 'utf8')).toBe(`placeholder ${f}`);
    expect(ops.disposed).toBe(true);
    // the restart is in the lab's audit log
    const audit = readFileSync(join(lab, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/"event":"service-restart"/);
    const progress = reporter.events.filter((e) => e.kind === 'progress' && e.id === 15);
    expect(progress.at(-1)).toMatchObject({ completed: true });
  });

  it('never stops the service while a Resync.glb is still being processed (Q193395)', async () => {
    const { lab, source, ops, handler } = setup({ busyChecks: 3 });
    const { error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab, timeoutSec: 30 });
    expect(error).toBeNull();
    const stop = ops.calls.findIndex((c) => c.startsWith('stop'));
    expect(ops.calls[stop]).toBe('stop busyLeft=0');
    expect(ops.calls.slice(0, stop).filter((c) => c === 'busy?').length).toBeGreaterThanOrEqual(4);
  });

  it('keeps an earlier Resync.glb in Dxadata under a stamped name', async () => {
    const { lab, dxadata, source, handler } = setup();
    writeFileSync(join(dxadata, 'Resync.glb'), 'left from before');
    const { results } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab, force: true });
    expect(results[0]!.BackupPath).toBe(join(dxadata, 'Resync.20260102T030405000Z.glb'));
    expect(readFileSync(results[0]!.BackupPath!, 'utf8')).toBe('left from before');
  });

  it('starts a stopped service without stopping it first', async () => {
    const { lab, source, ops, handler } = setup({ status: 'Stopped' });
    const { error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab });
    expect(error).toBeNull();
    expect(ops.calls.filter((c) => !c.startsWith('busy?'))).toEqual(['start', 'imported']);
  });

  it('times out when the file is not consumed: the result says so, the file stays, the handler throws Timeout', async () => {
    const { lab, dxadata, source, handler } = setup({ noImport: true });
    const { results, error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab, timeoutSec: 1 });
    expect(error?.id).toBe('Timeout');
    expect(results[0]).toMatchObject({ Status: 'Failed', Verified: true });
    expect(results[0]!.Error?.Id).toBe('Timeout');
    expect(results[0]!.NextStepCommands).toEqual([`net stop ${CONTRACT.service.name}`, `net start ${CONTRACT.service.name}`]);
    expect(existsSync(join(dxadata, 'Resync.glb'))).toBe(true);
  });

  it('refuses before writing anything when the server has no directory synchronization service', async () => {
    const { root, lab, source, handler } = setup({ noService: true });
    const before = snapshot(root);
    const { results, error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab });
    expect(error?.id).toBe('ServiceNotFound');
    expect(results).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  });

  it('refuses a service in a pending state (hung, Q176566) before writing anything', async () => {
    const { root, lab, source, ops, handler } = setup({ status: 'StopPending' });
    const before = snapshot(root);
    const { error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab });
    expect(error?.id).toBe('OperationFailed');
    expect(ops.calls.filter((c) => c !== 'busy?')).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  });

  it('refuses (Busy) while another run holds the server, before writing anything', async () => {
    const { root, lab, source, ops, handler } = setup();
    mkdirSync(join(lab, '.resyncglb'), { recursive: true });
    const holder = { runId: 'r-1', pid: process.pid, host: hostname(), user: 'someone', since: '2026-01-01T00:00:00Z', computerName: 'EXREQ', state: null };
    writeFileSync(join(lab, '.resyncglb', 'run.lock'), JSON.stringify(holder));
    const before = snapshot(root);
    const { error } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab });
    expect(error?.id).toBe('Busy');
    expect(ops.calls.filter((c) => c !== 'busy?')).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  });

  it('with restartService the destination must be that server\'s Dxadata', async () => {
    const { root, lab, source, handler } = setup();
    const other = join(root, 'elsewhere');
    mkdirSync(other);
    const before = snapshot(root);
    const { error } = await runHandler(handler, { path: source, destination: [other], requestorType: 'Exchange', restartService: true, labPath: lab });
    expect(error?.id).toBe('InvalidPath');
    expect(snapshot(root)).toEqual(before);
  });

  it('what-if reports the copy and the restart and changes nothing', async () => {
    const { root, lab, source, ops, handler } = setup();
    const before = snapshot(root);
    const { results, error, reporter } = await runHandler(handler, { path: source, requestorType: 'Exchange', restartService: true, labPath: lab, whatIf: true });
    expect(error).toBeNull();
    expect(results[0]!.Status).toBe('WhatIf');
    expect(snapshot(root)).toEqual(before);
    expect(ops.calls.filter((c) => c !== 'busy?')).toEqual([]);
    const w = reporter.whatIfs();
    expect(w.at(-1)).toEqual({ action: expect.stringMatching(/^Stop .* and start the service/), target: `${CONTRACT.service.name} on EXREQ` });
  });

  it('without restartService it only places the file and names the restart as the next step', async () => {
    const root = tempDir('resync-copy-ex-');
    const dxadata = join(root, 'Dxadata');
    mkdirSync(dxadata);
    const source = join(root, 's.glb');
    writeFileSync(source, 'resync');
    const { results, error } = await runHandler(createCopyHandler(), { path: source, destination: [dxadata], requestorType: 'Exchange' });
    expect(error).toBeNull();
    expect(readdirSync(dxadata)).toEqual([CONTRACT.resyncFileName]);
    expect(results[0]!.NextStepCommands).toEqual([`net stop ${CONTRACT.service.name}`, `net start ${CONTRACT.service.name}`]);
    expect(results[0]!.Note).toMatch(/Q193395/);
  });
});
