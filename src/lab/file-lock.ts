/**
 * A small cross-process mutex for the lab's read-modify-write files (registry.json, service.json).
 * The lock is kept in the same store as the run lock (src/shared/lock-store.ts), unflushed, holding its owner's proof of life
 * (pid, and the start time on Linux or a held live file on Windows: src/shared/process-info.ts); one
 * that cannot be read is broken once UNREADABLE_LOCK_STALE_MS has passed. A lock whose owner is dead is
 * broken by renaming it away (only one contender can rename a given file) and checking that the renamed
 * file is the one judged stale; a live lock grabbed by mistake is put back with link(), which never
 * overwrites.
 */
import { link, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ResyncError } from '../shared/errors';
import { removeFile } from '../shared/atomic-file';
import { FileLockStore } from '../shared/lock-store';
import { proofAlive, type ProcessProof } from '../shared/process-info';
import { sleep } from '../shared/sleep';

export interface LockOptions {
  /** Give up after this long (Busy). */
  timeoutMs?: number;
  /** A lock held longer than this by a live process is still respected; this only bounds waits. */
  retryMs?: number;
}

interface LockBody extends ProcessProof {
  /** Older locks call the start token `start`. */
  start?: string | null;
  nonce: string;
}

/** A lock file that cannot be read is broken once it is this old (they are held for milliseconds). */
export const UNREADABLE_LOCK_STALE_MS = 2000;

function parse(text: string | null): LockBody | null {
  if (text === null) return null;
  try {
    const b = JSON.parse(text) as LockBody;
    return b && typeof b === 'object' && typeof b.pid === 'number' && typeof b.nonce === 'string' ? b : null;
  } catch {
    return null; // empty or damaged (left by an older version, or a damaged disk)
  }
}

async function breakIfStale(store: FileLockStore): Promise<void> {
  const lockFile = store.location;
  let ino: bigint;
  let ageMs: number;
  try {
    const st = await stat(lockFile, { bigint: true });
    ino = st.ino;
    ageMs = Date.now() - Number(st.mtimeMs);
  } catch {
    return; // gone
  }
  const body = parse((await store.read().catch(() => null))?.text ?? null);
  if (body ? proofAlive({ pid: body.pid, startToken: body.startToken ?? body.start, liveFile: body.liveFile }, store.proofFolder) : ageMs < UNREADABLE_LOCK_STALE_MS) return;
  const aside = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = await stat(aside, { bigint: true });
  if (moved.ino === ino) {
    await removeFile(aside);
    return;
  }
  // We moved a fresh, live lock: put it back unless yet another one appeared meanwhile.
  try {
    await link(aside, lockFile);
  } catch {
    /* a third process holds the lock now; the moved one's owner will find it on release */
  }
  await removeFile(aside).catch(() => rm(aside, { force: true }));
}

export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const store = new FileLockStore(lockFile, { flush: false });
  const body: LockBody = { ...store.holderProof(), nonce: randomBytes(8).toString('hex') };
  const text = JSON.stringify(body);
  const started = Date.now();
  let attempt = 0;
  while (!(await store.createExclusive(text))) {
    attempt += 1;
    if (attempt % 5 === 0) await breakIfStale(store);
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
    const now = parse((await store.read().catch(() => null))?.text ?? null);
    if (now?.nonce === body.nonce) await store.remove().catch(() => undefined);
  }
}
