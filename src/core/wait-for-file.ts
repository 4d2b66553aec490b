/**
 * Waits, event-driven, until the DXA has finished Resync.glb (domain.md, Q150976): the file exists,
 * is not empty, is no longer held open for writing (where the platform can tell), has stopped
 * growing, and the service has removed ResyncConnectionRDNs. A file still being written is never
 * reported. Watch events wake the loop at once; a fallback interval covers missed events.
 */
import type { DssOperations, FileInfo } from '../operations/operations';
import type { Reporter } from '../shared/reporter';
import { ResyncError } from '../shared/errors';
import { Wake } from './wake';

export interface WaitOptions {
  /** Whole wait, from the service start to a complete file. */
  timeoutMs: number;
  /** With no file and the value still present this long after the service runs: not recognised. */
  recognitionMs: number;
  /** How long the size must hold still when the platform cannot tell whether a writer holds it open. */
  quietMsUnknownWriter: number;
  /** How long the size must hold still when the platform says no writer holds it. */
  quietMsNoWriter: number;
  /** Fallback poll interval when no event arrives. */
  pollMs: number;
  /** Progress update interval. */
  progressMs: number;
  progressId: number;
}

export const DEFAULT_WAIT: Omit<WaitOptions, 'timeoutMs' | 'recognitionMs' | 'progressId'> = {
  quietMsUnknownWriter: 1500,
  quietMsNoWriter: 15,
  pollMs: 250,
  progressMs: 250,
};

export type WaitOutcome =
  | { kind: 'complete'; file: FileInfo; valueRemoved: boolean; waitedMs: number }
  | { kind: 'complete-value-left'; file: FileInfo; waitedMs: number };

export async function waitForCompleteFile(
  ops: DssOperations,
  filePath: string,
  dxadata: string,
  opts: WaitOptions,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<WaitOutcome> {
  const wake = new Wake();
  const watcher = ops.watch(dxadata, wake.notify);
  const started = Date.now();
  let lastProgress = 0;
  let last: { length: number; at: number; mtime: string } | null = null;
  let runningSince: number | null = null;
  const activity = `Waiting for ${ops.path.basename(filePath)} on ${ops.computerName}`;
  try {
    for (;;) {
      const now = Date.now();
      const elapsed = now - started;
      const [service, value, file] = await Promise.all([
        ops.getService(),
        ops.getResyncValue(),
        ops.statFile(filePath),
      ]);
      if (now - lastProgress >= opts.progressMs) {
        lastProgress = now;
        reporter.progress({
          id: opts.progressId,
          activity,
          status: file
            ? `${file.length} bytes so far, ${Math.round(elapsed / 1000)} s elapsed`
            : `no file yet, ${Math.round(elapsed / 1000)} s elapsed`,
          percent: -1,
          secondsElapsed: Math.round(elapsed / 1000),
          bytes: file?.length ?? 0,
        });
      }
      const status = service?.status ?? 'Stopped';
      if (status === 'Stopped') {
        // The service stopped on its own after we started it: a crash (Q185225-style) or a
        // failed start. A file left behind is partial by definition.
        if (file) {
          throw new ResyncError(
            'IncompleteFile',
            `The ${service?.name ?? 'directory synchronization'} service stopped while ${filePath} was being written (${file.length} bytes); the file is incomplete.`,
            { target: filePath, length: file.length },
          );
        }
        throw new ResyncError(
          'ServiceStartFailed',
          'The directory synchronization service stopped on its own after it was started, before it wrote Resync.glb.',
          { target: service?.name },
        );
      }
      if (status === 'Running' && runningSince === null) runningSince = now;

      let nextQuiet: number | null = null;
      if (file && file.length > 0) {
        const writer = await ops.isOpenForWrite(filePath);
        const quiet = writer === false ? opts.quietMsNoWriter : opts.quietMsUnknownWriter;
        const same = last !== null && last.length === file.length && last.mtime === file.lastWriteTimeUtc;
        if (!same) last = { length: file.length, at: now, mtime: file.lastWriteTimeUtc };
        const stillFor = last ? now - last.at : 0;
        // No writer holds the file and the DXA has removed the value, which it does only after the
        // file is closed (Q150976): nothing can still grow it, so no quiet time is owed.
        if (writer === false && value === null) return { kind: 'complete', file, valueRemoved: true, waitedMs: elapsed };
        if (writer !== true) nextQuiet = value === null ? quiet : quiet * 2 + opts.pollMs;
        if (writer !== true && same && stillFor >= quiet) {
          if (value === null) return { kind: 'complete', file, valueRemoved: true, waitedMs: elapsed };
          // Complete, closed, quiet, but the value is still there: give the DXA the same quiet time
          // again to remove it, then report the value as left (the caller names the requestors).
          if (stillFor >= quiet * 2 + opts.pollMs) return { kind: 'complete-value-left', file, waitedMs: elapsed };
        }
      } else if (value !== null && runningSince !== null && now - runningSince >= opts.recognitionMs) {
        throw new ResyncError(
          'RequestorNotRecognised',
          `The service has been running for ${Math.round((now - runningSince) / 1000)} s, ResyncConnectionRDNs is still present and no Resync.glb was written: the DXA likely did not recognise ${value.map((v) => JSON.stringify(v)).join(', ')} as Remote Dirsync Requestor names (display name, common name or RDN).`,
          { target: value.join(', '), requestors: value },
        );
      }
      if (elapsed >= opts.timeoutMs) {
        throw new ResyncError(
          'Timeout',
          `Resync.glb was not complete after ${Math.round(opts.timeoutMs / 1000)} s (${file ? `${file.length} bytes so far` : 'no file yet'}).`,
          { target: filePath, length: file?.length ?? 0 },
        );
      }
      // Re-check soon while a finished-looking file only has to hold still a little longer.
      let delay = opts.pollMs;
      if (file && file.length > 0 && last && nextQuiet !== null) delay = Math.max(5, nextQuiet - (now - last.at));
      await wake.next(Math.min(delay, Math.max(0, opts.timeoutMs - elapsed)), signal);
    }
  } finally {
    watcher.close();
  }
}
