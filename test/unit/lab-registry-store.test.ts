import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { buildSync } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryStore, type RegistryDocument } from '../../src/lab/registry-store';

// Real files with fsync on a busy shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\LabTest';
let dir: string;
let child: string;
let n = 0;
const fresh = (): RegistryStore => new RegistryStore(join(dir, `registry-${(n += 1)}.json`));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'resync-store-'));
  child = join(dir, 'child.cjs');
  buildSync({ entryPoints: [join(__dirname, '..', 'support', 'lab-store-child.ts')], outfile: child, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('close', resolve);
  });
}

describe('lab registry store', () => {
  it('round-trips hostile strings byte-exact (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ)', async () => {
    const hostile = [
      `it's "quoted" ‘typographic’ “quotes”`,
      '$(Remove-Item C:\\ -Recurse) `backtick` ${env:PATH}',
      'line1\nline2\r\nline3\ttab',
      '; & | > < %PATH% !x! ^',
      'Ünïcödé 日本語 🙂 \u200b zero-width',
      'lone \ud800 surrogate \udfff',
      '\\\\server\\share\\path with spaces',
    ];
    const store = fresh();
    for (const [i, s] of hostile.entries()) {
      await store.setValue(KEY, `Sz${i}`, { type: 'REG_SZ', data: s });
      await store.setValue(KEY, `Ex${i}`, { type: 'REG_EXPAND_SZ', data: s });
    }
    await store.setValue(KEY, 'Multi', { type: 'REG_MULTI_SZ', data: hostile });
    const again = new RegistryStore(store.file);
    for (const [i, s] of hostile.entries()) {
      expect(await again.getValue(KEY, `Sz${i}`)).toEqual({ type: 'REG_SZ', data: s });
      expect(await again.getValue(KEY, `Ex${i}`)).toEqual({ type: 'REG_EXPAND_SZ', data: s });
    }
    const multi = await again.getValue(KEY, 'Multi');
    expect(multi?.type).toBe('REG_MULTI_SZ');
    expect(Buffer.from((multi?.data as string[]).join('|'), 'utf16le')).toEqual(Buffer.from(hostile.join('|'), 'utf16le'));
  }, 30_000);

  it('round-trips arbitrary strings (property)', async () => {
    const store = fresh();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !s.includes('\u0000')), { maxLength: 5 }), async (list) => {
        await store.setValue(KEY, 'P', { type: 'REG_MULTI_SZ', data: list });
        const back = await new RegistryStore(store.file).getValue(KEY, 'P');
        expect(back).toEqual({ type: 'REG_MULTI_SZ', data: list });
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('rejects NUL and empty strings in REG_MULTI_SZ, NUL in REG_SZ, bad DWORDs, and leaves the file untouched', async () => {
    const store = fresh();
    await store.setValue(KEY, 'Keep', { type: 'REG_MULTI_SZ', data: ['A'] });
    const before = readFileSync(store.file);
    await expect(store.setValue(KEY, 'Keep', { type: 'REG_MULTI_SZ', data: ['A\u0000B'] })).rejects.toMatchObject({ id: 'Usage' });
    await expect(store.setValue(KEY, 'Keep', { type: 'REG_MULTI_SZ', data: ['A', ''] })).rejects.toThrow(/empty/);
    await expect(store.setValue(KEY, 'S', { type: 'REG_SZ', data: 'x\u0000' })).rejects.toThrow(/NUL/);
    await expect(store.setValue(KEY, 'D', { type: 'REG_DWORD', data: 2 ** 32 })).rejects.toThrow(/REG_DWORD/);
    await expect(store.setValue(KEY, 'D', { type: 'REG_DWORD', data: 1.5 })).rejects.toThrow(/REG_DWORD/);
    expect(readFileSync(store.file)).toEqual(before);
  });

  it('matches key and value names without regard to case and keeps the stored spelling', async () => {
    const store = fresh();
    await store.setValue(KEY, 'ResyncConnectionRDNs', { type: 'REG_MULTI_SZ', data: ['A'] });
    expect(await store.getValue(KEY.toLowerCase(), 'RESYNCCONNECTIONRDNS')).toEqual({ type: 'REG_MULTI_SZ', data: ['A'] });
    await store.setValue(KEY.toUpperCase(), 'resyncconnectionrdns', { type: 'REG_MULTI_SZ', data: ['B'] });
    const doc = JSON.parse(readFileSync(store.file, 'utf8')) as RegistryDocument;
    expect(Object.keys(doc.keys)).toEqual([KEY]);
    expect(Object.keys(doc.keys[KEY]!)).toEqual(['ResyncConnectionRDNs']);
    expect(await store.deleteValue(KEY, 'RESYNCconnectionRDNs')).toBe(true);
    expect(await store.deleteValue(KEY, 'ResyncConnectionRDNs')).toBe(false);
    expect(await store.getValue(KEY, 'ResyncConnectionRDNs')).toBeNull();
  });

  it('writes nothing when a value already matches', async () => {
    const store = fresh();
    expect(await store.setValue(KEY, 'V', { type: 'REG_MULTI_SZ', data: ['A', 'B'] })).toBe(true);
    const ino = statSync(store.file).ino;
    expect(await store.setValue(KEY, 'V', { type: 'REG_MULTI_SZ', data: ['A', 'B'] })).toBe(false);
    expect(statSync(store.file).ino).toBe(ino);
    expect(await store.setValue(KEY, 'V', { type: 'REG_MULTI_SZ', data: ['B', 'A'] })).toBe(true);
  });

  it('loses no update when two processes write at the same time', async () => {
    const store = fresh();
    const codes = await Promise.all([
      runChild(['set', store.file, 'A', '40']),
      runChild(['set', store.file, 'B', '40']),
      runChild(['incr', store.file, '40']),
      runChild(['incr', store.file, '40']),
    ]);
    expect(codes).toEqual([0, 0, 0, 0]);
    const values = await store.listValues(KEY);
    for (let i = 0; i < 40; i += 1) {
      expect(values?.[`A${i}`]).toEqual({ type: 'REG_SZ', data: `A-${i}` });
      expect(values?.[`B${i}`]).toEqual({ type: 'REG_SZ', data: `B-${i}` });
    }
    expect(values?.Counter).toEqual({ type: 'REG_DWORD', data: 80 });
  }, 120_000);

  it('a reader never sees a torn file while another process rewrites it', async () => {
    const store = fresh();
    await store.setValue(KEY, 'Big', { type: 'REG_MULTI_SZ', data: ['start'] });
    const writer = runChild(['churn', store.file, '60']);
    let reads = 0;
    let finished = false;
    void writer.then(() => (finished = true));
    while (!finished) {
      const text = await readFile(store.file, 'utf8');
      expect(() => JSON.parse(text)).not.toThrow();
      reads += 1;
    }
    expect(await writer).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect((await store.getValue(KEY, 'Big'))?.data).toHaveLength(2000);
  }, 120_000);

  it('recovers a lock left by a dead process', async () => {
    const store = fresh();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${store.file}.lock`, JSON.stringify({ pid: Number(dead.stdout), start: null, nonce: 'dead' }));
    await store.setValue(KEY, 'After', { type: 'REG_DWORD', data: 7 });
    expect(await store.getValue(KEY, 'After')).toEqual({ type: 'REG_DWORD', data: 7 });
  });

  it('reports a damaged store clearly', async () => {
    const store = fresh();
    writeFileSync(store.file, '{"format":');
    await expect(store.getValue(KEY, 'X')).rejects.toMatchObject({ id: 'OperationFailed', message: expect.stringMatching(/not valid JSON/) });
  });
});
