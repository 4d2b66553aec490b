/**
 * One run per DSS at a time (issue 15). The lock is a file created with O_EXCL; it also carries the
 * run's journal (the state a rollback needs), rewritten atomically after every change, so that a
 * run killed outright can be finished by the next run or by `resync-glb recover`.
 * A lock whose owner is on this host and no longer alive is stale: it is claimed by an atomic
 * rename (only one contender wins), its journal rolled back, then the lock is taken afresh.
 */
import { open, readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { ResyncError } from '../shared/errors';
import type { RunState } from './run-state';

export interface LockInfo {
  runId: string;
  pid: number;
  host: string;
  user: string;
  since: string;
  computerName: string;
  state: RunState | null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export async function readLock(file: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockInfo;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A lock file being written at this instant, or damaged: treat as held but unreadable.
    return { runId: 'unknown', pid: 0, host: 'unknown', user: 'unknown', since: 'unknown', computerName: '', state: null };
  }
}

export function isStale(info: LockInfo): boolean {
  return info.host === hostname() && info.pid > 0 && !processAlive(info.pid);
}

export class RunLock {
  private released = false;
  private constructor(
    readonly file: string,
    readonly info: LockInfo,
  ) {}

  /**
   * Takes the lock. A stale lock is handed to `recover` (which must undo its journal) first.
   * Throws Busy, naming the holder and since when, if a live run holds it.
   */
  static async acquire(
    file: string,
    computerName: string,
    runId: string,
    recover: (stale: LockInfo) => Promise<void>,
  ): Promise<RunLock> {
    await mkdir(dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      const info: LockInfo = {
        runId,
        pid: process.pid,
        host: hostname(),
        user: currentUser(),
        since: new Date().toISOString(),
        computerName,
        state: null,
      };
      try {
        const fh = await open(file, 'wx');
        try {
          await fh.writeFile(JSON.stringify(info));
          await fh.sync();
        } finally {
          await fh.close();
        }
        return new RunLock(file, info);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = await readLock(file);
      if (held && isStale(held)) {
        const claimed = `${file}.stale-${held.pid}-${process.pid}`;
        try {
          await rename(file, claimed);
        } catch {
          continue; // someone else claimed it; try again
        }
        try {
          await recover(held);
        } finally {
          await rm(claimed, { force: true });
        }
        continue;
      }
      if (held) {
        throw new ResyncError(
          'Busy',
          `Another ResyncGlb run holds ${computerName}: run ${held.runId} by ${held.user} on ${held.host} (pid ${held.pid}) since ${held.since}. Wait for it to finish; if that run is gone, run 'resync-glb recover' on ${held.host}.`,
          { target: computerName, holder: { user: held.user, host: held.host, pid: held.pid, since: held.since, runId: held.runId } },
        );
      }
    }
    throw new ResyncError('Busy', `Could not take the run lock ${file} after three attempts.`, { target: computerName });
  }

  /** Records the run's state for recovery; written atomically so a crash leaves the old or the new copy. */
  async record(state: RunState): Promise<void> {
    if (this.released) return;
    this.info.state = state;
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(this.info), { flush: true });
    await rename(tmp, this.file);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await rm(this.file, { force: true });
  }
}
