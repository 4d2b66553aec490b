/**
 * Where a run lock is kept, and a store in a local file. The lock itself (who holds it, when it is stale)
 * is core's (src/core/lock.ts); a store only creates, reads, replaces and removes its text atomically,
 * so the lab adapter (a local file) and the Windows operations (a file on the DSS) can each give one.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LockStore {
  /** For messages: where the lock is. */
  readonly location: string;
  /** Creates the lock holding `text` if it does not exist; never leaves a partial file. false: it exists. */
  createExclusive(text: string): Promise<boolean>;
  /** The lock's text and age; null when there is none. */
  read(): Promise<{ text: string; ageMs: number } | null>;
  /** Replaces the lock's text atomically. */
  replace(text: string): Promise<void>;
  remove(): Promise<void>;
  /** A second lock beside this one (the `.recovering` claim). */
  sibling(suffix: string): LockStore;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** A lock in a local file. */
export class FileLockStore implements LockStore {
  constructor(readonly location: string) {}

  private async temp(text: string): Promise<string> {
    await mkdir(dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    return tmp;
  }

  async createExclusive(text: string): Promise<boolean> {
    const tmp = await this.temp(text);
    try {
      await link(tmp, this.location);
      return true;
    } catch (e) {
      if (errno(e) === 'EEXIST') return false;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR'].includes(errno(e) ?? '')) throw e;
      // No hard links here: an exclusive create, written at once (a torn one reads as unreadable).
      try {
        const fh = await open(this.location, 'wx');
        try {
          await fh.writeFile(text);
          await fh.sync();
        } finally {
          await fh.close();
        }
        return true;
      } catch (e2) {
        if (errno(e2) === 'EEXIST') return false;
        throw e2;
      }
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async read(): Promise<{ text: string; ageMs: number } | null> {
    try {
      const [text, st] = await Promise.all([readFile(this.location, 'utf8'), stat(this.location)]);
      return { text, ageMs: Date.now() - st.mtimeMs };
    } catch (e) {
      if (errno(e) === 'ENOENT') return null;
      throw e;
    }
  }

  async replace(text: string): Promise<void> {
    const tmp = await this.temp(text);
    try {
      await rename(tmp, this.location);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  async remove(): Promise<void> {
    await rm(this.location, { force: true });
  }

  sibling(suffix: string): LockStore {
    return new FileLockStore(`${this.location}${suffix}`);
  }
}
