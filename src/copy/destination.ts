/**
 * One destination folder of a delivery: checked, written under a temporary name, flushed and checked,
 * then committed (an earlier final file kept aside, the temporary file renamed into place) or
 * discarded. After any failure neither the temporary nor a partial final file is left, and an earlier
 * final file is where it was.
 */
import { link, lstat, open, readdir, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ResyncError, isResyncError } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import { destinationError } from './fs-errors';
import { errnoCode } from '../shared/errno';
import { retrySharing } from '../shared/atomic-file';
import { backupFileName, tempFileName, TEMP_SUFFIX } from '../shared/file-names';
import { pidAlive } from '../shared/process-info';
import type { ChunkSink } from './fanout';

export interface ExistingFile {
  path: string;
  length: number;
  lastWriteTimeUtc: string;
}

export interface CheckedDestination {
  folder: string;
  finalName: string;
  finalPath: string;
  /** Files in the folder whose name is the final name, compared without regard to case. */
  existing: ExistingFile[];
  /** Free bytes on the folder's volume, or null when the platform cannot tell. */
  freeBytes: number | null;
}

/** Read-only checks of a destination folder (also run under what-if). */
export async function checkDestination(folder: string, finalName: string, length: number, checkFreeSpace: boolean): Promise<CheckedDestination> {
  let st;
  try {
    st = await stat(folder);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new ResyncError('DestinationNotFound', `The destination folder ${folder} does not exist.`, { target: folder });
    throw destinationError(e, folder, 'reading the folder');
  }
  if (!st.isDirectory()) {
    throw new ResyncError('InvalidPath', `The destination ${folder} is a file, not a folder; give the requestor's GLB folder.`, { target: folder });
  }
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (e) {
    throw destinationError(e, folder, 'listing the folder');
  }
  const existing: ExistingFile[] = [];
  for (const name of names) {
    if (name.toLowerCase() !== finalName.toLowerCase()) continue;
    const p = join(folder, name);
    const s = await lstat(p);
    if (!s.isFile()) {
      throw new ResyncError('InvalidPath', `${p} exists and is not a file; it was left alone and nothing was written to ${folder}.`, { target: p });
    }
    existing.push({ path: p, length: s.size, lastWriteTimeUtc: s.mtime.toISOString() });
  }
  let freeBytes: number | null = null;
  try {
    const fs = await statfs(folder);
    freeBytes = Number(fs.bavail) * Number(fs.bsize);
  } catch {
    freeBytes = null;
  }
  // Network shares and removable media may report free space loosely; only a clear shortfall refuses.
  if (checkFreeSpace && freeBytes !== null && freeBytes < length) {
    throw new ResyncError('DiskFull', `${folder} has ${freeBytes} bytes free; the file needs ${length}. Nothing was written.`, {
      target: folder,
      freeBytes,
      length,
    });
  }
  return { folder, finalName, finalPath: join(folder, finalName), existing, freeBytes };
}

/** Written bytes after which write-back of the temporary file is started ahead of the final fsync. */
const FLUSH_AHEAD_BYTES = 32 * 1024 * 1024;

/** A destination being written: a temporary file beside the final name. */
export class DestinationWriter implements ChunkSink {
  private fh: FileHandle | null = null;
  readonly tempPath: string;
  // Write-back started while the copy goes on, so the final fsync only has the tail left to flush
  // (bench/PERFORMANCE.md, "The copy"). One at a time; its failure is reported by finish().
  private unflushed = 0;
  private flushAhead: Promise<void> | null = null;
  private flushAheadError: unknown = null;

  private constructor(
    readonly checked: CheckedDestination,
    finalName: string,
  ) {
    this.tempPath = join(checked.folder, tempFileName(finalName));
  }

  static async open(checked: CheckedDestination, reporter?: Reporter): Promise<DestinationWriter> {
    await sweepLeftovers(checked.folder, checked.finalName, reporter);
    const w = new DestinationWriter(checked, checked.finalName);
    try {
      w.fh = await open(w.tempPath, 'wx');
    } catch (e) {
      throw destinationError(e, checked.folder, `creating ${w.tempPath}`);
    }
    return w;
  }

