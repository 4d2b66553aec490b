import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT } from '../../src/shared/contract';
import { readLabGlb } from '../../src/lab/glb-format';
import { readServiceFile } from '../../src/lab/service-state';
import { setLabFaults } from '../../src/lab/layout';
import { RegistryStore } from '../../src/lab/registry-store';
import { SERVICE_KEY } from '../../src/lab/paths';
import { openLabOperations } from '../../src/operations/lab-adapter';
import { placeOldResync } from '../../src/handlers/lab';
import { cleanupLabs, dxaLog, makeLab, until } from '../support/lab-support';

afterEach(cleanupLabs);

describe('lab DXA as a separate process, through openLabOperations', () => {
  it('starts, writes Resync.glb progressively on restart, removes the value, and the file is complete', async () => {
    const { dir, ops } = await makeLab({ recipients: 300 });
    expect((await ops.getService())?.status).toBe('Stopped');
    const running = await ops.startService(60_000);
    expect(running.status).toBe('Running');
    expect(running.name).toBe(CONTRACT.service.name);
    expect(running.displayName).toBe(CONTRACT.service.displayName);
    // The DXA looks at the value once it is Running: wait until it has, or the value written next
    // would be taken by this start, not the restart below.
    await until('the DXA to finish its start-up look at the value', async () => ((await ops.generationStatus!()).state === 'done' ? true : undefined));

    // About 24 chunks of 1 KiB: a window of seconds to see the file partial even on a loaded machine.
    await setLabFaults(dir, { slowWriteMs: 150 });
    await ops.setResyncValue(['sales postoffice']); // display name, other case
    expect(await ops.getResyncValue()).toEqual(['sales postoffice']);
    const dxadata = await ops.resolveDxadata();
    expect(dxadata.source).toBe('Setup');
    const file = join(dxadata.path, CONTRACT.resyncFileName);

    await ops.stopService(60_000);
    expect((await ops.getService())?.status).toBe('Stopped');
    await ops.startService(60_000);

    // While it is being written: a partial size, held open for writing by the DXA.
    const seen: string[] = [];
    const partial = await until('a partial Resync.glb', async () => {
      const st = await ops.statFile(file);
      if (!st || st.length === 0) return undefined;
      const open = await ops.isOpenForWrite(file);
      if (seen.length < 20) seen.push(`${st.length} bytes, open for write: ${String(open)}`);
      return open === true ? st : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; polls saw: ${seen.join('; ') || 'no file'}; dxa.log:\n${dxaLog(dir)}`);
    });
    const done = await until('the value to be removed', async () => ((await ops.getResyncValue()) === null ? true : undefined));
    expect(done).toBe(true);
    const final = await ops.statFile(file);
    expect(final).not.toBeNull();
    expect(partial.length).toBeLessThan(final!.length);
    expect(await ops.isOpenForWrite(file)).toBe(false);
    const read = await readLabGlb(file);
    expect(read.format).toBe('Lab');
    if (read.format !== 'Lab') throw new Error('unreachable');
    expect(read.complete).toBe(true);
    expect(read.transactions).toBe(300 + 2); // every address plus one R line per postoffice
    expect(Object.keys(read.byPostoffice).sort()).toEqual(['ENGPO', 'SALESPO']);
    expect(read.reqSeq).toBeLessThanOrEqual(read.srvSeq);
    // The DXA database placeholders are untouched.
    for (const f of CONTRACT.dxaDatabaseFiles) expect(readFileSync(join(dxadata.path, f), 'utf8')).toContain('Never touch it');
    expect((await ops.getService())?.status).toBe('Running');
    await ops.stopService(60_000);
  });

  it('recognises common name and RDN too, logs unknown names as event 136 and still writes for the known ones', async () => {
    const { dir, ops } = await makeLab();
    await ops.setResyncValue(['engpo', 'SALES', 'Nobody Here']);
    await ops.startService(60_000);
    await until('the value to be removed', async () => ((await ops.getResyncValue()) === null ? true : undefined));
    const log = dxaLog(dir);
    expect(log).toMatch(/Event 136.*"Nobody Here"/);
    expect(log).not.toMatch(/Event 136.*"engpo"/);
    expect(log).toContain('"Sales Postoffice", "Engineering Postoffice"');
    const st = await ops.statFile(join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName));
    expect(st?.length).toBeGreaterThan(0);
  });

  it('leaves the value and writes no file when no name is recognised', async () => {
    const { dir, ops } = await makeLab();
    await ops.setResyncValue(['NOPE']);
    await ops.startService(60_000);
    await until('the DXA to finish looking at the value', () => (dxaLog(dir).includes('was recognised') ? true : undefined));
    expect(await ops.getResyncValue()).toEqual(['NOPE']);
    expect(await ops.statFile(join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName))).toBeNull();
  });

  it('writes into DXADataPath when the registry sets it (Q185504)', async () => {
    const { dir } = await makeLab();
    const moved = join(dir, 'moved-dxadata');
    mkdirSync(moved);
    await new RegistryStore(join(dir, 'registry.json')).setValue(SERVICE_KEY, CONTRACT.dxaDataPathValue.name, { type: 'REG_SZ', data: moved });
    const ops = await openLabOperations(dir);
    try {
      const where = await ops.resolveDxadata();
      expect(where).toMatchObject({ path: moved, source: 'DXADataPath' });
      expect((await ops.resolveDxadata(join(dir, 'exchsrvr', 'Dxadata'))).source).toBe('Explicit');
      await ops.setResyncValue(['PO-does-not-matter', 'SALESPO']);
      await ops.startService(60_000);
      await until('the value to be removed', async () => ((await ops.getResyncValue()) === null ? true : undefined));
      expect((await ops.statFile(join(moved, CONTRACT.resyncFileName)))?.length).toBeGreaterThan(0);
      expect(await ops.statFile(join(dir, 'exchsrvr', 'Dxadata', CONTRACT.resyncFileName))).toBeNull();
    } finally {
      await ops.dispose();
    }
  });

  it('a crash mid-write leaves a truncated file and the service Stopped, derived from pid liveness', async () => {
    const { dir, ops } = await makeLab({ recipients: 200 });
    await setLabFaults(dir, { crashMidWrite: true });
    await ops.setResyncValue(['SALES']);
    await ops.startService(60_000);
    await until('the service to be seen Stopped', async () => ((await ops.getService())?.status === 'Stopped' ? true : undefined));
    // The file on disk still says Running: the status came from the dead pid.
    expect((await readServiceFile(join(dir, 'service.json'))).status).toBe('Running');
    const file = join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName);
    const read = await readLabGlb(file);
    expect(read.format).toBe('Lab');
    expect(read.format === 'Lab' && read.complete).toBe(false);
    expect(await ops.getResyncValue()).toEqual(['SALES']);
    expect(await ops.isOpenForWrite(file)).toBe(false);
  });

  it('stopping while Resync.glb is written crashes the DXA as Q193395 describes', async () => {
    const { dir, ops } = await makeLab({ recipients: 300 });
    await setLabFaults(dir, { slowWriteMs: 200 });
    await ops.setResyncValue(['SALES']);
    await ops.startService(60_000);
    const file = join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName);
    await until('writing to begin', async () => ((await ops.isOpenForWrite(file)) ? true : undefined));
    const stopped = await ops.stopService(60_000);
    expect(stopped.status).toBe('Stopped');
    expect((await readServiceFile(join(dir, 'service.json'))).lastError).toMatch(/Access violation/);
    const read = await readLabGlb(file);
    expect(read.format === 'Lab' && read.complete).toBe(false);
  });

  it('hang-on-stop makes stopService time out with ServiceStopTimeout; clearing it lets the stop through', async () => {
    const { dir, ops } = await makeLab();
    await ops.startService(60_000);
    await setLabFaults(dir, { hangOnStop: true });
    await expect(ops.stopService(1_500)).rejects.toMatchObject({ id: 'ServiceStopTimeout', details: { status: 'Running' } });
    expect(dxaLog(dir)).toMatch(/ignored/);
    expect((await ops.getService())?.status).toBe('Running');
    await setLabFaults(dir, { hangOnStop: false });
    expect((await ops.stopService(60_000)).status).toBe('Stopped');
  });

  it('fail-start makes startService fail with ServiceStartFailed and the reason', async () => {
    const { dir, ops } = await makeLab();
    await setLabFaults(dir, { failStart: true });
    const err = await ops.startService(60_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'ServiceStartFailed', details: { status: 'Stopped' } });
    expect(String((err as { details: { lastError: string } }).details.lastError)).toMatch(/fail-start/);
    expect((await ops.getService())?.status).toBe('Stopped');
    expect((await readServiceFile(join(dir, 'service.json'))).lastError).toMatch(/failed to start/);
  });

  it('a long start is StartPending; startService times out with ServiceStartFailed', async () => {
    const { dir, ops } = await makeLab();
    await setLabFaults(dir, { startDelayMs: 120_000 });
    await expect(ops.startService(1_000)).rejects.toMatchObject({ id: 'ServiceStartFailed', details: { status: 'StartPending' } });
    expect((await ops.getService())?.status).toBe('StartPending');
  });

  it('the unrecognise fault leaves the value and writes nothing even for a known name', async () => {
    const { dir, ops } = await makeLab();
    await setLabFaults(dir, { unrecognise: true });
    await ops.setResyncValue(['SALES']);
    await ops.startService(60_000);
    await until('the DXA to finish looking at the value', () => (dxaLog(dir).includes('was recognised') ? true : undefined));
    expect(await ops.getResyncValue()).toEqual(['SALES']);
    expect(await ops.statFile(join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName))).toBeNull();
  });

  it('the registry store file is replaced only when the value changes', async () => {
    const { dir, ops } = await makeLab();
    await ops.setResyncValue(['SALES', 'ENG']);
    const before = statSync(join(dir, 'registry.json')).ino;
    await ops.setResyncValue(['SALES', 'ENG']);
    expect(statSync(join(dir, 'registry.json')).ino).toBe(before);
    await ops.setResyncValue(['ENG', 'SALES']);
    expect(statSync(join(dir, 'registry.json')).ino).not.toBe(before);
    await ops.removeResyncValue();
    await ops.removeResyncValue();
    expect(await ops.getResyncValue()).toBeNull();
  });

  it('imports and removes a Resync.glb placed in Dxadata by someone else when the service starts (Q156124)', async () => {
    const { dir, ops } = await makeLab();
    const old = await placeOldResync(dir);
    expect((await readLabGlb(old)).format).toBe('Lab');
    await ops.startService(60_000);
    await until('the waiting file to be imported', async () => ((await ops.statFile(old)) === null ? true : undefined));
    expect(dxaLog(dir)).toMatch(/Imported the Resync\.glb .*2 transactions, complete/);
    await ops.stopService(60_000);

    writeFileSync(old, Buffer.alloc(500, 0x41));
    await ops.setResyncValue(['SALES']);
    await ops.startService(60_000);
    await until('the value to be removed', async () => ((await ops.getResyncValue()) === null ? true : undefined));
    expect(dxaLog(dir)).toMatch(/500 bytes; not in the lab layout/);
    // The fresh file written for the value is the lab's own, complete.
    const fresh = await readLabGlb(old);
    expect(fresh.format === 'Lab' && fresh.complete).toBe(true);
  });

  it('leaves its own earlier Resync.glb alone at start, unless importOnStart asks it to process it', async () => {
    const { dir, ops } = await makeLab({ recipients: 100 });
    await setLabFaults(dir, { crashMidWrite: true });
    await ops.setResyncValue(['SALES']);
    await ops.startService(60_000);
    await until('the crash', async () => ((await ops.getService())?.status === 'Stopped' ? true : undefined));
    const file = join((await ops.resolveDxadata()).path, CONTRACT.resyncFileName);
    const partial = await ops.statFile(file);
    expect(partial).not.toBeNull();

    await setLabFaults(dir, { crashMidWrite: false });
    await ops.removeResyncValue();
    await ops.startService(60_000);
    await until('the DXA to look at the waiting file', () => (dxaLog(dir).includes('left as it is') ? true : undefined));
    expect((await ops.statFile(file))?.length).toBe(partial!.length);
    await ops.stopService(60_000);

    await setLabFaults(dir, { importOnStart: true });
    await ops.startService(60_000);
    await until('the own file to be imported', async () => ((await ops.statFile(file)) === null ? true : undefined));
    expect(dxaLog(dir)).toMatch(/Imported the Resync\.glb .*incomplete/);
  });
});
