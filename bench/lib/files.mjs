// Big test files under os.tmpdir(): made fast (a random MiB, each copy stamped with its index so
// no two MiB are equal), removed afterwards.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

export function scratchDir(tag) {
  return mkdtempSync(join(tmpdir(), `resync-bench-${tag}-`));
}

/** Writes a file of `bytes` pseudo-random bytes and flushes it. */
export function makeFile(path, bytes) {
  const block = randomBytes(MiB);
  const fd = openSync(path, 'w');
  try {
    for (let off = 0, i = 0; off < bytes; off += MiB, i++) {
      block.writeUInt32LE(i, 0);
      const n = Math.min(MiB, bytes - off);
      writeSync(fd, block, 0, n, off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** `count` empty folders named d01.. under `parent`. */
export function makeFolders(parent, count) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    const d = join(parent, `d${String(i).padStart(2, '0')}`);
    mkdirSync(d, { recursive: true });
    out.push(d);
  }
  return out;
}

/** Removes every file inside the folders (between repetitions). */
export function emptyFolders(folders) {
  for (const d of folders) for (const f of readdirSync(d)) rmSync(join(d, f), { recursive: true, force: true });
}
