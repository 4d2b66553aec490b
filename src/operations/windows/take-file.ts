/**
 * Moving Resync.glb (or an older copy) out of Dxadata to this computer, verified:
 *
 * 1. Get-DssFileHash.ps1 hashes the file on the DSS side (denying writers while it reads; Busy
 *    when the DXA still holds it open for writing) and reports its length and time stamp.
 * 2. The bytes come over: Local and Rpc read the file directly from a path this computer can open
 *    (the local path, or the administrative share \\DSS\C$\...), streamed into a new file next to
 *    the destination; Remoting reads it on the DSS in base64 chunks (Read-DssFileChunk.ps1),
 *    which works with PowerShell 2.0 on the DSS. Either way the receiving side hashes what it
 *    wrote and compares it with the DSS side's hash and length: HashMismatch otherwise.
 * 3. The new file takes the destination name without overwriting anything.
 * 4. Remove-DssFile.ps1 deletes the source only if it still has the length, time stamp and hash
 *    that were copied (SourceChanged otherwise). If that delete fails, the verified copy is kept
 *    and the error says what is left to do by hand (domain.md: a Resync.glb left in Dxadata may
 *    be processed again, Q156124).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { ResyncError, isResyncError } from '../../shared/errors';
import type { DssScriptSession } from './session';
import { SCRIPTS } from './scripts';
import { adminSharePath } from './transport';
import { hashFile } from '../../shared/hash-file';
import { fileInUseError, retryWhileInUse } from '../in-use';
import { errnoCode } from '../../shared/errno';

export interface SourceHash {
  length: number;
  sha256: string;
  lastWriteTicks: string;
}

export interface TakeFileOptions {
  /** Bytes per Read-DssFileChunk.ps1 call (Remoting). */
  chunkBytes: number;
  /** How long the delete in Dxadata is retried while a reader holds the file (default IN_USE_RETRY_MS). */
  inUseRetryMs?: number;
  /** Where a warning goes (a temporary file that could not be removed). */
  warn?: (message: string) => void;
}


async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/** File-system calls placeWithoutOverwrite makes (a seam for tests of the failure paths). */
export const placeFs = { link, unlink, rename };

/**
 * Moves the finished temp file to `to` without overwriting: a hard link, else a checked rename.
 * Any link failure but EEXIST falls back to the rename: FAT32/exFAT output folders answer EISDIR
 * or EPERM, some shares ENOSYS, and none of those says anything about the copy. Once the link is
 * made, `to` is the placed file: a temporary name that a scanner keeps open (EPERM/EBUSY) is
 * removed with a few retries and, if it stays, left behind with a warning; it is never reported
 * as `to` already existing.
 */
export async function placeWithoutOverwrite(tmp: string, to: string, warn: (message: string) => void = () => undefined): Promise<void> {
  let linked = false;
  try {
    await placeFs.link(tmp, to);
    linked = true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') throw new ResyncError('InvalidPath', `${to} already exists; it was not overwritten.`, { target: to });
  }
  if (linked) {
    for (let i = 0; ; i += 1) {
      try {
        await placeFs.unlink(tmp);
        return;
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return;
        if (i >= 4) {
          warn(`${to} is in place, but its temporary name ${tmp} could not be removed (${errnoCode(e) ?? String(e)}); delete it by hand.`);
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * (i + 1)));
      }
    }
  }
  if (await exists(to)) throw new ResyncError('InvalidPath', `${to} already exists; it was not overwritten.`, { target: to });
  await placeFs.rename(tmp, to);
}

async function copyReachable(from: string, tmp: string): Promise<void> {
  const out = await open(tmp, 'wx');
  try {
    for await (const chunk of createReadStream(from) as AsyncIterable<Buffer>) {
      await out.write(chunk);
    }
    await out.sync();
  } finally {
    await out.close();
  }
}

