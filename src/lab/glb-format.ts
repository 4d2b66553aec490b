/**
 * The lab's OWN synthetic Resync.glb layout (docs/lab-glb-format.md). The real file's binary
 * layout is not public (docs/domain.md, "The Resync.glb format"); this one only borrows what docs/domain.md
 * says the real one carries: a header transaction with IMPSEQ, REQSEQ and SRVSEQ (Q119449), then
 * transactions each with a checksum, a date stamp, a sync number and an Import-format body such as
 * `A<display name>\tPCM:NETWORK/PO/mailbox`, with an `R` postoffice line first (Q96060). A lab-only
 * trailer records the count so the lab's own files can be checked complete.
 *
 * Record: checksum u16 LE | date stamp u32 LE (Unix seconds) | sync number u32 LE | kind u8 |
 * body length u16 LE | body. The checksum covers every byte after itself.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

export const LAB_MAGIC = 'RESYNC.GLB LAB/1';
const MAGIC_BYTES = Buffer.from(LAB_MAGIC, 'ascii');
const TRAILER_MAGIC = Buffer.from('LAB END!', 'ascii');
const RECORD_HEAD = 13;
const KIND_HEADER = 0x48; // 'H'
const KIND_TRAILER = 0x5a; // 'Z'
const KIND_POSTOFFICE = 0x52; // 'R'
const KIND_ADDRESS = 0x41; // 'A'

export interface GlbHeaderNumbers {
  impSeq: number;
  reqSeq: number;
  srvSeq: number;
}

export interface GlbPostoffice {
  network: string;
  postoffice: string;
  addresses: Array<{ mailbox: string; displayName: string }>;
}

export function checksum(buf: Buffer, start: number, end: number): number {
  let a = 0;
  let b = 0;
  for (let i = start; i < end; i += 1) {
    a = (a + (buf[i] as number)) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a; // Fletcher-16
}

function record(kind: number, stamp: number, sync: number, body: Buffer): Buffer {
  if (body.length > 0xffff) throw new Error('lab GLB record body too long');
  const buf = Buffer.allocUnsafe(RECORD_HEAD + body.length);
  buf.writeUInt32LE(stamp >>> 0, 2);
  buf.writeUInt32LE(sync >>> 0, 6);
  buf.writeUInt8(kind, 10);
  buf.writeUInt16LE(body.length, 11);
  body.copy(buf, RECORD_HEAD);
  buf.writeUInt16LE(checksum(buf, 2, buf.length), 0);
  return buf;
}

/** Builds a complete lab Resync.glb in memory (100,000 addresses is about 6 MB). */
export function buildLabGlb(header: GlbHeaderNumbers, postoffices: readonly GlbPostoffice[], date: Date = new Date()): Buffer {
  const stamp = Math.floor(date.getTime() / 1000);
  const count = postoffices.reduce((n, p) => n + 1 + p.addresses.length, 0);
  const headBody = Buffer.alloc(MAGIC_BYTES.length + 16);
  MAGIC_BYTES.copy(headBody, 0);
  headBody.writeUInt32LE(header.impSeq >>> 0, 16);
  headBody.writeUInt32LE(header.reqSeq >>> 0, 20);
  headBody.writeUInt32LE(header.srvSeq >>> 0, 24);
  headBody.writeUInt32LE(count, 28);
  const parts: Buffer[] = [record(KIND_HEADER, stamp, header.srvSeq, headBody)];
  let sync = header.srvSeq;
  for (const po of postoffices) {
    const poAddr = `PCM:${po.network}/${po.postoffice}`;
    sync += 1;
    parts.push(record(KIND_POSTOFFICE, stamp, sync, Buffer.from(`R${poAddr}`, 'utf8')));
    for (const a of po.addresses) {
      sync += 1;
      parts.push(record(KIND_ADDRESS, stamp, sync, Buffer.from(`A${a.displayName}\t${poAddr}/${a.mailbox}`, 'utf8')));
    }
  }
  const body = Buffer.concat(parts);
  const trailerBody = Buffer.alloc(TRAILER_MAGIC.length + 8);
  TRAILER_MAGIC.copy(trailerBody, 0);
  trailerBody.writeUInt32LE(count, 8);
  trailerBody.writeUInt32LE(body.length, 12);
  return Buffer.concat([body, record(KIND_TRAILER, stamp, sync, trailerBody)]);
}

export type LabGlbReadResult =
  | {
      format: 'Lab';
      /** True only when every record checks, the trailer is there and the counts agree. */
      complete: boolean;
      /** Why the file is not complete (absent when complete). */
      problem?: string;
      impSeq: number;
      reqSeq: number;
      srvSeq: number;
      /** Transactions the header announces (excluding header and trailer). */
      declaredTransactions: number;
      /** Valid transactions found (excluding header and trailer). */
      transactions: number;
      /** Transactions (the `R` line and each `A` address) per postoffice name. */
      byPostoffice: Record<string, number>;
      length: number;
    }
  | { format: 'Unknown'; reason: string; length: number };

