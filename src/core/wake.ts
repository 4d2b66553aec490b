/**
 * A wake-up source for event-driven waiting: `notify()` (from a file-system or registry watcher)
 * ends the current `next()` early; otherwise it ends after the fallback interval, so a missed
 * event costs at most one interval. Aborting the signal rejects the pending `next()`.
 */
import { abortReason } from '../shared/sleep';

export class Wake {
  private pending: (() => void) | null = null;
  private dirty = false;

  notify = (): void => {
    this.dirty = true;
    const p = this.pending;
    this.pending = null;
    if (p) p();
  };

  /** Resolves on the next notify() (or at once if one came since the last call), or after maxMs. */
  next(maxMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.dirty = false;
        resolve();
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.pending = null;
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        this.pending = null;
        done();
      }, Math.max(0, maxMs));
      this.pending = done;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
