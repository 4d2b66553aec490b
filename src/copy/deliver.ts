/**
 * Verified, atomic delivery of one Resync.glb to many requestor folders:
 *   check the source and every folder -> create a temporary file in each -> read the source ONCE,
 *   hashing it and fanning each chunk out to every folder (fanout.ts) -> flush and check each copy ->
 *   refuse everything if the source does not match the hash it came with -> in each folder keep an
 *   earlier final file aside and rename the temporary file into place.
 * One failing folder does not stop the others; every folder gets its own CopyResult.
 * Under what-if the read-only checks run and every write and rename is reported, none made.
 */
import { open, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ResyncError, toResyncError, type ErrorId } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import { abortReason } from '../shared/sleep';
import { checkDestination, DestinationWriter, asResyncError, type CheckedDestination } from './destination';
import { fanOut, type ChunkSource } from './fanout';
import { backupFileName, finalFileName, tempFileName } from '../shared/file-names';
import { nextStepFor, type NextStep } from './next-step';
import type { CopyResult, RequestorType } from './types';
import { errnoCode } from '../shared/errno';

export interface SourceHandle extends ChunkSource {
  stat(): Promise<{ size: number; mtimeMs: number }>;
  close(): Promise<void>;
}

export type OpenSource = (path: string) => Promise<SourceHandle>;

export interface DeliverOptions {
  source: string;
  /** Destination folders, as given. */
  destinations: string[];
  /** The SHA-256 the source must still have (hex, any case). */
  expectedSha256?: string;
  throttleLimit: number;
  requestorType: RequestorType;
  force: boolean;
  whatIf: boolean;
  now?: () => Date;
  chunkSize?: number;
  buffers?: number;
  /** Refuse a folder whose volume clearly has too little space before writing (default true). */
  checkFreeSpace?: boolean;
  /** How the source is opened (tests count reads through it). */
  openSource?: OpenSource;
  /** Runs just before a folder's commit; a throw fails that folder (the temporary file is removed). */
  beforeCommit?: (finalPath: string) => Promise<void>;
  /** The next step for a delivered folder (default: MS Mail Import and Rebuild, next-step.ts). */
  nextStep?: (folder: string) => NextStep;
  progressId?: number;
}

export const COPY_PROGRESS_ID = 14;
const PROGRESS_EVERY_MS = 250;

export const openFileSource: OpenSource = async (path) => {
  const fh = await open(path, 'r');
  return {
    read: async (buf, length, position) => (await fh.read(buf, 0, length, position)).bytesRead,
    stat: async () => {
      const s = await fh.stat();
      return { size: s.size, mtimeMs: s.mtimeMs };
    },
    close: () => fh.close(),
  };
};

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

export function normalizeSha256(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^[0-9A-Fa-f]{64}$/.test(v)) {
    throw new ResyncError('Usage', `Sha256 must be 64 hexadecimal digits (as Get-FileHash or New-ResyncGlb give it); got ${JSON.stringify(value)}.`, {
      target: 'sha256',
    });
  }
  return v.toUpperCase();
}

interface Slot {
  folder: string;
  finalPath: string;
  checked?: CheckedDestination;
  writer?: DestinationWriter;
  /** Bytes the copy pass wrote here. */
  written?: number;
  result?: CopyResult;
}

