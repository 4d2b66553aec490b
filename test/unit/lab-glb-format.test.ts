import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLabGlb, readLabGlb, type GlbPostoffice } from '../../src/lab/glb-format';

// Real files with fsync on a busy shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'resync-glb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pos: GlbPostoffice[] = [
  { network: 'LABNET', postoffice: 'SALESPO', addresses: [{ mailbox: 'AB1', displayName: 'Ada Berg' }, { mailbox: 'CD2', displayName: 'Chen Dubois' }] },
  { network: 'LABNET', postoffice: 'ENGPO', addresses: [{ mailbox: 'EF3', displayName: 'Élena “Fischer”\t' }] },
  { network: 'LABNET', postoffice: 'EMPTY', addresses: [] },
];
const header = { impSeq: 120, reqSeq: 100, srvSeq: 120 };

function write(name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

describe('lab Resync.glb layout', () => {
  it('reads back what it wrote: header numbers, counts per postoffice, complete', async () => {
    const data = buildLabGlb(header, pos, new Date('2026-01-02T03:04:05Z'));
    const r = await readLabGlb(write('full.glb', data));
    expect(r).toMatchObject({ format: 'Lab', complete: true, impSeq: 120, reqSeq: 100, srvSeq: 120, transactions: 6, declaredTransactions: 6, length: data.length });
    expect(r.format === 'Lab' && r.byPostoffice).toEqual({ SALESPO: 3, ENGPO: 2, EMPTY: 1 });
  });

  it('the body carries the Import-format address line', () => {
    const data = buildLabGlb(header, pos);
    expect(data.includes(Buffer.from('AAda Berg\tPCM:LABNET/SALESPO/AB1', 'utf8'))).toBe(true);
    expect(data.includes(Buffer.from('RPCM:LABNET/ENGPO', 'utf8'))).toBe(true);
  });

  it('detects every truncation as incomplete', async () => {
    const data = buildLabGlb(header, pos);
    for (const cut of [40, 60, Math.floor(data.length / 2), data.length - 1]) {
      const r = await readLabGlb(write(`cut-${cut}.glb`, data.subarray(0, cut)));
      expect(r.format).toBe('Lab');
      expect(r.format === 'Lab' && r.complete).toBe(false);
      expect(r.format === 'Lab' && r.problem).toMatch(/truncated/);
    }
  });

  it('detects a changed byte and bytes after the trailer', async () => {
    const data = Buffer.from(buildLabGlb(header, pos));
    const flipped = Buffer.from(data);
    flipped[60] = (flipped[60] as number) ^ 0xff;
    const r1 = await readLabGlb(write('flipped.glb', flipped));
    expect(r1.format === 'Lab' && r1.complete).toBe(false);
    expect(r1.format === 'Lab' && r1.problem).toMatch(/checksum/);
    const r2 = await readLabGlb(write('extra.glb', Buffer.concat([data, data.subarray(0, 20)])));
    expect(r2.format === 'Lab' && r2.complete).toBe(false);
  });

  it('says plainly when a file is not in the lab layout', async () => {
    const r = await readLabGlb(write('other.glb', Buffer.from('not a lab file at all, just some bytes')));
    expect(r).toMatchObject({ format: 'Unknown', reason: expect.stringMatching(/not a lab file/) });
    const empty = await readLabGlb(write('empty.glb', Buffer.alloc(0)));
    expect(empty).toMatchObject({ format: 'Unknown', length: 0 });
  });

  it('streams a large file (many chunks) to the right counts', async () => {
    const addresses = Array.from({ length: 20_000 }, (_, i) => ({ mailbox: `M${i}`, displayName: `Person ${i}` }));
    const data = buildLabGlb(header, [{ network: 'N', postoffice: 'BIG', addresses }]);
    const r = await readLabGlb(write('big.glb', data));
    expect(r.format === 'Lab' && r.complete).toBe(true);
    expect(r.format === 'Lab' && r.byPostoffice).toEqual({ BIG: 20_001 });
  }, 30_000);
});
