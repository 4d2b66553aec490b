import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { checkDestination, DestinationWriter } from '../../src/copy/destination';
import { destinationError } from '../../src/copy/fs-errors';
import { MemoryReporter } from '../../src/shared/reporter';
import { ResyncError } from '../../src/shared/errors';
import { cleanupDirs, tempDir } from '../support/copy-support';

afterEach(cleanupDirs);

describe('DestinationWriter', () => {
  it('finish() flushes and refuses a copy whose length differs from what was read (HashMismatch), discard() removes it', async () => {
    const dir = tempDir();
    const w = await DestinationWriter.open(await checkDestination(dir, 'RESYNC.GLB', 10, true));
    const data = Buffer.from('0123456789');
    await w.write(data, 10, 0);
    expect(readdirSync(dir)).toHaveLength(1);
    const err = await w.finish(11, 10).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResyncError);
    expect((err as ResyncError).id).toBe('HashMismatch');
    expect((err as ResyncError).message).toMatch(/11 bytes were read and hashed, 10 written, and the file holds 10/);
    await w.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a matching copy passes finish() and commit() renames it into place', async () => {
    const dir = tempDir();
    const w = await DestinationWriter.open(await checkDestination(dir, 'RESYNC.GLB', 4, true));
    await w.write(Buffer.from('abcd'), 4, 0);
    await w.finish(4, 4);
    expect(await w.commit(new Date(), new MemoryReporter(), false)).toBeNull();
    expect(readdirSync(dir)).toEqual(['RESYNC.GLB']);
  });
});

describe('destinationError', () => {
  const e = (code: string) => Object.assign(new Error(`${code}: injected`), { code });
  it.each([
    ['ENOSPC', 'DiskFull'],
    ['EDQUOT', 'DiskFull'],
    ['EACCES', 'DestinationNotWritable'],
    ['EPERM', 'DestinationNotWritable'],
    ['EROFS', 'DestinationNotWritable'],
    ['ENOENT', 'DestinationNotFound'],
    ['ENOTDIR', 'InvalidPath'],
    ['EIO', 'DestinationNotWritable'],
  ])('%s -> %s', (code, id) => {
    const r = destinationError(e(code), '/po/MAILDATA/GLB', 'writing');
    expect(r.id).toBe(id);
    expect(r.details.target).toBe('/po/MAILDATA/GLB');
    expect(r.message).toContain('/po/MAILDATA/GLB');
  });
  it('keeps a ResyncError as it is', () => {
    const orig = new ResyncError('HashMismatch', 'x');
    expect(destinationError(orig, '/d', 'w')).toBe(orig);
  });
});
