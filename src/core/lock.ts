/**
 * One run per DSS at a time. The lock is a file that is created whole or not at all (written to a
 * temporary file, flushed, then linked to the lock's name, which fails if the name exists); it also
 * carries the run's journal (the state a rollback needs), replaced atomically after every change, so
 * that a run killed outright can be finished by the next run or by `resync-glb recover`.
 *
 * The holder is identified by host and its proof of life (src/shared/process-info.ts: pid with the
 * process start time on Linux, or a live file it holds open on Windows): a lock whose host is this one
 * and whose process is gone — or whose pid now belongs to another process — is stale. A lock that
 * cannot be read at all is stale once it is older than UNREADABLE_STALE_MS (locks are never partial,
 * so only a damaged one is unreadable). A stale lock is taken over while holding the DSS: a short
 * `.recovering` lock makes one contender the recoverer, which replaces the stale lock with its own
 * (keeping the dead run's journal in it) before it rolls the journal back, so no other run can start
 * in between (docs/ARCHITECTURE.md, "The run lock").
 */
import { hostname, userInfo } from 'node:os';
import { ResyncError, toResyncError } from '../shared/errors';
import type { RunState } from './run-state';
import { FileLockStore, type LockStore } from '../shared/lock-store';
import { processStartToken, proofAlive } from '../shared/process-info';

export interface LockInfo {
  runId: string;
  pid: number;
  /** The holder's process start time (Linux), so a reused pid is not taken for the holder. */
  startToken?: string | null;
  /** The file the holder keeps open while it runs (Windows), so a reused pid is not taken for the holder. */
  liveFile?: string | null;
  host: string;
  user: string;
  since: string;
  computerName: string;
  state: RunState | null;
  /** Set while this holder recovers the journal of the run named here. */
  recovering?: string;
}

/** A lock that cannot be parsed is taken as stale once it is this old. */
export const UNREADABLE_STALE_MS = 10_000;

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export type ReadLock = { info: LockInfo; unreadable: false; ageMs: number } | { info: null; unreadable: true; ageMs: number; text: string };

export async function readLockFrom(store: LockStore): Promise<ReadLock | null> {
  const r = await store.read();
  if (!r) return null;
  try {
    const info = JSON.parse(r.text) as LockInfo;
    if (!info || typeof info !== 'object' || typeof info.pid !== 'number' || typeof info.host !== 'string') throw new Error('not a lock');
    return { info, unreadable: false, ageMs: r.ageMs };
  } catch {
    return { info: null, unreadable: true, ageMs: r.ageMs, text: r.text };
  }
}

function unreadableHolder(ageMs: number): LockInfo {
  return { runId: 'unknown (unreadable lock)', pid: 0, host: 'unknown', user: 'unknown', since: new Date(Date.now() - ageMs).toISOString(), computerName: '', state: null };
}

/**
 * Why a lock is stale, or null while its holder may be alive. `proofFolder` is the lock store's, where a
 * holder's live file may be (src/shared/process-info.ts); a live file named anywhere else is not looked at.
 */
export function staleReason(info: LockInfo, proofFolder?: string): string | null {
  if (info.host !== hostname()) return null; // another host's process cannot be checked from here
  if (!(info.pid > 0)) return `it names no process (pid ${info.pid})`;
  // The full proof first: on Windows it also tidies a dead holder's live file, however it died.
  const alive = proofAlive(info, proofFolder);
  if (!proofAlive({ pid: info.pid })) return `its process (pid ${info.pid}) is gone`;
  if (!alive) {
    return `pid ${info.pid} now belongs to another process (${info.startToken ? "the holder's start time differs" : `the holder's live file ${info.liveFile} is no longer held open`})`;
  }
  return null;
}

function busy(computerName: string, held: LockInfo, where: string): ResyncError {
  return new ResyncError(
    'Busy',
    `Another ResyncGlb run holds ${computerName}: run ${held.runId} by ${held.user} on ${held.host} (pid ${held.pid}) since ${held.since}${held.recovering ? `, recovering the dead run ${held.recovering}` : ''}. Wait for it to finish; if that run is gone, run 'resync-glb recover' on ${held.host}. (Lock: ${where}.)`,
    { target: computerName, holder: { user: held.user, host: held.host, pid: held.pid, since: held.since, runId: held.runId }, lock: where },
  );
}

/** Maps a failure to write the lock (ENOSPC and friends) to a clear error. */
function lockWriteError(e: unknown, where: string): ResyncError {
  const err = toResyncError(e, 'OperationFailed');
  if (err.id === 'DiskFull') err.message = `The run lock ${where} could not be written: ${err.message}`;
  return err;
}

export interface StaleLock extends LockInfo {
  /** Why it was judged stale. */
  staleBecause: string;
}

