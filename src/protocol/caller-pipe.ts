/**
 * The engine's output to its caller in `rpc` mode, made safe for a caller that goes away.
 *
 * Closing or killing the PowerShell window closes the engine's stdin and its stdout at once. A
 * write to the closed stdout then fails (EPIPE; ERROR_NO_DATA on Windows) and, unhandled, would
 * end the engine in the middle of its rollback. Here the first failure marks the caller gone:
 * later writes are dropped, `gone` is aborted so the run is cancelled and rolled back, and the
 * run's audit log (not the caller) is the record of what happened (docs/PROTOCOL.md).
 */
import type { Writable } from 'node:stream';
import type { Sink } from './events';

export interface CallerPipe {
  sink: Sink;
  /** Aborted when the caller's stdout can no longer be written. */
  gone: AbortSignal;
  /** Calls `done` once everything written so far is flushed, or at once when the caller is gone. */
  flush(done: () => void): void;
}

export function callerPipe(out: Writable, err?: Writable): CallerPipe {
  const controller = new AbortController();
  const markGone = (): void => {
    if (!controller.signal.aborted) controller.abort(new Error('the caller closed the connection (stdout)'));
  };
  out.on('error', markGone);
  out.on('close', markGone);
  // stderr is not part of the protocol; a failure there must not end the engine either.
  err?.on('error', () => undefined);
  const writable = (): boolean => !controller.signal.aborted && !out.destroyed && out.writable;
  return {
    gone: controller.signal,
    sink: (line) => {
      if (!writable()) return;
      try {
        out.write(line, (e) => {
          if (e) markGone();
        });
      } catch {
        markGone();
      }
    },
    flush: (done) => {
      if (!writable()) {
        done();
        return;
      }
      let called = false;
      const once = (): void => {
        if (called) return;
        called = true;
        done();
      };
      controller.signal.addEventListener('abort', once, { once: true });
      try {
        out.write('', once);
      } catch {
        once();
      }
    },
  };
}
