/** SHA-256 of a local file as uppercase hex (as Get-FileHash prints it), with its length; streamed. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function hashFile(p: string): Promise<{ length: number; sha256: string }> {
  const h = createHash('sha256');
  let length = 0;
  for await (const chunk of createReadStream(p) as AsyncIterable<Buffer>) {
    h.update(chunk);
    length += chunk.length;
  }
  return { length, sha256: h.digest('hex').toUpperCase() };
}
