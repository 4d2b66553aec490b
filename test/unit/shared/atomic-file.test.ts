import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileExclusive, isSharingViolation, readJson, readTextFile, removeFile, retrySharing, writeFileAtomic } from '../../../src/shared/atomic-file';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'atomic-file-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('writeFileAtomic', () => {
  it('replaces the file whole, creates its folder, and leaves no temporary file', async () => {
    const d = dir();
    const f = join(d, 'sub', 'state.json');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(join(d, 'sub'))).toEqual(['state.json']);
  });

  it('replaces a file a reader holds open (POSIX allows it; on Windows the rename is retried)', async () => {
    const f = join(dir(), 'held.json');
    writeFileSync(f, 'old');
    const reader = await open(f, 'r');
    try {
      await writeFileAtomic(f, 'new');
    } finally {
      await reader.close();
    }
    expect(readFileSync(f, 'utf8')).toBe('new');
  });
});

describe('retrySharing', () => {
  it('retries EPERM, EACCES and EBUSY on Windows until the operation succeeds', async () => {
    const codes = ['EPERM', 'EACCES', 'EBUSY'];
    let calls = 0;
    const r = await retrySharing(
      async () => {
        if (calls < codes.length) throw errno(codes[calls++]!);
        calls += 1;
        return 'done';
      },
      5_000,
      'win32',
    );
    expect(r).toBe('done');
    expect(calls).toBe(4);
  });

  it('gives up with the last error once its budget is spent', async () => {
    let calls = 0;
    await expect(
      retrySharing(
        async () => {
          calls += 1;
          throw errno('EBUSY');
        },
        50,
        'win32',
      ),
    ).rejects.toMatchObject({ code: 'EBUSY' });
    expect(calls).toBeGreaterThan(1);
  });

  it('never retries on POSIX, where EPERM and EACCES are real permission errors', async () => {
    let calls = 0;
    await expect(
      retrySharing(
        async () => {
          calls += 1;
          throw errno('EPERM');
        },
        5_000,
        'linux',
      ),
    ).rejects.toMatchObject({ code: 'EPERM' });
    expect(calls).toBe(1);
  });

  it('takes only the sharing codes, and only on win32, for a sharing violation', () => {
    expect(isSharingViolation(errno('EBUSY'), 'win32')).toBe(true);
    expect(isSharingViolation(errno('ENOENT'), 'win32')).toBe(false);
    expect(isSharingViolation(errno('EBUSY'), 'linux')).toBe(false);
    expect(isSharingViolation(new Error('plain'), 'win32')).toBe(false);
  });
});

describe('createFileExclusive', () => {
  it('creates the file whole once, and reports a taken name without touching it', async () => {
    const f = join(dir(), 'run.lock');
    expect(await createFileExclusive(f, 'first')).toBe(true);
    expect(await createFileExclusive(f, 'second')).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('first');
    expect(readdirSync(join(f, '..'))).toEqual(['run.lock']);
  });
});

describe('removeFile', () => {
  it('frees the name at once even while a reader holds the file, and says whether there was one', async () => {
    const f = join(dir(), 'run.lock');
    writeFileSync(f, 'held');
    const reader = await open(f, 'r');
    try {
      expect(await removeFile(f)).toBe(true);
      expect(await createFileExclusive(f, 'next')).toBe(true);
      expect((await reader.readFile('utf8'))).toBe('held');
    } finally {
      await reader.close();
    }
    expect(readFileSync(f, 'utf8')).toBe('next');
    expect(await removeFile(join(f, '..', 'absent'))).toBe(false);
  });
});

describe('readTextFile / readJson', () => {
  it('return null for a missing file and the content otherwise', async () => {
    const d = dir();
    expect(await readTextFile(join(d, 'none'))).toBeNull();
    writeFileSync(join(d, 'a.json'), '{"a":1}');
    expect(await readJson<{ a: number }>(join(d, 'a.json'))).toEqual({ a: 1 });
  });
});
