/**
 * Waits, event-driven, until the DXA has finished Resync.glb (domain.md, Q150976): the file exists,
 * is not empty, the service is running, the file is no longer held open for writing (where the
 * platform can tell), has stopped growing, and the service has removed ResyncConnectionRDNs — the
 * DXA removes it only once it is done with the file, so a file seen while the value is still there
 * is never reported. Where the DSS keeps its own account of the generation (the lab), the file must
 * also be the one the running service wrote, with the length it wrote; any other file at that name
 * is handed to `onForeign` to be moved aside (docs/PROTOCOL.md, the Warnings of a result).
 * Watch events wake the loop at once; a fallback interval covers missed events.
 */
import type { DssOperations, FileInfo, GenerationStatus, ServiceStatus } from '../operations/operations';
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
  /** Moves a file that is not this generation's out of the way (named by the caller). */
  onForeign?: (file: FileInfo) => Promise<void>;
}

export const DEFAULT_WAIT: Omit<WaitOptions, 'timeoutMs' | 'recognitionMs' | 'progressId'> = {
  quietMsUnknownWriter: 1500,
  quietMsNoWriter: 15,
  pollMs: 250,
  progressMs: 250,
};

export interface WaitOutcome {
  kind: 'complete';
  file: FileInfo;
  waitedMs: number;
}

/**
 * A file the running service is not generating: the service has not begun (StartPending, or its
 * record is not yet there), is still deciding, or names another file. With the service stopped it
 * cannot be told (a crashed DXA's partial file), so it is not called foreign.
 */
export function isForeignFile(file: FileInfo, status: ServiceStatus, gen: GenerationStatus): boolean {
  // A service that stopped (a DXA that crashed mid-write) leaves its partial file: not foreign, incomplete.
  if (status === 'Stopped') return false;
  if (status === 'StartPending' || gen.state === 'none' || gen.state === 'checking') return true;
  return gen.fileId !== null && file.id !== undefined && file.id !== gen.fileId;
}

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
  let folderCheckedAt = 0;
  const activity = `Waiting for ${ops.path.basename(filePath)} on ${ops.computerName}`;
  try {
    for (;;) {
      const now = Date.now();
      const elapsed = now - started;
      const [service, value, file, gen] = await Promise.all([
        ops.getService(),
        ops.getResyncValue(),
        ops.statFile(filePath),
        ops.generationStatus ? ops.generationStatus() : Promise.resolve(null),
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
      if (gen?.state === 'failed') {
        // The lab DXA's own account (a real DXA keeps none): it gave up, so no file will come.
        throw new ResyncError('GenerationFailed', `The DXA on ${ops.computerName} reports that its generation failed: ${gen.error ?? `no reason recorded for ${ops.path.basename(filePath)}`}`, {
          target: filePath,
          length: file?.length ?? 0,
        });
      }
      if (gen && (gen.state === 'written' || gen.state === 'done') && gen.fileId !== null && value === null && !file) {
        // The DXA's own account says it wrote its file and removed the value, and the name is empty: another
        // process removed or replaced the file (a replacement is moved out as foreign). Nothing more will come.
        throw new ResyncError(
          'GenerationFailed',
          `The DXA on ${ops.computerName} wrote ${ops.path.basename(filePath)}${gen.length !== null ? ` (${gen.length} bytes)` : ''} and removed ResyncConnectionRDNs, but the file is no longer in ${dxadata}: another process removed or replaced it.`,
          { target: filePath, length: 0 },
        );
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
      if (!file && now - folderCheckedAt >= 1000) {
        // A Dxadata that vanished will never receive the file: say so now, not at the timeout.
        folderCheckedAt = now;
        await ops.resolveDxadata(dxadata).catch((e: unknown) => {
          if (e instanceof ResyncError && e.id === 'DxadataNotFound') {
            throw new ResyncError('DxadataRemoved', `Dxadata ${dxadata} was removed from ${ops.computerName} while the run waited for Resync.glb; the DXA cannot write it there.`, { target: dxadata });
          }
        });
      }

      if (file && gen && opts.onForeign && isForeignFile(file, status, gen)) {
        await opts.onForeign(file);
        last = null;
        continue;
      }

      let nextQuiet: number | null = null;
      let settledWithValue = false;
      if (file && file.length > 0 && status === 'Running') {
        const same = last !== null && last.length === file.length && last.mtime === file.lastWriteTimeUtc;
        if (!same) last = { length: file.length, at: now, mtime: file.lastWriteTimeUtc };
        const stillFor = last ? now - last.at : 0;
        // The probe opens the file denying writers (Windows): only once the DXA has removed the value
        // (which it does once it is done with the file, Q150976) or the file has held still for the
        // shorter quiet period, so it can never make the DXA's own reopen or append fail.
        const minQuiet = Math.min(opts.quietMsNoWriter, opts.quietMsUnknownWriter);
        const writer = value === null || (same && stillFor >= minQuiet) ? await ops.isOpenForWrite(filePath) : undefined;
        const quiet = writer === false ? opts.quietMsNoWriter : opts.quietMsUnknownWriter;
        if (gen) {
          // The DSS's own account decides: this service wrote this very file, this long, and is done.
          if (
            value === null &&
            writer !== true &&
            (gen.state === 'written' || gen.state === 'done') &&
            gen.fileId !== null &&
            gen.fileId === file.id &&
            gen.length === file.length
          ) {
            return { kind: 'complete', file, waitedMs: elapsed };
          }
        } else {
          // No writer holds it and the value is gone: nothing can still grow it, no quiet time is owed.
          if (writer === false && value === null) return { kind: 'complete', file, waitedMs: elapsed };
          const closedAndQuiet = writer !== undefined && writer !== true && same && stillFor >= quiet;
          settledWithValue = value !== null && closedAndQuiet;
          if (writer === undefined) nextQuiet = minQuiet;
          else if (writer !== true && value === null) nextQuiet = quiet;
          if (value === null && closedAndQuiet) return { kind: 'complete', file, waitedMs: elapsed };
        }
      }
      const doneWithValueLeft = gen !== null && gen.state === 'done' && value !== null && !file;
      // A file that holds still while the value stays is not reported: the DXA removes the value
      // only once it is done with the file it generated, so this one is not known to be complete.
      const noneOrSettled = !file || settledWithValue;
      if (value !== null && noneOrSettled && (doneWithValueLeft || (runningSince !== null && now - runningSince >= opts.recognitionMs))) {
        throw new ResyncError(
          'RequestorNotRecognised',
          `The service has been running for ${Math.round((now - (runningSince ?? now)) / 1000)} s, ResyncConnectionRDNs is still present and ${file ? `the ${file.length}-byte Resync.glb in Dxadata is not known to be complete (it is not reported)` : 'no Resync.glb was written'}: the DXA likely did not recognise ${value.map((v) => JSON.stringify(v)).join(', ')} as Remote Dirsync Requestor names (display name, common name or RDN).`,
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
