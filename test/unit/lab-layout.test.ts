import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT } from '../../src/shared/contract';
import { initLab, isLab, readLabConfig, setLabFaults } from '../../src/lab/layout';
import { RegistryStore } from '../../src/lab/registry-store';
import { SERVICE_KEY, SETUP_KEY } from '../../src/lab/paths';
import { generateRecipients, readRecipients } from '../../src/lab/recipients';

// Real files with fsync on a busy shared machine: generous limits (no timing is asserted).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let base: string;
let n = 0;
const newDir = (): string => join(base, `lab${(n += 1)}`);
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'resync-layout-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('initLab', () => {
  it('creates the registry keys, install tree, DXA database placeholders and postoffices', async () => {
    const dir = newDir();
    const info = await initLab(dir, { recipients: 50, computerName: 'EXCH01' });
    expect(info.computerName).toBe('EXCH01');
    expect(info.requestors).toHaveLength(2);
    // Display name, common name and RDN differ in the default lab.
    expect(info.requestors[0]).toMatchObject({ displayName: 'Sales Postoffice', commonName: 'SALESPO', rdn: 'SALES' });
    const store = new RegistryStore(join(dir, 'registry.json'));
    expect(await store.getValue(SERVICE_KEY, CONTRACT.imagePathValue.name)).toEqual({ type: 'REG_EXPAND_SZ', data: join(dir, 'exchsrvr', 'bin', 'dxa.exe') });
    expect(await store.getValue(SERVICE_KEY, 'DisplayName')).toEqual({ type: 'REG_SZ', data: CONTRACT.service.displayName });
    expect(await store.getValue(SERVICE_KEY, 'DependOnService')).toEqual({ type: 'REG_MULTI_SZ', data: CONTRACT.service.dependsOn });
    expect(await store.getValue(SETUP_KEY, CONTRACT.setupKey.installPathValue)).toEqual({ type: 'REG_SZ', data: join(dir, 'exchsrvr') });
    expect(await store.getValue(SERVICE_KEY, CONTRACT.resyncValue.name)).toBeNull();
    expect(SERVICE_KEY).toBe(`HKEY_LOCAL_MACHINE\\${CONTRACT.serviceKey.subKey}`);
    for (const f of CONTRACT.dxaDatabaseFiles) expect(existsSync(join(info.dxadata, f))).toBe(true);
    expect(existsSync(join(info.dxadata, CONTRACT.resyncFileName))).toBe(false);
    for (const r of info.requestors) expect(existsSync(join(dir, 'postoffices', r.postoffice, 'MAILDATA', 'GLB'))).toBe(true);
    const recipients = await readRecipients(join(dir, 'recipients.tsv'));
    expect(recipients).toHaveLength(50);
    expect(new Set(recipients.map((r) => r.postoffice))).toEqual(new Set(info.requestors.map((r) => r.postoffice)));
    expect(await isLab(dir)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'service.json'), 'utf8')).status).toBe('Stopped');
  });

  it('uses plain names as display names and derives common name and RDN', async () => {
    const dir = newDir();
    const info = await initLab(dir, { requestors: ['PO1', 'Head Office'], recipients: 0 });
    expect(info.requestors.map((r) => [r.displayName, r.commonName, r.rdn])).toEqual([
      ['PO1', 'PO1', 'PO1'],
      ['Head Office', 'HEADOFFICE', 'HEADOFFICE'],
    ]);
  });

  it('refuses a non-empty folder that is not a lab, and an existing lab unless forced', async () => {
    const other = newDir();
    mkdirSync(other);
    writeFileSync(join(other, 'precious.txt'), 'keep me');
    await expect(initLab(other)).rejects.toMatchObject({ id: 'InvalidPath', message: expect.stringMatching(/not empty/) });
    expect(readFileSync(join(other, 'precious.txt'), 'utf8')).toBe('keep me');

    const dir = newDir();
    await initLab(dir, { requestors: ['A'], recipients: 1 });
    writeFileSync(join(dir, 'mine.txt'), 'user file');
    await expect(initLab(dir, { requestors: ['B'] })).rejects.toMatchObject({ id: 'InvalidPath', message: expect.stringMatching(/--force/) });
    expect((await readLabConfig(dir)).requestors[0]!.displayName).toBe('A');
    await initLab(dir, { requestors: ['B'], recipients: 1, force: true });
    expect((await readLabConfig(dir)).requestors.map((r) => r.displayName)).toEqual(['B']);
    expect(existsSync(join(dir, 'postoffices', 'A'))).toBe(false);
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('user file');
  });

  it('creates no service key with noService', async () => {
    const dir = newDir();
    await initLab(dir, { noService: true, recipients: 0 });
    const store = new RegistryStore(join(dir, 'registry.json'));
    expect(await store.keyExists(SERVICE_KEY)).toBe(false);
    expect(await store.keyExists(SETUP_KEY)).toBe(true);
  });

  it('rejects bad input with specific errors', async () => {
    await expect(initLab(newDir(), { requestors: ['ok', 'bad\nname'] })).rejects.toMatchObject({ id: 'InvalidRequestor' });
    await expect(initLab(newDir(), { requestors: [{ displayName: 'X', rdn: 'R'.repeat(65) }] })).rejects.toMatchObject({ id: 'InvalidRequestor' });
    await expect(initLab(newDir(), { recipients: -1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(initLab(newDir(), { timing: { chunkBytes: 0 } })).rejects.toMatchObject({ id: 'Usage' });
    await expect(initLab(newDir(), { computerName: 'bad name' })).rejects.toMatchObject({ id: 'Usage' });
  });

  it('keeps timing and faults in lab.json; clearing removes them', async () => {
    const dir = newDir();
    await initLab(dir, { timing: { startMs: 5 }, recipients: 0 });
    const cfg = await readLabConfig(dir);
    expect(cfg.timing).toMatchObject({ startMs: 5, stopMs: 500, chunkBytes: 65536 });
    expect(await setLabFaults(dir, { hangOnStop: true, slowWriteMs: 20 })).toEqual({ hangOnStop: true, slowWriteMs: 20 });
    expect(await setLabFaults(dir, { hangOnStop: false })).toEqual({ slowWriteMs: 20 });
    expect(await setLabFaults(dir, {}, { replace: true })).toEqual({});
  });

  it('reports LabNotFound for a folder that is not a lab', async () => {
    await expect(readLabConfig(newDir())).rejects.toMatchObject({ id: 'LabNotFound' });
  });
});

describe('generated recipients', () => {
  it('are deterministic from the seed, unique by mailbox and spread over all postoffices', () => {
    const pos = ['A', 'B', 'C'];
    const a = generateRecipients(1000, pos, 42);
    expect(generateRecipients(1000, pos, 42)).toEqual(a);
    expect(generateRecipients(1000, pos, 43)).not.toEqual(a);
    expect(new Set(a.map((r) => r.mailbox)).size).toBe(1000);
    for (const p of pos) expect(a.filter((r) => r.postoffice === p).length).toBeGreaterThan(200);
  });

  it('scale to 100,000 recipients', async () => {
    const dir = newDir();
    const info = await initLab(dir, { recipients: 100_000, requestors: ['P1', 'P2', 'P3', 'P4'] });
    expect(info.recipients).toBe(100_000);
    expect(await readRecipients(join(dir, 'recipients.tsv'))).toHaveLength(100_000);
  }, 60_000);
});
