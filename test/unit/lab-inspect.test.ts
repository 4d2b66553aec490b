import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLabGlb } from '../../src/lab/glb-format';
import { inspectHandler } from '../../src/handlers/inspect';
import { MemoryReporter } from '../../src/shared/reporter';

// Real files with fsync on a busy shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'resync-inspect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inspect(params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  await inspectHandler(params, {
    reporter: new MemoryReporter(),
    signal: new AbortController().signal,
    emitResult: (type, data) => {
      expect(type).toBe('ResyncGlb.FileInfo');
      out.push(data);
    },
  });
  return out;
}

const data = buildLabGlb({ impSeq: 7, reqSeq: 5, srvSeq: 7 }, [
  { network: 'N', postoffice: 'PO1', addresses: [{ mailbox: 'M1', displayName: 'One' }] },
  { network: 'N', postoffice: 'PO2', addresses: [] },
]);

describe('inspect', () => {
  it('reports a complete lab file, a truncated one, and another file, in order', async () => {
    const full = join(dir, 'full.glb');
    const cut = join(dir, 'cut.glb');
    const other = join(dir, 'Resync.glb');
    writeFileSync(full, data);
    writeFileSync(cut, data.subarray(0, data.length - 5));
    writeFileSync(other, Buffer.from([1, 2, 3, 4]));
    const [a, b, c] = await inspect({ path: [full, cut, other] });
    expect(a).toMatchObject({
      Path: full,
      Length: data.length,
      Sha256: createHash('sha256').update(data).digest('hex').toUpperCase(),
      Format: 'Lab',
      Complete: true,
      ImpSeq: 7,
      ReqSeq: 5,
      SrvSeq: 7,
      Transactions: 3,
      TransactionsByPostoffice: { PO1: 2, PO2: 1 },
    });
    expect(String(a!.LastWriteTimeUtc)).toMatch(/Z$/);
    expect(a).not.toHaveProperty('HashMatches');
    expect(b).toMatchObject({ Format: 'Lab', Complete: false, Note: expect.stringMatching(/NOT complete.*truncated/) });
    expect(c).toMatchObject({ Format: 'Unknown', Complete: null, Transactions: null, Length: 4, Note: expect.stringMatching(/not publicly documented/) });
  });

  it('compares with an expected hash in any case, and fails with HashMismatch after reporting', async () => {
    const full = join(dir, 'h.glb');
    writeFileSync(full, data);
    const hash = createHash('sha256').update(data).digest('hex');
    expect((await inspect({ path: full, expectedSha256: hash }))[0]!.HashMatches).toBe(true);
    const seen: Array<Record<string, unknown>> = [];
    await expect(
      inspectHandler({ path: full, expectedSha256: 'a'.repeat(64) }, { reporter: new MemoryReporter(), signal: new AbortController().signal, emitResult: (_t, d) => seen.push(d) }),
    ).rejects.toMatchObject({ id: 'HashMismatch' });
    expect(seen[0]!.HashMatches).toBe(false);
  });

  it('rejects bad input before reading anything', async () => {
    await expect(inspect({})).rejects.toMatchObject({ id: 'Usage' });
    await expect(inspect({ path: join(dir, 'h.glb'), expectedSha256: 'xyz' })).rejects.toMatchObject({ id: 'Usage' });
    await expect(inspect({ path: [join(dir, 'missing-1'), join(dir, 'missing-2')] })).rejects.toMatchObject({
      id: 'SourceNotFound',
      message: expect.stringMatching(/missing-1.*missing-2/),
    });
    await expect(inspect({ path: dir })).rejects.toMatchObject({ id: 'InvalidPath' });
  });
});
