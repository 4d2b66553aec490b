/**
 * DssOperations for the lab DSS (src/lab): the registry store stands in for the registry, the lab
 * DXA process for the MSExchangeDX service, the lab folder for the DSS's disks.
 * Names of key, value and service come from dss-contract.json only.
 */
import { createHash } from 'node:crypto';
import { fileInUseError, retryWhileInUse } from '../in-use';
import { createReadStream, createWriteStream, watch, type FSWatcher } from 'node:fs';
import { link, mkdir, readdir, readlink, readFile, realpath, rm, stat, statfs, open } from 'node:fs/promises';
import nodePath, { basename, dirname, join, resolve, type PlatformPath } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CONTRACT } from '../../shared/contract';
import { ResyncError } from '../../shared/errors';
import { hashFile } from '../../shared/hash-file';
import type { DssOperations, DxadataLocation, FileInfo, GenerationStatus, RequestorConfiguration, SequenceSettings, ServiceInfo, Unwatch } from '../operations';
import { describeExport, exportOf } from '../../lab/model';
import { readJson, removeFile } from '../../shared/atomic-file';
import { FileLockStore, type LockStore } from '../../shared/lock-store';
import type { DxaState } from '../../lab/dxa-service';
import { fileIdentity } from '../../shared/file-identity';
import { sameProcess } from '../../shared/process-info';
import { readLabConfig, SERVICE_DISPLAY_NAME_VALUE } from '../../lab/layout';
import { labPaths, SERVICE_KEY } from '../../lab/paths';
import { RegistryStore } from '../../lab/registry-store';
import { resolveLabDxadata } from '../../lab/dxadata';
import { labServiceState, requestLabStop, spawnLabDxa, waitForLabState } from '../../lab/control';
import type { ServiceState } from '../../lab/service-state';
import { errnoCode } from '../../shared/errno';

const VALUE = CONTRACT.resyncValue.name;

export interface LabOperationsOptions {
  computerName?: string;
}


class LabOperations implements DssOperations {
  readonly target = 'lab' as const;
  /** The lab lives on this machine, so its paths use this platform's syntax. */
  readonly path: PlatformPath = nodePath;
  private readonly store: RegistryStore;
  private readonly paths: ReturnType<typeof labPaths>;
  private readonly watchers = new Set<Unwatch>();
  private disposed = false;

  constructor(
    readonly root: string,
    readonly computerName: string,
  ) {
    this.paths = labPaths(root);
    this.store = new RegistryStore(this.paths.registry);
  }

  async getResyncValue(): Promise<string[] | null> {
    const v = await this.store.getValue(SERVICE_KEY, VALUE);
    if (!v) return null;
    if (v.type !== 'REG_MULTI_SZ') {
      throw new ResyncError('OperationFailed', `${VALUE} under ${SERVICE_KEY} on ${this.computerName} is ${v.type}, not ${CONTRACT.resyncValue.type}.`, {
        target: VALUE,
        type: v.type,
      });
    }
    return [...v.data];
  }

  async setResyncValue(names: string[]): Promise<void> {
    await this.requireServiceKey();
    await this.store.setValue(SERVICE_KEY, VALUE, { type: 'REG_MULTI_SZ', data: [...names] });
  }

  async removeResyncValue(): Promise<void> {
    await this.store.deleteValue(SERVICE_KEY, VALUE);
  }

  private async requireServiceKey(): Promise<void> {
    if (!(await this.store.keyExists(SERVICE_KEY))) {
      throw new ResyncError('ServiceNotFound', `The ${CONTRACT.service.name} service does not exist on ${this.computerName} (lab ${this.root}).`, {
        target: CONTRACT.service.name,
      });
    }
  }

  private async info(state?: ServiceState): Promise<ServiceInfo | null> {
    const values = await this.store.listValues(SERVICE_KEY);
    if (!values) return null;
    const s = state ?? (await labServiceState(this.root));
    const dn = Object.entries(values).find(([k]) => k.toUpperCase() === SERVICE_DISPLAY_NAME_VALUE.toUpperCase())?.[1];
    return {
      name: CONTRACT.service.name,
      displayName: dn && typeof dn.data === 'string' ? dn.data : CONTRACT.service.displayName,
      status: s.status,
      dependentServices: [],
    };
  }

