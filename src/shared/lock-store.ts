/**
 * Where a run lock is kept, and a store in a local file. The lock itself (who holds it, when it is stale)
 * is core's (src/core/lock.ts); a store only creates, reads, replaces and removes its text atomically,
 * so the lab adapter (a local file) and the Windows operations (a file on the DSS) can each give one.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createFileExclusive, readTextFile, removeFile, writeFileAtomic, type WriteOptions } from './atomic-file';
import { errnoCode } from './errno';
import { ownProof, type ProcessProof } from './process-info';

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
  /**
   * This process's proof of life as seen from where the lock is (src/shared/process-info.ts), for a store
   * whose readers can check it; absent where only pid, start time and host can be recorded.
   */
  holderProof?(): ProcessProof;
  /** Where the holders' proofs are kept (their live files in its `.live` subfolder); absent with holderProof. */
  readonly proofFolder?: string;
}

/**
 * A lock in a local file (src/shared/atomic-file.ts does the file work). The run lock and the lab's
 * mutexes (src/lab/file-lock.ts) both keep their locks in one.
 */
export class FileLockStore implements LockStore {
  /** `flush: false` for locks held for milliseconds, which need not survive a power cut. */
  constructor(
    readonly location: string,
    private readonly opts: WriteOptions = {},
  ) {}

  createExclusive(text: string): Promise<boolean> {
    return createFileExclusive(this.location, text, this.opts);
  }

  async read(): Promise<{ text: string; ageMs: number } | null> {
    const text = await readTextFile(this.location);
    if (text === null) return null;
    try {
      return { text, ageMs: Date.now() - (await stat(this.location)).mtimeMs };
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return null;
      throw e;
    }
  }

  replace(text: string): Promise<void> {
    return writeFileAtomic(this.location, text);
  }

  async remove(): Promise<void> {
    await removeFile(this.location);
  }

  sibling(suffix: string): LockStore {
    return new FileLockStore(`${this.location}${suffix}`, this.opts);
  }

  get proofFolder(): string {
    return dirname(this.location);
  }

  holderProof(): ProcessProof {
    return ownProof(this.proofFolder);
  }
}
