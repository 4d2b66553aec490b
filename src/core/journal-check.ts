/**
 * A run lock's journal is data from a file anyone with access to the lock folder could write, so
 * before a rollback acts on it its paths are checked: the file it may move must be Resync.glb in the
 * DSS's own Dxadata (as the DSS resolves it now, domain.md, Q185504/Q147374), and the folder it moves
 * files to must be an absolute path on this machine that is not a file and not Dxadata itself (the
 * rollback only creates new names there; it never replaces anything).
 * The journal is first checked whole, every field for its type (run-state.ts).
 * Anything else is refused with JournalRejected and nothing is touched.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { DssOperations } from '../operations/operations';
import { CONTRACT } from '../shared/contract';
import { ResyncError } from '../shared/errors';
import { runStateProblem, type RunState } from './run-state';

/** A path from the journal as Windows or POSIX writes it, in quotes; only control characters are escaped. */
function quoted(path: string): string {
  return `"${path.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}"`;
}

/**
 * A path as the file system resolves it, for comparison: normalised, without the `\\?\` prefix, without a
 * trailing separator (Windows and POSIX both ignore one), and without case on Windows.
 */
function canonical(ops: DssOperations, p: string): string {
  let n = ops.path.normalize(p);
  if (ops.path.sep === '\\') n = n.replace(/^\\\\\?\\(?!UNC\\)/i, '').replace(/^\\\\\?\\UNC\\/i, '\\\\');
  while (n.length > 1 && n.endsWith(ops.path.sep) && !/^[A-Za-z]:\\$/.test(n)) n = n.slice(0, -1);
  return ops.path.sep === '\\' ? n.toLowerCase() : n;
}

function same(ops: DssOperations, a: string, b: string): boolean {
  return canonical(ops, a) === canonical(ops, b);
}

export async function checkJournal(ops: DssOperations, state: RunState, lockWhere: string): Promise<void> {
  const reject = (what: string): never => {
    throw new ResyncError(
      'JournalRejected',
      `The journal of run ${String(state.runId)} in ${lockWhere} ${what}; it was not acted on and nothing was moved. If that run really died mid-way, finish its cleanup by hand (remove ResyncConnectionRDNs, start ${CONTRACT.service.name}, move Resync.glb out of Dxadata); the lock was cleared so the DSS can be used again.`,
      { target: lockWhere, journal: state },
    );
  };
  const problem = runStateProblem(state);
  if (problem) reject(problem);
  if (typeof state.outputFolder !== 'string' || state.outputFolder === '' || state.outputFolder.includes('\0')) reject('has no usable output folder');
  if (state.filePath !== null || state.dxadata !== null) {
    let dxadata: string;
    try {
      dxadata = (await ops.resolveDxadata()).path;
    } catch (e) {
      return reject(`names files in Dxadata, and Dxadata cannot be found on ${ops.computerName} to check them (${e instanceof Error ? e.message : String(e)})`);
    }
    const expected = ops.path.join(dxadata, CONTRACT.resyncFileName);
    if (state.filePath !== null && !same(ops, state.filePath, expected)) reject(`names ${quoted(state.filePath)}, which is not ${expected}`);
    if (state.dxadata !== null && !same(ops, state.dxadata, dxadata)) reject(`names ${quoted(state.dxadata)} as Dxadata, which is ${dxadata}`);
    if (ops.target === 'lab' && same(ops, state.outputFolder, dxadata)) reject('names Dxadata as its output folder');
  }
  if (!isAbsolute(state.outputFolder)) reject(`names ${quoted(state.outputFolder)} as its output folder, which is not an absolute path`);
  const st = await stat(state.outputFolder).catch(() => null);
  if (st && !st.isDirectory()) reject(`names ${quoted(state.outputFolder)} as its output folder, which is a file`);
}