  async getService(): Promise<ServiceInfo | null> {
    return this.info();
  }

  async stopService(timeoutMs: number): Promise<ServiceInfo> {
    await this.requireServiceKey();
    const before = await labServiceState(this.root);
    if (before.status === 'Stopped') return (await this.info(before)) as ServiceInfo;
    if (before.status !== 'StopPending') await requestLabStop(this.root);
    const { state, reached } = await waitForLabState(this.root, (s) => s.status === 'Stopped', timeoutMs);
    if (!reached) {
      throw new ResyncError(
        'ServiceStopTimeout',
        `The ${CONTRACT.service.name} service on ${this.computerName} did not stop within ${Math.round(timeoutMs / 1000)} s; it is still ${state.status} (pid ${state.pid ?? 'unknown'}). A hung service is a matter for the administrator (Q176566).`,
        { target: CONTRACT.service.name, status: state.status, pid: state.pid, timeoutMs },
      );
    }
    return (await this.info(state)) as ServiceInfo;
  }

  async startService(timeoutMs: number, signal?: AbortSignal): Promise<ServiceInfo> {
    await this.requireServiceKey();
    let cur = await labServiceState(this.root);
    if (cur.status === 'Running') return (await this.info(cur)) as ServiceInfo;
    if (cur.status === 'StopPending') {
      const w = await waitForLabState(this.root, (s) => s.status === 'Stopped', timeoutMs);
      cur = w.state;
      if (!w.reached) {
        throw new ResyncError('ServiceStartFailed', `The ${CONTRACT.service.name} service on ${this.computerName} is still stopping (${cur.status}); it could not be started.`, {
          target: CONTRACT.service.name,
          status: cur.status,
        });
      }
    }
    await spawnLabDxa(this.root);
    const { state, reached } = await waitForLabState(this.root, (s) => s.status === 'Running' || s.status === 'Stopped', timeoutMs, signal);
    // A cancel ends the wait; the caller acts on it (the service may still be StartPending).
    if (!reached && signal?.aborted) return (await this.info(state)) as ServiceInfo;
    // Reached Running (even if the process has since died, e.g. crashing mid-write): started.
    if (state.status === 'Running' || (state.died && state.recorded === 'Running')) return (await this.info(state)) as ServiceInfo;
    if (!reached) {
      throw new ResyncError(
        'ServiceStartFailed',
        `The ${CONTRACT.service.name} service on ${this.computerName} did not reach Running within ${Math.round(timeoutMs / 1000)} s; it is ${state.status} (pid ${state.pid ?? 'unknown'}).`,
        { target: CONTRACT.service.name, status: state.status, pid: state.pid, timeoutMs },
      );
    }
    throw new ResyncError(
      'ServiceStartFailed',
      `The ${CONTRACT.service.name} service on ${this.computerName} stopped while starting: ${state.lastError ?? 'no reason recorded'} (see ${this.paths.log}).`,
      { target: CONTRACT.service.name, status: state.status, lastError: state.lastError, log: this.paths.log },
    );
  }

