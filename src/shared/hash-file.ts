/** SHA-256 of a local file as uppercase hex (as Get-FileHash prints it), with its length; streamed. */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

// Read in 1 MiB pieces into one reused buffer: a Resync.glb of a few MiB is hashed in a handful of
// reads (a read stream's 64 KiB pieces cost an event-loop turn each; the file's move out of Dxadata
// is on the path from the DXA's close to the run's end, bench B2).
const CHUNK = 1024 * 1024;

export async function hashFile(p: string): Promise<{ length: number; sha256: string }> {
  const h = createHash('sha256');
  let length = 0;
  const fh = await open(p, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size || CHUNK)));
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, length);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      length += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { length, sha256: h.digest('hex').toUpperCase() };
}
