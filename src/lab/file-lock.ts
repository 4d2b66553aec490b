/**
 * A small cross-process mutex for the lab's read-modify-write files (registry.json, service.json).
 * The lock is a file created with O_EXCL holding the owner's pid and start token. A lock whose owner
 * is dead is broken by renaming it away (only one contender can rename a given inode) and checking
 * that the renamed file is the same inode that was judged stale; a live lock grabbed by mistake is
 * put back with link(), which never overwrites.
 */
import { open, readFile, rename, rm, stat, link } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ResyncError } from '../shared/errors';
import { pidAlive, processStartToken } from './process-info';
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

async function tryCreate(lockFile: string, body: LockBody): Promise<boolean> {
  try {
    const fh = await open(lockFile, 'wx');
    try {
      await fh.writeFile(JSON.stringify(body));
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function breakIfStale(lockFile: string): Promise<void> {
  let ino: number;
  let body: LockBody;
  try {
    ino = (await stat(lockFile)).ino;
    body = JSON.parse(await readFile(lockFile, 'utf8')) as LockBody;
  } catch {
    return; // gone, or being written right now: not stale
  }
  if (pidAlive(body.pid, body.start)) return;
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
