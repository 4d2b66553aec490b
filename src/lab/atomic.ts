/**
 * Atomic JSON files for the lab: written to a unique temp file beside the target, flushed, then
 * renamed over it, so a reader in another process sees either the old or the new file, never a
 * torn one.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let ok = false;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    ok = true;
  } finally {
    if (!ok) await rm(tmp, { force: true });
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file; null when it does not exist. */
export async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return JSON.parse(text) as T;
}
