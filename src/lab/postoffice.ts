/**
 * A lab MS Mail requestor postoffice: its confirmed sync numbers and its address list, and what
 * `IMPORT -q` does there with a RESYNC.GLB in its GLB folder (docs/domain.md, "The MS Mail
 * requestor side"): the file is processed before other dirsync mail and replaces the address list
 * with its transactions, the postoffice's numbers are reset from the header (Q119449, Q96060), and
 * IMPORT deletes RESYNC.GLB once done (Q122750). A header below what the postoffice has confirmed
 * is refused with fatal error 14 (the lab's reading of Q215505).
 *
 * On disk, next to GLB: `<PO>/MAILDATA/postoffice.json` (numbers, last import) and
 * `<PO>/MAILDATA/addresses.tsv` (`PCM:NET/PO/MAILBOX<TAB>display name`, one per line).
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CONTRACT } from '../shared/contract';
import { ResyncError } from '../shared/errors';
import { readJson, writeJsonAtomic } from '../shared/atomic-file';
import { readLabGlb, readLabGlbAddresses } from './glb-format';
import { postofficeGlb } from './paths';
import type { LabSyncNumbers } from './types';

export interface PostofficeState {
  numbers: LabSyncNumbers;
  /** ISO time of the last successful import of a RESYNC.GLB; null before any. */
  lastImportUtc: string | null;
}

export function postofficeFiles(root: string, postoffice: string): { state: string; addresses: string; glb: string; resync: string } {
  const glb = postofficeGlb(root, postoffice);
  const maildata = dirname(glb);
  return {
    state: join(maildata, 'postoffice.json'),
    addresses: join(maildata, 'addresses.tsv'),
    glb,
    resync: join(glb, CONTRACT.requestorFileName),
  };
}

export async function writePostofficeState(root: string, postoffice: string, state: PostofficeState, addresses?: readonly string[]): Promise<void> {
  const f = postofficeFiles(root, postoffice);
  if (addresses) await writeFile(f.addresses, addresses.length ? `${addresses.join('\n')}\n` : '', 'utf8');
  await writeJsonAtomic(f.state, state);
}

export async function readPostofficeState(root: string, postoffice: string, fallback: LabSyncNumbers): Promise<PostofficeState> {
  const s = await readJson<PostofficeState>(postofficeFiles(root, postoffice).state).catch(() => null);
  return s && s.numbers ? s : { numbers: { ...fallback }, lastImportUtc: null };
}

/** The postoffice's address list, as `PCM:NET/PO/MAILBOX<TAB>display name` lines. */
export async function readPostofficeAddresses(root: string, postoffice: string): Promise<string[]> {
  try {
    return (await readFile(postofficeFiles(root, postoffice).addresses, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export interface ImportOutcome {
  postoffice: string;
  file: string;
  length: number;
  transactions: number;
  addresses: number;
  numbers: LabSyncNumbers;
  previous: LabSyncNumbers;
}

/** Plays `IMPORT admin -q` at one lab postoffice. Throws ImportFailed (with details.fatal) or SourceNotFound. */
export async function importAtPostoffice(root: string, postoffice: string, fallback: LabSyncNumbers): Promise<ImportOutcome> {
  const f = postofficeFiles(root, postoffice);
  try {
    await stat(f.resync);
  } catch {
    throw new ResyncError('SourceNotFound', `IMPORT at ${postoffice}: there is no ${CONTRACT.requestorFileName} in ${f.glb}; copy one there first (resync-glb copy).`, {
      target: f.resync,
    });
  }
  const info = await readLabGlb(f.resync);
  if (info.format !== 'Lab' || !info.complete) {
    const why = info.format === 'Lab' ? info.problem : info.reason;
    // A real IMPORT can hang on a corrupt file (Q122689); the lab refuses it and leaves it in place.
    throw new ResyncError('ImportFailed', `IMPORT at ${postoffice}: ${CONTRACT.requestorFileName} is not whole (${why}); nothing was imported and the file was left in ${f.glb}.`, {
      target: f.resync,
      problem: why,
    });
  }
  const state = await readPostofficeState(root, postoffice, fallback);
  const header: LabSyncNumbers = { impSeq: info.impSeq, reqSeq: info.reqSeq, srvSeq: info.srvSeq };
  const behind = (['impSeq', 'reqSeq', 'srvSeq'] as const).filter((k) => header[k] < state.numbers[k]);
  if (behind.length) {
    throw new ResyncError(
      'ImportFailed',
      `IMPORT at ${postoffice}: Fatal error 14: "Error processing Resync.glb". Its header (IMPSEQ ${header.impSeq}, REQSEQ ${header.reqSeq}, SRVSEQ ${header.srvSeq}) is below what this postoffice has confirmed (IMPSEQ ${state.numbers.impSeq}, REQSEQ ${state.numbers.reqSeq}, SRVSEQ ${state.numbers.srvSeq}): the numbers came from the named requestors only. Set GlobalMaxSeqInResync to 1 on the DSS for the generation (New-ResyncGlb -GlobalMaxSeq, resync-glb new --global-max-seq; Q215505) and make the file again. The file was left in ${f.glb}.`,
      { target: f.resync, fatal: 14, header, confirmed: state.numbers, behind: [...behind] },
    );
  }
  const addresses = await readLabGlbAddresses(f.resync);
  await writePostofficeState(root, postoffice, { numbers: header, lastImportUtc: new Date().toISOString() }, addresses.map((a) => `${a.address}\t${a.displayName}`));
  // IMPORT deletes RESYNC.GLB after a successful import (Q122750).
  await rm(f.resync, { force: true });
  return { postoffice, file: f.resync, length: info.length, transactions: info.transactions, addresses: addresses.length, numbers: header, previous: state.numbers };
}
