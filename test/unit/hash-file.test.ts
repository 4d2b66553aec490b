import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from '../../src/shared/hash-file';

describe('hashFile', () => {
  it('gives the length and the uppercase SHA-256 of empty, small, exactly-1-MiB and multi-piece files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hash-file-'));
    try {
      for (const size of [0, 1, 65_537, 1024 * 1024, 3 * 1024 * 1024 + 7]) {
        const data = randomBytes(size);
        const p = join(dir, `f${size}`);
        writeFileSync(p, data);
        expect(await hashFile(p)).toEqual({ length: size, sha256: createHash('sha256').update(data).digest('hex').toUpperCase() });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
