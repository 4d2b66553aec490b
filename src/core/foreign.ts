/**
 * A Resync.glb in Dxadata that is not this run's generation (one that appeared after preflight, or
 * during the wait) is never reported; it is moved out of Dxadata, so no restart processes it
 * (domain.md, Q156124), and named in a warning. Names: Resync-<host>-<stamp>.foreign-<n>.glb.
 */
import { join } from 'node:path';
import type { DssOperations, FileInfo } from '../operations/operations';
import { CONTRACT } from '../shared/contract';
import type { Reporter } from '../shared/reporter';
import { runFileName } from '../shared/file-names';
import { settleBeforeStop } from './settle';
import { ResyncError } from '../shared/errors';
import { isForeignFile } from './wait-for-file';
import { Wake } from './wake';

export function foreignFileMover(
  ops: DssOperations,
  outputFolder: string,
  stamp: string,
  reporter: Reporter,
  settleTimeoutMs: number,
): (file: FileInfo, why: string) => Promise<string | null> {
  let n = 0;
  return async (file, why) => {
    // Never take a file someone is still writing (Q193395 for the DXA; any writer for others).
    await settleBeforeStop(ops, file.path, settleTimeoutMs);
    n += 1;
    const to = join(outputFolder, runFileName(ops.computerName, stamp, `foreign-${n}`));
    let moved: { length: number; sha256: string };
    try {
      moved = await ops.takeFile(file.path, to);
    } catch (e) {
      if (!(e instanceof ResyncError && e.id === 'SourceNotFound')) throw e;
      reporter.warning(`A ${CONTRACT.resyncFileName} that is not this run's generation (${why}, ${file.length} bytes) was removed from Dxadata by someone else (the DXA imports one it finds at start, Q156124) before it could be moved aside.`);
      return null;
    }
    reporter.warning(
      `A ${CONTRACT.resyncFileName} that is not this run's generation (${why}; ${moved.length} bytes, SHA-256 ${moved.sha256}) was moved out of Dxadata to ${to}; it is not the result.`,
    );
    return to;
  };
}

/**
 * While `during` runs (the service start), moves aside any Resync.glb the starting service is not
 * generating. Only where the DSS keeps its own account of the generation (the lab): elsewhere a
 * file seen during the start cannot be told from the DXA's own, and the wait's rule (the value must
 * be gone) keeps it from being reported.
 */
export async function guardWhile<T>(
  during: Promise<T>,
  ops: DssOperations,
  filePath: string,
  dxadata: string,
  moveAside: (file: FileInfo, why: string) => Promise<string | null>,
): Promise<T> {
  if (!ops.generationStatus) return during;
  const wake = new Wake();
  const watcher = ops.watch(dxadata, wake.notify);
  let finished = false;
  const done = during.finally(() => {
    finished = true;
    wake.notify();
  });
  done.catch(() => undefined);
  try {
    while (!finished) {
      const [file, gen, svc] = await Promise.all([ops.statFile(filePath), ops.generationStatus(), ops.getService()]);
      if (file && isForeignFile(file, svc?.status ?? 'Stopped', gen)) {
        await moveAside(file, 'it appeared in Dxadata while the service was starting');
        continue;
      }
      await wake.next(100);
    }
  } finally {
    watcher.close();
  }
  return done;
}