  async resolveDxadata(explicitPath?: string): Promise<DxadataLocation> {
    const where = await resolveLabDxadata(this.store, this.root, explicitPath);
    if (!where) {
      throw new ResyncError('DxadataNotFound', `Cannot tell where Dxadata is on ${this.computerName}: no ${CONTRACT.dxaDataPathValue.name}, no ${CONTRACT.setupKey.installPathValue} under the setup key, no ${CONTRACT.imagePathValue.name}.`, {
        target: this.root,
      });
    }
    try {
      const st = await stat(where.path);
      if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (e) {
      throw new ResyncError('DxadataNotFound', `Dxadata ${where.path} (from ${where.source}) does not exist on ${this.computerName}${errnoCode(e) === 'ENOTDIR' ? ' as a folder' : ''}.`, {
        target: where.path,
        source: where.source,
      });
    }
    let freeBytes: number | null = null;
    try {
      const fs = await statfs(where.path);
      freeBytes = Number(fs.bavail) * Number(fs.bsize);
    } catch {
      freeBytes = null;
    }
    return { path: where.path, source: where.source, freeBytes };
  }

  async statFile(p: string): Promise<FileInfo | null> {
    try {
      const st = await stat(p, { bigint: true });
      if (!st.isFile()) return null;
      return {
        path: p,
        length: Number(st.size),
        lastWriteTimeUtc: new Date(Number(st.mtimeMs)).toISOString(),
        id: fileIdentity(st),
      };
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return null;
      throw e;
    }
  }

  async lockStore(): Promise<LockStore> {
    // Inside the lab folder: the lab is the DSS, whatever name or path spelling reached it.
    return new FileLockStore(join(this.root, '.resyncglb', 'run.lock'));
  }

  async generationStatus(): Promise<GenerationStatus> {
    const none: GenerationStatus = { state: 'none', fileId: null, length: null };
    const [svc, doc] = await Promise.all([labServiceState(this.root), readJson<DxaState>(this.paths.dxaState).catch(() => null)]);
    const g = doc?.generation;
    // Only the record of the process running the service now counts: an earlier DXA's is history.
    if (!g || svc.status === 'Stopped' || svc.pid === null || !sameProcess({ pid: svc.pid, startToken: svc.startToken, liveFile: svc.liveFile }, g)) return none;
    return { state: g.state, fileId: g.file ?? null, length: g.length ?? null, ...(g.error ? { error: g.error } : {}) };
  }

  async isOpenForWrite(p: string): Promise<boolean | null> {
    const flags = await this.openFlags(p);
    if (flags === null) return null;
    return flags.some((f) => (f & 3) !== 0); // O_WRONLY or O_RDWR
  }

  /** The open flags of every descriptor the lab DXA process holds on `p`; null where it cannot tell. */
  private async openFlags(p: string): Promise<number[] | null> {
    if (process.platform !== 'linux') return null;
    const s = await labServiceState(this.root);
    if (s.pid === null || s.status === 'Stopped') return [];
    let target: string;
    try {
      target = await realpath(p);
    } catch {
      target = resolve(p);
    }
    let fds: string[];
    try {
      fds = await readdir(`/proc/${s.pid}/fd`);
    } catch (e) {
      return errnoCode(e) === 'ENOENT' ? [] : null;
    }
    const found: number[] = [];
    for (const fd of fds) {
      let linkTarget: string;
      try {
        linkTarget = await readlink(`/proc/${s.pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (linkTarget !== target) continue;
      try {
        const info = await readFile(`/proc/${s.pid}/fdinfo/${fd}`, 'utf8');
        const m = /^flags:\s*([0-7]+)/m.exec(info);
        if (!m) return null;
        found.push(parseInt(m[1] as string, 8));
      } catch {
        continue;
      }
    }
    return found;
  }

  watch(dxadata: string, onEvent: () => void): Unwatch {
    let timer: NodeJS.Timeout | null = null;
    let closed = false;
    const fire = (): void => {
      if (closed || timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (!closed) onEvent();
      }, 5);
    };
    const watchers: FSWatcher[] = [];
    const add = (dir: string, filter: ((name: string) => boolean) | undefined, onMatch: () => void = fire): boolean => {
      try {
        const w = watch(dir, { persistent: false }, (_ev, name) => {
          if (!filter || name === null || filter(String(name))) onMatch();
        });
        w.on('error', () => undefined);
        watchers.push(w);
        return true;
      } catch {
        return false;
      }
    };
    if (!add(dxadata, undefined)) {
      // The folder does not exist yet: watch its parent until it appears, then the folder itself.
      let found = false;
      add(dirname(dxadata), (n) => n === basename(dxadata), () => {
        if (found || closed || !add(dxadata, undefined)) return;
        found = true;
        fire();
      });
    }
    const labFiles = new Set([basename(this.paths.registry), basename(this.paths.service)]);
    // registry.json and service.json are replaced by rename, so the folder is watched, not the files.
    if (resolve(dxadata) !== this.root) add(this.root, (n) => labFiles.has(n));
    const handle: Unwatch = {
      close: () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        for (const w of watchers) w.close();
        this.watchers.delete(handle);
      },
    };
    this.watchers.add(handle);
    return handle;
  }

  async takeFile(from: string, localTo: string): Promise<{ length: number; sha256: string }> {
    await mkdir(dirname(localTo), { recursive: true });
    if (((await this.openFlags(from)) ?? []).length === 0) {
      return await this.linkOrCopy(from, localTo);
    }
    // Held open (fault hold-open): as on a Windows DSS, readers share the file, so the copy can be
    // made, but the delete needs it closed. Copy, then delete once the reader has gone.
    const r = await this.linkOrCopy(from, localTo, true);
    const wait = await retryWhileInUse(async () => ((await this.openFlags(from)) ?? []).length === 0);
    if (!wait.done) throw fileInUseError(from, this.computerName, localTo, wait.waitedMs);
    await removeFile(from);
    return r;
  }

  /**
   * Moves `from` to `to` without ever overwriting `to`: a hard link then unlink on the same file
   * system (atomic, no clobber), else a streaming copy into a new file (hashed in the same pass),
   * flushed, then the source removed.
   */
  private async linkOrCopy(from: string, to: string, keepSource = false): Promise<{ length: number; sha256: string }> {
    try {
      await stat(from);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw new ResyncError('SourceNotFound', `${from} does not exist on ${this.computerName}.`, { target: from });
      throw e;
    }
    if (!keepSource) {
      try {
        await link(from, to);
        try {
          // Renamed away, then unlinked: on Windows a reader that shares delete (the lab's hold-open reader
          // is one: Node opens files that way) would otherwise leave the name in Dxadata, delete-pending.
          await removeFile(from);
        } catch (e) {
          // Still in Dxadata (a reader that shares nothing holds it): the new name goes again, so the file is
          // in one place only and the caller's error says where.
          await rm(to, { force: true }).catch(() => undefined);
          throw Object.assign(e as Error, { linkUndone: true });
        }
        return await hashFile(to);
      } catch (e) {
        if ((e as { linkUndone?: boolean }).linkUndone) throw e;
        const code = errnoCode(e);
        if (code === 'EEXIST') throw new ResyncError('InvalidPath', `${to} already exists; it was not overwritten.`, { target: to });
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
      }
    }
    const h = createHash('sha256');
    let length = 0;
    const out = await open(to, 'wx').catch((e: unknown) => {
      if (errnoCode(e) === 'EEXIST') throw new ResyncError('InvalidPath', `${to} already exists; it was not overwritten.`, { target: to });
      throw e;
    });
    try {
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          h.update(chunk);
          length += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(createReadStream(from), tap, createWriteStream('', { fd: out.fd, autoClose: false }));
      await out.sync();
    } catch (e) {
      await out.close().catch(() => undefined);
      await rm(to, { force: true });
      throw e;
    }
    await out.close();
    if (!keepSource) await removeFile(from);
    return { length, sha256: h.digest('hex').toUpperCase() };
  }

  async getSequenceSettings(): Promise<SequenceSettings> {
    const v = await this.store.getValue(SERVICE_KEY, CONTRACT.globalMaxSeqValue.name);
    const image = await this.store.getValue(SERVICE_KEY, CONTRACT.imagePathValue.name);
    let dxaVersion: string | null = null;
    if (image && (image.type === 'REG_SZ' || image.type === 'REG_EXPAND_SZ')) {
      // The lab's DXA.EXE placeholder carries a FileVersion line where a real binary has a version resource.
      const text = await readFile(resolve(this.root, image.data), 'utf8').catch(() => '');
      dxaVersion = /^FileVersion=(\S+)\s*$/m.exec(text)?.[1] ?? null;
    }
    return { globalMaxSeqInResync: v && v.type === 'REG_DWORD' ? v.data : null, dxaVersion };
  }

  async setGlobalMaxSeq(value: number | null): Promise<void> {
    await this.requireServiceKey();
    if (value === null) await this.store.deleteValue(SERVICE_KEY, CONTRACT.globalMaxSeqValue.name);
    else await this.store.setValue(SERVICE_KEY, CONTRACT.globalMaxSeqValue.name, { type: 'REG_DWORD', data: value });
  }

  async getRequestorConfigurations(): Promise<RequestorConfiguration[]> {
    const cfg = await readLabConfig(this.root);
    return cfg.requestors.map((r) => ({ displayName: r.displayName, commonName: r.commonName, rdn: r.rdn, settings: describeExport(exportOf(r)) }));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of [...this.watchers]) w.close();
  }
}


export async function openLabOperations(labDir: string, opts: LabOperationsOptions = {}): Promise<DssOperations> {
  const root = resolve(labDir);
  const cfg = await readLabConfig(root);
  return new LabOperations(root, opts.computerName ?? cfg.computerName);
}
