/**
 * The output folder receives Resync.glb (and, on failure, the partial or generated file): a full
 * volume there would leave the file in Dxadata and the rollback incomplete, so preflight checks its
 * free space as it does Dxadata's (InsufficientSpace, nothing changed).
 */
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ResyncError } from '../shared/errors';
import { errnoCode } from '../shared/errno';

/** Free bytes of the volume that holds `folder` (or its nearest existing parent); null if unknown. */
export async function freeBytesFor(folder: string): Promise<number | null> {
  let dir = resolve(folder);
  for (;;) {
    try {
      const fs = await statfs(dir);
      return Number(fs.bavail) * Number(fs.bsize);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') return null;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export async function checkOutputSpace(folder: string, minFree: number): Promise<void> {
  const free = await freeBytesFor(folder);
  if (free !== null && free < minFree) {
    throw new ResyncError(
      'InsufficientSpace',
      `The volume holding the output folder ${folder} has ${Math.floor(free / 1048576)} MiB free; at least ${Math.ceil(minFree / 1048576)} MiB is required for Resync.glb. Nothing was changed.`,
      { target: folder, freeBytes: free },
    );
  }
}