async function copyByChunks(session: DssScriptSession, from: string, tmp: string, expected: number, chunkBytes: number): Promise<void> {
  const out = await open(tmp, 'wx');
  try {
    let offset = 0;
    for (;;) {
      const r = await session.run<{ bytes: number; eof: boolean; base64: string; length: number }>(SCRIPTS.readChunk, { path: from, offset, count: chunkBytes });
      const buf = Buffer.from(r.base64, 'base64');
      if (buf.length !== r.bytes) throw new ResyncError('IncompleteFile', `A chunk of ${from} arrived with ${buf.length} bytes instead of ${r.bytes}.`, { target: from });
      if (r.length !== expected) {
        throw new ResyncError('SourceChanged', `${from} changed length on the DSS while it was being copied (${expected} bytes, now ${r.length}); it was left in place.`, { target: from });
      }
      await out.write(buf);
      offset += buf.length;
      if (r.eof || buf.length === 0) break;
    }
    await out.sync();
  } finally {
    await out.close();
  }
}

export async function takeFile(session: DssScriptSession, from: string, localTo: string, opts: TakeFileOptions): Promise<{ length: number; sha256: string }> {
  const source = await session.run<SourceHash & { exists?: boolean }>(SCRIPTS.fileHash, { path: from });
  if (await exists(localTo)) throw new ResyncError('InvalidPath', `${localTo} already exists; it was not overwritten.`, { target: localTo });
  await mkdir(dirname(localTo), { recursive: true });
  const tmp = join(dirname(localTo), `.${basename(localTo)}.${randomBytes(6).toString('hex')}.partial`);
  let placed = false;
  try {
    if (session.transport === 'Remoting') {
      await copyByChunks(session, from, tmp, source.length, opts.chunkBytes);
    } else {
      const reachable = session.transport === 'Rpc' ? adminSharePath(session.computerName, from) : from;
      await copyReachable(reachable, tmp);
    }
    const received = await hashFile(tmp);
    if (received.length !== source.length || received.sha256 !== source.sha256.toUpperCase()) {
      throw new ResyncError(
        'HashMismatch',
        `${from} arrived as ${received.length} bytes with SHA-256 ${received.sha256}, but the DSS side read ${source.length} bytes with SHA-256 ${source.sha256}; the source was left in place.`,
        { target: from },
      );
    }
    await placeWithoutOverwrite(tmp, localTo, opts.warn);
    placed = true;
    try {
      // A reader (antivirus, indexer, backup agent, Explorer preview) makes the exclusive open fail
      // for a while: retried for a bounded time, then FileInUse with the copy kept (in-use.ts).
      let lastInUse: ResyncError | null = null;
      const wait = await retryWhileInUse(async () => {
        try {
          await session.run(SCRIPTS.removeFile, { path: from, length: source.length, lastWriteTicks: source.lastWriteTicks, sha256: source.sha256 });
          return true;
        } catch (e) {
          if (isResyncError(e) && e.id === 'FileInUse') {
            lastInUse = e;
            return false;
          }
          throw e;
        }
      }, opts.inUseRetryMs);
      if (!wait.done) throw fileInUseError(from, session.computerName, localTo, wait.waitedMs, (lastInUse as ResyncError | null)?.message);
    } catch (e) {
      if (isResyncError(e) && e.id === 'FileInUse' && e.details.copiedTo === localTo) throw e;
      const err = isResyncError(e) ? e : new ResyncError('OperationFailed', e instanceof Error ? e.message : String(e));
      const step = `Delete ${from} on ${session.computerName} by hand (a verified copy is at ${localTo}), so the DXA does not process it again (Q156124).`;
      const manualSteps = [...((err.details.manualSteps as string[] | undefined) ?? []), step];
      throw new ResyncError(err.id, `${err.message} The copy at ${localTo} is complete and verified; ${from} is still on the DSS. ${step}`, {
        ...err.details,
        target: from,
        copiedTo: localTo,
        manualSteps,
      });
    }
    return { length: received.length, sha256: received.sha256 };
  } finally {
    if (!placed) await rm(tmp, { force: true });
  }
}
