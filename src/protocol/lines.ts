/**
 * Lines from the protocol's stdin with the size limit enforced while reading: a request line longer
 * than its limit is refused as soon as the limit is passed (never buffered whole), and a control line
 * longer than its limit is skipped without being kept. Lines end at LF; a CR before it is dropped.
 */
import type { Readable } from 'node:stream';
import { ResyncError } from '../shared/errors';

export async function* boundedLines(input: Readable, firstMax: number, laterMax: number): AsyncGenerator<string, void, undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let first = true;
  let skipping = false;
  const take = (): string => {
    let buf = Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    return buf.toString('utf8');
  };
  for await (const chunk of input) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    while (data.length > 0) {
      const nl = data.indexOf(0x0a);
      const piece = nl === -1 ? data : data.subarray(0, nl);
      const max = first ? firstMax : laterMax;
      if (!skipping) {
        if (size + piece.length > max + 1) {
          if (first) throw new ResyncError('ProtocolError', `The request is larger than ${firstMax} bytes.`);
          skipping = true;
          parts = [];
          size = 0;
        } else {
          parts.push(piece);
          size += piece.length;
        }
      }
      if (nl === -1) break;
      data = data.subarray(nl + 1);
      if (skipping) {
        skipping = false;
      } else {
        const line = take();
        if (first && Buffer.byteLength(line, 'utf8') > firstMax) throw new ResyncError('ProtocolError', `The request is larger than ${firstMax} bytes.`);
        first = false;
        yield line;
      }
      first = false;
    }
  }
  if (!skipping && size > 0) yield take();
}
