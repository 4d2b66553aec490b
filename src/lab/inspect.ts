/**
 * `inspect`: what can honestly be said about a Resync.glb (or any file): length, SHA-256 and
 * timestamps; for files in the lab's own layout (docs/lab-glb-format.md) also the header sync
 * numbers, whether it is complete and the transactions per postoffice. The real Resync.glb layout
 * is not public (docs/domain.md, "The Resync.glb format"), so nothing more is claimed for other files.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ResyncError } from '../shared/errors';
import { hashFile } from '../shared/hash-file';
import { readLabGlb } from './glb-format';
import { errnoCode } from '../shared/errno';

const NOT_PUBLIC =
  'The real Resync.glb layout is not publicly documented (docs/domain.md: binary, a header transaction with IMPSEQ, REQSEQ and SRVSEQ, then dirsync transactions; Q119449, Q96060), so only length, hash and timestamps are reported.';

function noteFor(path: string, length: number): string {
  const name = basename(path).toUpperCase();
  const parts = ['Not a file in the lab\'s layout.', NOT_PUBLIC];
  if (length === 0) parts.push('The file is empty.');
  // docs/domain.md (Q133428): a REQTRANS.GLB holding only the last confirmed number is 49 bytes.
  if (name === 'REQTRANS.GLB' && length === 49) parts.push('A 49-byte REQTRANS.GLB holds only the last confirmed sync number (Q133428).');
  return parts.join(' ');
}

export async function inspectFile(path: string, expectedSha256?: string): Promise<Record<string, unknown>> {
  const full = resolve(path);
  let st;
  try {
    st = await stat(full);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new ResyncError('SourceNotFound', `${full} does not exist.`, { target: full });
    throw e;
  }
  if (!st.isFile()) throw new ResyncError('InvalidPath', `${full} is not a file.`, { target: full });
  const { length, sha256 } = await hashFile(full);
  const lab = await readLabGlb(full);
  const out: Record<string, unknown> = {
    Path: full,
    Length: length,
    Sha256: sha256,
    LastWriteTimeUtc: st.mtime.toISOString(),
    CreationTimeUtc: st.birthtimeMs > 0 ? st.birthtime.toISOString() : null,
    Format: lab.format,
  };
  if (lab.format === 'Lab') {
    Object.assign(out, {
      Complete: lab.complete,
      ImpSeq: lab.impSeq,
      ReqSeq: lab.reqSeq,
      SrvSeq: lab.srvSeq,
      Transactions: lab.transactions,
      TransactionsByPostoffice: lab.byPostoffice,
      Note: lab.complete
        ? `A complete file in the lab's own synthetic layout (${lab.declaredTransactions} transactions announced, all present).`
        : `A file in the lab's own synthetic layout that is NOT complete: ${lab.problem}.`,
    });
  } else {
    Object.assign(out, {
      Complete: null,
      ImpSeq: null,
      ReqSeq: null,
      SrvSeq: null,
      Transactions: null,
      TransactionsByPostoffice: null,
      Note: noteFor(full, length),
    });
  }
  if (expectedSha256 !== undefined) out.HashMatches = sha256 === expectedSha256.toUpperCase();
  return out;
}