  async write(buf: Buffer, length: number, position: number): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('destination closed');
    let off = 0;
    while (off < length) {
      let bytesWritten: number;
      try {
        ({ bytesWritten } = await fh.write(buf, off, length - off, position + off));
      } catch (e) {
        throw destinationError(e, this.checked.folder, `writing ${this.tempPath}`);
      }
      if (bytesWritten <= 0) throw new ResyncError('DestinationNotWritable', `${this.tempPath} accepted no bytes at offset ${position + off}.`, { target: this.checked.folder });
      off += bytesWritten;
    }
    this.unflushed += length;
    if (this.unflushed >= FLUSH_AHEAD_BYTES && this.flushAhead === null) {
      this.unflushed = 0;
      this.flushAhead = fh.datasync().then(
        () => {
          this.flushAhead = null;
        },
        (e: unknown) => {
          this.flushAheadError ??= e;
          this.flushAhead = null;
        },
      );
    }
  }

  /**
   * Flushes the file to disk (fsync), then checks that what the file system holds is exactly as long
   * as what was read: the written bytes are the hashed bytes, so the length closes the check.
   */
  async finish(length: number, written: number): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('destination closed');
    try {
      await this.flushAhead;
      if (this.flushAheadError !== null) throw this.flushAheadError;
      await fh.sync();
    } catch (e) {
      throw destinationError(e, this.checked.folder, `flushing ${this.tempPath} to disk`);
    }
    const st = await fh.stat();
    this.fh = null;
    try {
      await fh.close();
    } catch (e) {
      throw destinationError(e, this.checked.folder, `closing ${this.tempPath}`);
    }
    if (written !== length || st.size !== length) {
      throw new ResyncError(
        'HashMismatch',
        `The copy in ${this.checked.folder} does not match the source: ${length} bytes were read and hashed, ${written} written, and the file holds ${st.size}.`,
        { target: this.checked.folder, length, written, onDisk: st.size },
      );
    }
  }

  /** Removes the temporary file; never throws. */
  async discard(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh) await fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }

  /**
   * Keeps every earlier final file under a stamped name, then puts the temporary file in place
   * without ever replacing a file it has not kept: the folder is listed again at commit time (not
   * the snapshot from the check), and the final name is made with link(), which fails if a file
   * appeared there meanwhile (another delivery into the same folder) — that one is then kept too and
   * the link tried again. Where the file system has no hard links, a rename is the fallback.
   * If the final step fails the earlier files are put back and the temporary file removed.
   * Returns where the (first) earlier file was kept, or null.
   */
  async commit(now: Date, reporter: Reporter, force: boolean): Promise<string | null> {
    const moved: Array<{ from: string; to: string }> = [];
    const keep = async (old: ExistingFile): Promise<void> => {
      // Claimed by rename first: a rename moves exactly the file in place at that instant, so a racing
      // delivery can never remove a file it has not kept (a link-then-unlink of the final name could
      // unlink another delivery's new file). The claim's name is a temporary one, swept if we die here.
      const claim = join(this.checked.folder, tempFileName(this.checked.finalName));
      try {
        // A reader on Windows (a scanner, a backup agent) may hold it for a moment: retried, bounded.
        await retrySharing(() => rename(old.path, claim));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return; // another delivery kept it first
        throw e;
      }
      const st = await lstat(claim);
      let to = '';
      for (let tries = 0; ; tries++) {
        to = await freeBackupPath(this.checked.folder, this.checked.finalName, now);
        if (await placeNoClobber(claim, to)) break;
        if (tries >= 20) throw Object.assign(new Error(`no free stamped name for ${old.path}; it is kept as ${claim}`), { code: 'EEXIST' });
      }
      moved.push({ from: old.path, to });
      const msg = `${old.path} (${st.size} bytes, last written ${st.mtime.toISOString()}) was kept as ${to}.`;
      if (force) reporter.verbose(msg);
      else reporter.warning(`${msg} Use -Force (--force) to replace an existing file without this warning.`);
    };
    let step = `renaming into ${this.checked.finalPath}`;
    try {
      for (let attempt = 0; ; attempt++) {
        for (const old of await listFinal(this.checked.folder, this.checked.finalName)) {
          step = `moving the earlier ${old.path} aside`;
          await keep(old);
        }
        step = `renaming into ${this.checked.finalPath}`;
        const placed = await placeNoClobber(this.tempPath, this.checked.finalPath);
        if (placed) break;
        if (attempt >= 50) {
          throw new ResyncError('DestinationNotWritable', `${this.checked.finalPath} kept reappearing while this delivery tried to put its file in place; nothing was replaced.`, {
            target: this.checked.folder,
          });
        }
      }
    } catch (e) {
      const err = destinationError(e, this.checked.folder, step);
      const manualSteps: string[] = [];
      for (const m of moved.reverse()) {
        try {
          await keepAside(m.to, m.from);
        } catch (e2) {
          manualSteps.push(`Rename ${m.to} back to ${m.from} (${e2 instanceof Error ? e2.message : String(e2)}).`);
        }
      }
      await this.discard();
      if (manualSteps.length) {
        throw new ResyncError(err.id, `${err.message} Putting the earlier file back failed too: ${manualSteps.join(' ')}`, {
          ...err.details,
          manualSteps,
        });
      }
      throw err;
    }
    await syncFolder(this.checked.folder);
    return moved[0]?.to ?? null;
  }
}

