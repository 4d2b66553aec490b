// ZIP archives through yazl. The same entries always give the same bytes: entries keep their order,
// every time comes from the caller, and an entry is deflated only when that makes it smaller (so an
// incompressible file is stored, as Info-ZIP's zip does).
import { deflateRawSync } from 'node:zlib';
import { ZipFile } from 'yazl';
import { PackageError } from './errors';

export interface ZipInput {
  /** The entry's name: '/'-separated, relative. */
  name: string;
  data: Buffer;
  mtime: Date;
  /** Permission bits (0o644, 0o755); the entry is marked a regular file. */
  mode: number;
}

const LEVEL = 9;
const REGULAR_FILE = 0o100000;

export async function buildZip(entries: readonly ZipInput[]): Promise<Buffer> {
  // Two names that differ only in case are one file once unpacked on Windows.
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.name.toLowerCase();
    if (seen.has(key)) throw new PackageError(`two entries named ${e.name}`);
    seen.add(key);
  }
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.on('error', reject);
    zip.outputStream.on('error', reject);
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const e of entries) {
    const deflates = e.data.length > 0 && deflateRawSync(e.data, { level: LEVEL }).length < e.data.length;
    zip.addBuffer(e.data, e.name, { mtime: e.mtime, mode: REGULAR_FILE | (e.mode & 0o777), compressionLevel: deflates ? LEVEL : 0 });
  }
  zip.end();
  return done;
}
