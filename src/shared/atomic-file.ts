/**
 * The one way this code base replaces, creates exclusively, deletes and reads a small file that other
 * processes read at the same time (the lab's state files, the run lock, the registry backup). Each is
 * true to both platforms' semantics (docs/ARCHITECTURE.md, "Files other processes hold open"):
 *
 * - Replace: the text goes to a unique temporary file beside the target, is flushed, then renamed over
 *   it, so a reader sees the old or the new file, never a torn one. Windows refuses to rename over a
 *   file another process has open (EPERM/EACCES/EBUSY) where POSIX does not; a reader holds these files
 *   for milliseconds, so the rename is retried with bounded back-off.
 * - Exclusive create: whole or not at all (temporary file, then link(), which fails when the name exists).
 * - Delete: the file is first renamed to a unique name, then unlinked. On Windows a deleted file that
 *   another process holds open stays visible under its name until the last handle closes (delete
 *   pending), and an exclusive create of that name fails meanwhile; renamed away first, the name is
 *   free at once.
 *
 * Why not graceful-fs or write-file-atomic: graceful-fs retries a Windows rename for up to 60 s by
 * patching `fs` globally, and write-file-atomic does not retry at all; neither deletes Windows-true.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from './errno';
import { sleep } from './sleep';

/** Errors that mean "another process has it open" on Windows; on POSIX they are real permission errors. */
const SHARING = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** How long one operation keeps retrying a sharing violation (readers hold these files for milliseconds). */
export const SHARING_RETRY_MS = 5_000;

/** True when `e` is, on this platform, another process holding the file open. */
export function isSharingViolation(e: unknown, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' && SHARING.has(errnoCode(e) ?? '');
}

/**
 * Runs `fn`, retrying while it fails with a sharing violation (Windows only), with back-off from 2 ms
 * up to 100 ms, for at most `budgetMs`; then the last error is thrown.
 */
export async function retrySharing<T>(fn: () => Promise<T>, budgetMs = SHARING_RETRY_MS, platform: NodeJS.Platform = process.platform): Promise<T> {
  const until = Date.now() + budgetMs;
  for (let wait = 2; ; wait = Math.min(100, wait * 2)) {
    try {
      return await fn();
    } catch (e) {
      if (!isSharingViolation(e, platform) || Date.now() >= until) throw e;
      await sleep(wait * (0.5 + Math.random()));
    }
  }
}

function tempName(file: string, tag: string): string {
  return `${file}.${process.pid}-${randomBytes(4).toString('hex')}.${tag}`;
}

export interface WriteOptions {
  /**
   * Flush the data to disk before it takes the name (default). A lock held for milliseconds need not
   * survive a power cut, so the lab's own mutexes skip it.
   */
  flush?: boolean;
}

/** Writes `data` to a new temporary file beside `file` (flushed unless asked not to); returns its name. Nothing is left on failure. */
async function writeTemp(file: string, data: string | Uint8Array, { flush = true }: WriteOptions = {}): Promise<string> {
  const tmp = tempName(file, 'tmp');
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      if (flush) await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  return tmp;
}

/** Replaces `file` with `data` atomically (old or new, never torn), creating its folder if needed. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = await writeTemp(file, data);
  try {
    await retrySharing(() => rename(tmp, file));
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Errors of link() that mean "no hard links on this file system", not "the name is taken". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR', 'EXDEV']);

/**
 * Creates `file` holding `data` if no file has that name; whole or not at all. false: the name is taken.
 * Where the file system has no hard links (FAT32, some shares), an exclusive open written at once.
 */
export async function createFileExclusive(file: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = await writeTemp(file, data, opts);
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    if (!NO_LINKS.has(errnoCode(e) ?? '')) throw e;
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(data);
        if (opts.flush !== false) await fh.sync();
      } finally {
        await fh.close();
      }
      return true;
    } catch (e2) {
      if (errnoCode(e2) === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/**
 * Deletes `file` so that its name is free at once, even while another process holds it open (renamed to a
 * unique name first, then unlinked). false: there was no such file.
 */
export async function removeFile(file: string): Promise<boolean> {
  const aside = tempName(file, 'deleted');
  try {
    await retrySharing(() => rename(file, aside));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
  // Delete-pending until its last reader closes it, under a name nobody looks for.
  await retrySharing(() => unlink(aside)).catch(() => undefined);
  return true;
}

/** A file's text, or null when it does not exist; a sharing violation is retried. */
export async function readTextFile(file: string): Promise<string | null> {
  try {
    return await retrySharing(() => readFile(file, 'utf8'));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
}

/** A JSON file's value, or null when it does not exist. */
export async function readJson<T>(file: string): Promise<T | null> {
  const text = await readTextFile(file);
  return text === null ? null : (JSON.parse(text) as T);
}
