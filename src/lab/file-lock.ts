/**
 * A small cross-process mutex for the lab's read-modify-write files (registry.json, service.json).
 * The lock is a file created whole (temporary file, then link) holding the owner's pid and start
 * token; one that cannot be read is broken once UNREADABLE_LOCK_STALE_MS has passed. A lock whose owner
 * is dead is broken by renaming it away (only one contender can rename a given inode) and checking
 * that the renamed file is the same inode that was judged stale; a live lock grabbed by mistake is
 * put back with link(), which never overwrites.
 */
import { open, readFile, rename, rm, stat, link } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ResyncError } from '../shared/errors';
import { pidAlive, processStartToken } from '../shared/process-info';
import { sleep } from '../shared/sleep';

export interface LockOptions {
  /** Give up after this long (Busy). */
  timeoutMs?: number;
  /** A lock held longer than this by a live process is still respected; this only bounds waits. */
  retryMs?: number;
}

interface LockBody {
  pid: number;
  start: string | null;
  nonce: string;
}

/** A lock file that cannot be read is broken once it is this old (they are held for milliseconds). */
export const UNREADABLE_LOCK_STALE_MS = 2000;

/**
 * Creates the lock whole or not at all: the body goes to a temporary file first, which is then
 * linked to the lock's name (fails if it exists), so a process dying or a full disk never leaves an
 * empty lock behind.
 */
async function tryCreate(lockFile: string, body: LockBody): Promise<boolean> {
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(JSON.stringify(body));
    } finally {
      await fh.close();
    }
    await link(tmp, lockFile);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function breakIfStale(lockFile: string): Promise<void> {
  let ino: number;
  let body: LockBody | null = null;
  let ageMs: number;
  try {
    const st = await stat(lockFile);
    ino = st.ino;
    ageMs = Date.now() - st.mtimeMs;
  } catch {
    return; // gone
  }
  try {
    body = JSON.parse(await readFile(lockFile, 'utf8')) as LockBody;
  } catch {
    body = null; // empty or damaged (left by an older version, or a damaged disk)
  }
  if (body ? pidAlive(body.pid, body.start) : ageMs < UNREADABLE_LOCK_STALE_MS) return;
  const aside = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return; // someone else broke it first
  }
  const movedIno = (await stat(aside)).ino;
  if (movedIno === ino) {
    await rm(aside, { force: true });
    return;
  }
  // We moved a fresh, live lock: put it back unless yet another one appeared meanwhile.
  try {
    await link(aside, lockFile);
  } catch {
    /* a third process holds the lock now; the moved one's owner will find it on release */
  }
  await rm(aside, { force: true });
}

export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const body: LockBody = { pid: process.pid, start: processStartToken(process.pid), nonce: randomBytes(8).toString('hex') };
  const started = Date.now();
  let attempt = 0;
  while (!(await tryCreate(lockFile, body))) {
    attempt += 1;
    if (attempt % 5 === 0) await breakIfStale(lockFile);
    if (Date.now() - started > timeoutMs) {
      throw new ResyncError('Busy', `Could not lock ${lockFile} within ${Math.round(timeoutMs / 1000)} s; another process holds it.`, {
        target: lockFile,
      });
    }
    await sleep(Math.min(opts.retryMs ?? 25, 2 + attempt * 2) * (0.5 + Math.random()));
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock (a stale-breaker could in theory have replaced it).
    try {
      const now = JSON.parse(await readFile(lockFile, 'utf8')) as LockBody;
      if (now.nonce === body.nonce) await rm(lockFile, { force: true });
    } catch {
      /* already gone */
    }
  }
}