function postofficeOf(body: string): string | null {
  const at = body.indexOf('PCM:');
  if (at < 0) return null;
  const parts = body.slice(at + 4).split('/');
  return parts[1] ?? null;
}

/** Reads a file as the lab's layout, streaming (constant memory). Never throws for bad content. */
export async function readLabGlb(path: string): Promise<LabGlbReadResult> {
  const fh = await open(path, 'r');
  let length: number;
  const first = Buffer.alloc(RECORD_HEAD + MAGIC_BYTES.length + 16);
  let got: number;
  try {
    length = (await fh.stat()).size;
    got = (await fh.read(first, 0, first.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  if (got < RECORD_HEAD + MAGIC_BYTES.length || first[10] !== KIND_HEADER || !first.subarray(RECORD_HEAD, RECORD_HEAD + MAGIC_BYTES.length).equals(MAGIC_BYTES)) {
    return { format: 'Unknown', reason: 'not a lab file: the lab header transaction is not at the start', length };
  }
  let impSeq = 0;
  let reqSeq = 0;
  let srvSeq = 0;
  let declared = 0;
  let transactions = 0;
  const byPostoffice: Record<string, number> = {};
  let problem: string | undefined;
  let trailerSeen = false;
  let offset = 0;
  let pending: Buffer = Buffer.alloc(0);
  let recordIndex = 0;

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let pos = 0;
      while (pending.length - pos >= RECORD_HEAD) {
        const bodyLen = pending.readUInt16LE(pos + 11);
        const end = pos + RECORD_HEAD + bodyLen;
        if (end > pending.length) break;
        if (trailerSeen) {
          problem = `bytes follow the trailer at offset ${offset}`;
          break outer;
        }
        if (checksum(pending, pos + 2, end) !== pending.readUInt16LE(pos)) {
          problem = `record ${recordIndex} at offset ${offset} fails its checksum`;
          break outer;
        }
        const kind = pending[pos + 10];
        const body = pending.subarray(pos + RECORD_HEAD, end);
        if (recordIndex === 0) {
          impSeq = body.readUInt32LE(16);
          reqSeq = body.readUInt32LE(20);
          srvSeq = body.readUInt32LE(24);
          declared = body.readUInt32LE(28);
        } else if (kind === KIND_TRAILER) {
          trailerSeen = true;
          const tCount = body.readUInt32LE(8);
          const tBytes = body.readUInt32LE(12);
          if (!body.subarray(0, 8).equals(TRAILER_MAGIC) || tCount !== transactions || tBytes !== offset) {
            problem = `the trailer does not match the file (says ${tCount} transactions in ${tBytes} bytes; found ${transactions} in ${offset})`;
            break outer;
          }
        } else if (kind === KIND_POSTOFFICE || kind === KIND_ADDRESS) {
          transactions += 1;
          const po = postofficeOf(body.toString('utf8'));
          if (po !== null) byPostoffice[po] = (byPostoffice[po] ?? 0) + 1;
        } else {
          problem = `record ${recordIndex} at offset ${offset} has an unknown kind 0x${(kind ?? 0).toString(16)}`;
          break outer;
        }
        offset += end - pos;
        pos = end;
        recordIndex += 1;
      }
      pending = pending.subarray(pos);
    }
  } finally {
    stream.destroy();
  }
  if (!problem && pending.length > 0) problem = `the file ends inside a record at offset ${offset} (truncated)`;
  if (!problem && !trailerSeen) problem = `no trailer: the file ends after ${transactions} of ${declared} transactions (truncated)`;
  if (!problem && declared !== transactions) problem = `the header announces ${declared} transactions; ${transactions} found`;
  const complete = problem === undefined;
  return {
    format: 'Lab',
    complete,
    ...(complete ? {} : { problem }),
    impSeq,
    reqSeq,
    srvSeq,
    declaredTransactions: declared,
    transactions,
    byPostoffice,
    length,
  };
}

/**
 * The address transactions of a complete lab file, in order: `PCM:NET/PO/MAILBOX` and display name
 * (what a lab IMPORT puts into the postoffice's address list). Reads the whole file; call
 * readLabGlb first to know it is complete.
 */
export async function readLabGlbAddresses(path: string): Promise<Array<{ address: string; displayName: string }>> {
  const buf = await readFile(path);
  const out: Array<{ address: string; displayName: string }> = [];
  let pos = 0;
  while (buf.length - pos >= RECORD_HEAD) {
    const end = pos + RECORD_HEAD + buf.readUInt16LE(pos + 11);
    if (end > buf.length) break;
    if (buf[pos + 10] === KIND_ADDRESS) {
      const body = buf.subarray(pos + RECORD_HEAD, end).toString('utf8').slice(1);
      const tab = body.indexOf('\t');
      out.push({ displayName: body.slice(0, tab), address: body.slice(tab + 1) });
    }
    pos = end;
  }
  return out;
}