/** Files in `folder` named `finalName` without regard to case, now. */
async function listFinal(folder: string, finalName: string): Promise<ExistingFile[]> {
  const out: ExistingFile[] = [];
  for (const name of await readdir(folder)) {
    if (name.toLowerCase() !== finalName.toLowerCase()) continue;
    const p = join(folder, name);
    const s = await lstat(p).catch(() => null);
    if (!s) continue;
    if (!s.isFile()) throw new ResyncError('InvalidPath', `${p} exists and is not a file; it was left alone.`, { target: p });
    out.push({ path: p, length: s.size, lastWriteTimeUtc: s.mtime.toISOString() });
  }
  return out;
}

/** Errors of link() that mean "no hard links here", not "the name is taken". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EISDIR', 'ENOSYS', 'EMLINK']);

/** `from` -> `to` unless `to` exists; false when it does. Removes `from` once `to` holds it. */
async function placeNoClobber(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    if (!NO_LINKS.has(errnoCode(e) ?? '')) throw e;
    // No hard links on this file system: the last check and the rename are as close as it allows.
    if (await lstat(to).then(() => true, () => false)) return false;
    await rename(from, to);
    return true;
  }
  await rm(from, { force: true });
  return true;
}

/** Moves a kept file to its stamped name, never replacing anything there. */
async function keepAside(from: string, to: string): Promise<void> {
  if (!(await placeNoClobber(from, to))) {
    throw Object.assign(new Error(`${to} appeared meanwhile; ${from} was left where it is`), { code: 'EEXIST' });
  }
}

/** A leftover temporary file is swept once it is this old and its writer is not alive here. */
export const LEFTOVER_AGE_MS = 60_000;
/** ... or once it is this old whoever wrote it (a writer on another host cannot be checked from here). */
export const LEFTOVER_MAX_AGE_MS = 24 * 3600_000;

/**
 * Removes temporary files a killed delivery left in this folder (names from tempFileName: the final
 * name, the writer's pid, random hex, TEMP_SUFFIX). Only those whose writer is not alive on this host
 * and that have not been written for LEFTOVER_AGE_MS, or are older than LEFTOVER_MAX_AGE_MS. Never throws.
 */
export async function sweepLeftovers(folder: string, finalName: string, reporter?: Reporter): Promise<string[]> {
  const swept: string[] = [];
  const re = new RegExp(`^${finalName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)-[0-9a-f]{8}${TEMP_SUFFIX.replace(/\./g, '\\.')}$`, 'i');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return swept;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const p = join(folder, name);
    try {
      const st = await lstat(p);
      if (!st.isFile()) continue;
      const age = Date.now() - st.mtimeMs;
      const pid = Number(m[1]);
      const writerGone = pid !== process.pid && !pidAlive(pid);
      if (!((writerGone && age >= LEFTOVER_AGE_MS) || age >= LEFTOVER_MAX_AGE_MS)) continue;
      await rm(p, { force: true });
      swept.push(p);
      reporter?.verbose(`Removed ${p}, the temporary file of an earlier delivery that did not finish (pid ${pid}, last written ${st.mtime.toISOString()}).`);
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return swept;
}

async function freeBackupPath(folder: string, finalName: string, now: Date): Promise<string> {
  for (let attempt = 1; attempt < 1000; attempt++) {
    const candidate = join(folder, backupFileName(finalName, now, attempt));
    try {
      await lstat(candidate);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return candidate;
      throw e;
    }
  }
  throw new ResyncError('DestinationNotWritable', `No free backup name for ${finalName} in ${folder}.`, { target: folder });
}

/** Makes the renames durable where the platform allows fsync on a folder (POSIX); best effort. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  let fh: FileHandle | null = null;
  try {
    fh = await open(folder, 'r');
    await fh.sync();
  } catch {
    /* not supported here (some network file systems); the file itself was flushed */
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

export function asResyncError(e: unknown, folder: string): ResyncError {
  return isResyncError(e) ? e : destinationError(e, folder, 'copying');
}
