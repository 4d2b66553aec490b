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

describe('DestinationWriter write-back ahead of the final flush', () => {
  type WithHandle = { fh: { datasync: () => Promise<void> } };
  const big = Buffer.alloc(32 * 1024 * 1024, 7);

  it('starts write-back once 32 MiB are written, and finish() still flushes and checks the copy', async () => {
    const dir = tempDir();
    const w = await DestinationWriter.open(await checkDestination(dir, 'RESYNC.GLB', big.length + 4, true));
    const fh = (w as unknown as WithHandle).fh;
    let calls = 0;
    const real = fh.datasync.bind(fh);
    fh.datasync = () => {
      calls++;
      return real();
    };
    await w.write(Buffer.from('abcd'), 4, 0);
    expect(calls).toBe(0);
    await w.write(big, big.length, 4);
    expect(calls).toBe(1);
    await w.finish(big.length + 4, big.length + 4);
    expect(await w.commit(new Date(), new MemoryReporter(), false)).toBeNull();
    expect(readdirSync(dir)).toEqual(['RESYNC.GLB']);
  });

  it('a write-back that fails during the copy fails finish(), naming the flush, and the copy is never committed', async () => {
    const dir = tempDir();
    const w = await DestinationWriter.open(await checkDestination(dir, 'RESYNC.GLB', big.length, true));
    (w as unknown as WithHandle).fh.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await w.write(big, big.length, 0);
    const err = await w.finish(big.length, big.length).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResyncError);
    expect((err as ResyncError).message).toMatch(/flushing .*RESYNC/);
    await w.discard();
    expect(readdirSync(dir)).toEqual([]);
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
    ['EBUSY', 'DestinationNotWritable'],
  ])('%s -> %s', (code, id) => {
    const r = destinationError(e(code), '/po/MAILDATA/GLB', 'writing');
    expect(r.id).toBe(id);
    expect(r.details.target).toBe('/po/MAILDATA/GLB');
    expect(r.message).toContain('/po/MAILDATA/GLB');
  });
  it('says a busy file is held by another process, and names the code once', () => {
    expect(destinationError(e('EBUSY'), '/d', 'renaming').message).toMatch(/another process has the file open \(EBUSY: injected\)/);
    expect(destinationError(e('EIO'), '/d', 'writing').message).toContain('failed (EIO: injected)');
    expect(destinationError(Object.assign(new Error('disk said no'), { code: 'EIO' }), '/d', 'writing').message).toContain('failed (EIO: disk said no)');
  });
  it('keeps a ResyncError as it is', () => {
    const orig = new ResyncError('HashMismatch', 'x');
    expect(destinationError(orig, '/d', 'w')).toBe(orig);
  });
});