export class RunLock {
  private released = false;
  private constructor(
    readonly store: LockStore,
    readonly info: LockInfo,
  ) {}

  get file(): string {
    return this.store.location;
  }

  /**
   * Takes the lock. A stale lock is taken over (the DSS held throughout) and handed to `recover`,
   * which must undo its journal. Throws Busy, naming the holder and since when, if a live run holds it.
   */
  static async acquire(
    where: string | LockStore,
    computerName: string,
    runId: string,
    recover: (stale: StaleLock) => Promise<void>,
  ): Promise<RunLock> {
    const store = typeof where === 'string' ? new FileLockStore(where) : where;
    const proof = store.holderProof?.() ?? { pid: process.pid, startToken: processStartToken(process.pid) };
    const info: LockInfo = {
      runId,
      pid: proof.pid,
      startToken: proof.startToken ?? null,
      ...(proof.liveFile ? { liveFile: proof.liveFile } : {}),
      host: hostname(),
      user: currentUser(),
      since: new Date().toISOString(),
      computerName,
      state: null,
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        if (await store.createExclusive(JSON.stringify(info))) return new RunLock(store, info);
      } catch (e) {
        throw lockWriteError(e, store.location);
      }
      const held = await readLockFrom(store);
      if (!held) continue; // released meanwhile
      let why: string | null;
      if (held.unreadable) {
        if (held.ageMs < UNREADABLE_STALE_MS) {
          throw new ResyncError(
            'Busy',
            `The run lock ${store.location} for ${computerName} cannot be read; it is ${Math.round(held.ageMs / 1000)} s old and is taken as stale once it is ${UNREADABLE_STALE_MS / 1000} s old. Try again shortly.`,
            { target: computerName, lock: store.location },
          );
        }
        why = `it could not be read and is ${Math.round(held.ageMs / 1000)} s old`;
      } else {
        why = staleReason(held.info, store.proofFolder);
        if (!why) throw busy(computerName, held.info, store.location);
      }
      const stale: StaleLock = { ...(held.info ?? unreadableHolder(held.ageMs)), staleBecause: why };
      const lock = await RunLock.takeOver(store, info, held, stale, computerName);
      if (!lock) continue;
      try {
        await recover(stale);
        lock.info.state = null;
        delete lock.info.recovering;
        await lock.write();
      } catch (e) {
        await lock.release().catch(() => undefined);
        throw e;
      }
      return lock;
    }
    throw new ResyncError('Busy', `Could not take the run lock ${store.location} after five attempts; other runs keep taking it.`, { target: computerName });
  }

  /**
   * Replaces a stale lock with ours (keeping the dead run's journal in it, so a recoverer that dies
   * is recovered in turn), under the `.recovering` claim so only one contender does it. null: the
   * lock changed meanwhile, look again.
   */
  private static async takeOver(store: LockStore, info: LockInfo, held: ReadLock, stale: StaleLock, computerName: string): Promise<RunLock | null> {
    const claim = store.sibling('.recovering');
    const claimInfo: LockInfo = { ...info, state: null, recovering: stale.runId };
    if (!(await claim.createExclusive(JSON.stringify(claimInfo)).catch((e: unknown) => Promise.reject(lockWriteError(e, claim.location))))) {
      const other = await readLockFrom(claim);
      const otherStale = !other || (other.unreadable ? other.ageMs >= UNREADABLE_STALE_MS : staleReason(other.info, claim.proofFolder) !== null);
      if (otherStale) {
        await claim.remove();
        return null;
      }
      throw busy(computerName, other.info!, claim.location);
    }
    try {
      const now = await store.read();
      const before = held.unreadable ? held.text : JSON.stringify(held.info);
      if (!now || (held.unreadable ? now.text !== before : !sameHolder(now.text, held.info!))) return null;
      const mine: LockInfo = { ...info, state: stale.state, recovering: stale.runId };
      try {
        await store.replace(JSON.stringify(mine));
      } catch (e) {
        throw lockWriteError(e, store.location);
      }
      return new RunLock(store, mine);
    } finally {
      await claim.remove().catch(() => undefined);
    }
  }

  private async write(): Promise<void> {
    try {
      await this.store.replace(JSON.stringify(this.info));
    } catch (e) {
      throw lockWriteError(e, this.store.location);
    }
  }

  /** Records the run's state for recovery; replaced atomically so a crash leaves the old or the new copy. */
  async record(state: RunState): Promise<void> {
    if (this.released) return;
    this.info.state = state;
    await this.write();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.store.remove();
  }
}

function sameHolder(text: string, info: LockInfo): boolean {
  try {
    const now = JSON.parse(text) as LockInfo;
    return now.runId === info.runId && now.pid === info.pid && now.host === info.host && now.since === info.since;
  } catch {
    return false;
  }
}