export async function deliver(opts: DeliverOptions, reporter: Reporter, signal?: AbortSignal): Promise<CopyResult[]> {
  const now = opts.now ?? (() => new Date());
  const finalName = finalFileName(opts.requestorType);
  const expected = normalizeSha256(opts.expectedSha256);
  const nextStep = opts.nextStep ?? nextStepFor;
  const progressId = opts.progressId ?? COPY_PROGRESS_ID;
  if (typeof opts.source !== 'string' || opts.source.trim() === '' || opts.source.includes('\0')) {
    throw new ResyncError('InvalidPath', 'The source path is empty or not a valid path.', { target: String(opts.source) });
  }
  const source = resolve(opts.source);
  const srcStat = await stat(source).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new ResyncError('SourceNotFound', `The source file ${source} does not exist.`, { target: source });
    throw new ResyncError('InvalidPath', `The source file ${source} cannot be read (${e.code ?? e.message}).`, { target: source });
  });
  if (!srcStat.isFile()) throw new ResyncError('InvalidPath', `The source ${source} is not a file.`, { target: source });

  const base = (slot: Slot): CopyResult => ({
    Source: source,
    Destination: slot.finalPath,
    Length: srcStat.size,
    Sha256: expected ?? null,
    Verified: false,
    BackupPath: null,
    NextStep: null,
    NextStepCommands: [],
    Note: null,
    RequestorType: opts.requestorType,
    Status: 'Failed',
    Error: null,
  });
  const fail = (slot: Slot, e: unknown, extra: Partial<CopyResult> = {}): void => {
    const err = asResyncError(e, slot.folder);
    slot.result = { ...base(slot), ...extra, Status: 'Failed', Verified: false, Error: { Id: err.id, Category: err.category, Message: err.message } };
    reporter.verbose(`${slot.folder}: ${err.id}: ${err.message}`);
  };

  // Destinations: resolved, duplicates dropped with a warning, each checked (read-only).
  const slots: Slot[] = [];
  for (const given of opts.destinations) {
    if (typeof given !== 'string' || given.trim() === '' || given.includes('\0')) {
      const slot: Slot = { folder: String(given), finalPath: String(given) };
      fail(slot, new ResyncError('InvalidPath', `The destination ${JSON.stringify(given)} is empty or not a valid path.`, { target: String(given) }));
      slots.push(slot);
      continue;
    }
    const folder = resolve(given);
    if (slots.some((s) => samePath(s.folder, folder))) {
      reporter.warning(`The destination ${given} is listed more than once; it is written once.`);
      continue;
    }
    slots.push({ folder, finalPath: resolve(folder, finalName) });
  }
  if (slots.length === 0) throw new ResyncError('Usage', 'No destination folder was given.', { target: 'destination' });

  await Promise.all(
    slots
      .filter((s) => !s.result)
      .map(async (slot) => {
        try {
          const checked = await checkDestination(slot.folder, finalName, srcStat.size, opts.checkFreeSpace ?? true);
          if (checked.existing.some((x) => samePath(x.path, source)) || samePath(checked.finalPath, source)) {
            throw new ResyncError('InvalidPath', `${slot.folder} holds the source file itself (${source}); deliver to another folder.`, { target: slot.folder });
          }
          slot.checked = checked;
        } catch (e) {
          fail(slot, e);
        }
      }),
  );

  if (opts.whatIf) {
    for (const slot of slots) {
      if (slot.result || !slot.checked) continue;
      const c = slot.checked;
      const temp = join(c.folder, tempFileName(finalName));
      reporter.whatIf(`Copy ${source} (read once, SHA-256 checked, flushed to disk) to a temporary file`, temp);
      for (const old of c.existing) {
        reporter.whatIf(`Keep the existing ${basename(old.path)} (${old.length} bytes) as ${backupFileName(finalName, now())}`, old.path);
      }
      reporter.whatIf(`Rename the verified temporary file to ${finalName}`, c.finalPath);
      const step = nextStep(c.folder);
      slot.result = { ...base(slot), Status: 'WhatIf', NextStep: step.text, NextStepCommands: step.commands, Note: step.note };
    }
    return slots.map((s) => s.result!);
  }

  // Temporary files.
  await Promise.all(
    slots
      .filter((s) => s.checked && !s.result)
      .map(async (slot) => {
        try {
          slot.writer = await DestinationWriter.open(slot.checked!, reporter);
        } catch (e) {
          fail(slot, e);
        }
      }),
  );
  const live = slots.filter((s) => s.writer && !s.result);
  if (live.length === 0) return slots.map((s) => s.result!);

  const activity = `Copying ${basename(source)} to ${live.length} folder${live.length === 1 ? '' : 's'}`;
  const total = srcStat.size;
  let lastProgress = 0;
  const progress = (bytes: number, completed = false): void => {
    const t = Date.now();
    if (!completed && t - lastProgress < PROGRESS_EVERY_MS && bytes < total) return;
    lastProgress = t;
    reporter.progress({
      id: progressId,
      activity,
      status: completed ? 'Done' : `${(bytes / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MiB`,
      percent: completed ? 100 : total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : -1,
      bytes,
      ...(completed ? { completed: true } : {}),
    });
  };

  let sourceProblem: ResyncError | null = null;
  let readHash: string | null = null;
  let readLength = 0;
  try {
    progress(0);
    const openSrc = opts.openSource ?? openFileSource;
    let src: SourceHandle;
    try {
      src = await openSrc(source);
    } catch (e) {
      const code = errnoCode(e);
      throw code === 'ENOENT'
        ? new ResyncError('SourceNotFound', `The source file ${source} vanished before it was read.`, { target: source })
        : new ResyncError('InvalidPath', `The source file ${source} cannot be read (${code ?? String(e)}).`, { target: source });
    }
    try {
      const before = await src.stat();
      const out = await fanOut(
        src,
        live.map((s) => s.writer!),
        { writeConcurrency: opts.throttleLimit, chunkSize: opts.chunkSize, buffers: opts.buffers, signal, onRead: (b) => progress(b) },
      );
      const after = await src.stat();
      readHash = out.sha256;
      readLength = out.length;
      live.forEach((slot, i) => {
        slot.written = out.written[i];
        if (out.failures[i] !== undefined) fail(slot, out.failures[i], { Length: out.complete ? out.length : srcStat.size });
      });
      if (out.complete) {
        if (before.size !== after.size || before.mtimeMs !== after.mtimeMs || out.length !== after.size) {
          sourceProblem = new ResyncError(
            'SourceChanged',
            `The source ${source} changed while it was read (${before.size} bytes before, ${after.size} after, ${out.length} read); nothing was copied.`,
            { target: source },
          );
        } else if (expected && out.sha256 !== expected) {
          sourceProblem = new ResyncError(
            'SourceChanged',
            `The source ${source} no longer matches the SHA-256 it came with (expected ${expected}, found ${out.sha256}); nothing was copied.`,
            { target: source, expected, actual: out.sha256 },
          );
        }
      }
    } finally {
      await src.close().catch(() => undefined);
    }
  } catch (e) {
    sourceProblem = signal?.aborted
      ? new ResyncError('Cancelled', `Cancelled while copying: ${abortReason(signal).message}. Nothing was copied.`, { target: source })
      : toResyncError(e, 'OperationFailed');
  } finally {
    progress(readLength, true);
  }

  // Flush and check each copy that is still alive (in parallel: fsync waits on the device).
  const stillLive = live.filter((s) => !s.result);
  if (!sourceProblem) {
    await Promise.all(
      stillLive.map(async (slot) => {
        try {
          await slot.writer!.finish(readLength, slot.written ?? 0);
        } catch (e) {
          fail(slot, e, { Length: readLength, Sha256: readHash });
        }
      }),
    );
  }
  if (sourceProblem) {
    for (const slot of stillLive) fail(slot, sourceProblem, { Length: readLength || srcStat.size, Sha256: readHash });
  }
  // Every failed folder loses its temporary file.
  await Promise.all(live.filter((s) => s.result).map((s) => s.writer!.discard()));

  await Promise.all(
    live
      .filter((s) => !s.result)
      .map(async (slot) => {
        try {
          await opts.beforeCommit?.(slot.checked!.finalPath);
          const backup = await slot.writer!.commit(now(), reporter, opts.force);
          const step = nextStep(slot.folder);
          slot.result = {
            ...base(slot),
            Length: readLength,
            Sha256: readHash,
            Verified: true,
            BackupPath: backup,
            NextStep: step.text,
            NextStepCommands: step.commands,
            Note: step.note,
            Status: 'Copied',
          };
          reporter.verbose(`${slot.checked!.finalPath}: ${readLength} bytes, SHA-256 ${readHash}, flushed and renamed into place.`);
        } catch (e) {
          await slot.writer!.discard();
          fail(slot, e, { Length: readLength, Sha256: readHash });
        }
      }),
  );
  return slots.map((s) => s.result!);
}

/** The error a handler throws after all folders were attempted, or null when none failed. */
export function failureOf(results: CopyResult[]): ResyncError | null {
  const failed = results.filter((r) => r.Status === 'Failed');
  if (failed.length === 0) return null;
  const ids = [...new Set(failed.map((r) => r.Error!.Id))];
  const id: ErrorId = ids.length === 1 ? ids[0]! : 'OperationFailed';
  const list = failed.map((r) => ({ Destination: r.Destination, Id: r.Error!.Id, Message: r.Error!.Message }));
  const message =
    failed.length === 1
      ? failed[0]!.Error!.Message
      : `${failed.length} of ${results.length} destinations failed: ${list.map((f) => `${f.Destination} (${f.Id})`).join(', ')}.`;
  return new ResyncError(id, message, { target: list.map((f) => f.Destination).join(', '), failed: list });
}
