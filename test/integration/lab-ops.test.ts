import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT } from '../../src/shared/contract';
import { openLabOperations } from '../../src/operations/lab-adapter';
import { RegistryStore } from '../../src/lab/registry-store';
import { SERVICE_KEY, SETUP_KEY } from '../../src/lab/paths';
import { cleanupLabs, makeLab, until } from '../support/lab-support';

afterEach(cleanupLabs);

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex').toUpperCase();

describe('openLabOperations without the DXA running', () => {
  it('throws LabNotFound for a folder that is not a lab', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resync-notlab-'));
    try {
      await expect(openLabOperations(dir)).rejects.toMatchObject({ id: 'LabNotFound' });
      await expect(openLabOperations(join(dir, 'missing'))).rejects.toMatchObject({ id: 'LabNotFound' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the computer name, target and path syntax', async () => {
    const { dir, ops } = await makeLab({ computerName: 'EXCH01' });
    expect(ops.computerName).toBe('EXCH01');
    expect(ops.target).toBe('lab');
    expect(ops.path.join('a', 'b')).toBe(join('a', 'b'));
    const other = await openLabOperations(dir, { computerName: 'OVERRIDE' });
    expect(other.computerName).toBe('OVERRIDE');
    await other.dispose();
  });

  it('a lab without the service key: getService is null and service operations say ServiceNotFound', async () => {
    const { ops } = await makeLab({ noService: true });
    expect(await ops.getService()).toBeNull();
    expect(await ops.getResyncValue()).toBeNull();
    await expect(ops.setResyncValue(['SALES'])).rejects.toMatchObject({ id: 'ServiceNotFound' });
    await expect(ops.startService(5_000)).rejects.toMatchObject({ id: 'ServiceNotFound' });
    await expect(ops.stopService(5_000)).rejects.toMatchObject({ id: 'ServiceNotFound' });
  });

  it('resolves Dxadata from the setup key, then ImagePath; DxadataNotFound when it is missing', async () => {
    const { dir, ops } = await makeLab();
    const store = new RegistryStore(join(dir, 'registry.json'));
    expect(await ops.resolveDxadata()).toMatchObject({ path: join(dir, 'exchsrvr', 'Dxadata'), source: 'Setup' });
    expect((await ops.resolveDxadata()).freeBytes).toBeGreaterThan(0);
    await store.deleteValue(SETUP_KEY, CONTRACT.setupKey.installPathValue);
    expect(await ops.resolveDxadata()).toMatchObject({ path: join(dir, 'exchsrvr', 'Dxadata'), source: 'ImagePath' });
    await store.setValue(SERVICE_KEY, CONTRACT.dxaDataPathValue.name, { type: 'REG_SZ', data: join(dir, 'nowhere') });
    await expect(ops.resolveDxadata()).rejects.toMatchObject({ id: 'DxadataNotFound' });
    await expect(ops.resolveDxadata(join(dir, 'also-nowhere'))).rejects.toMatchObject({ id: 'DxadataNotFound', details: { source: 'Explicit' } });
  });

  it('statFile and isOpenForWrite on a stopped lab', async () => {
    const { dir, ops } = await makeLab();
    const f = join(dir, 'exchsrvr', 'Dxadata', 'probe.bin');
    expect(await ops.statFile(f)).toBeNull();
    writeFileSync(f, Buffer.alloc(123));
    expect(await ops.statFile(f)).toMatchObject({ path: f, length: 123 });
    expect(await ops.statFile(join(dir, 'exchsrvr', 'Dxadata'))).toBeNull();
    expect(await ops.isOpenForWrite(f)).toBe(false);
  });

  it('takeFile moves the file out, hashing what arrived; never overwrites', async () => {
    const { dir, ops } = await makeLab();
    const src = join(dir, 'exchsrvr', 'Dxadata', CONTRACT.resyncFileName);
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    writeFileSync(src, data);
    const to = join(dir, 'output', 'deep', 'Resync-1.glb');
    expect(await ops.takeFile(src, to)).toEqual({ length: data.length, sha256: sha(data) });
    expect(existsSync(src)).toBe(false);
    expect(readFileSync(to).equals(data)).toBe(true);

    writeFileSync(src, Buffer.from('second'));
    await expect(ops.takeFile(src, to)).rejects.toMatchObject({ id: 'InvalidPath' });
    expect(readFileSync(to).equals(data)).toBe(true);
    expect(existsSync(src)).toBe(true);
    await expect(ops.takeFile(join(dir, 'nope.glb'), join(dir, 'x.glb'))).rejects.toMatchObject({ id: 'SourceNotFound' });
  });

  it('takeFile across file systems copies with the hash in the same pass and removes the source', async () => {
    const shm = '/dev/shm';
    const { dir, ops } = await makeLab();
    if (!existsSync(shm) || statSync(shm).dev === statSync(dir).dev) {
      // No second file system here; the cross-device path cannot be reached.
      expect(existsSync(dir)).toBe(true);
      return;
    }
    const target = mkdtempSync(join(shm, 'resync-take-'));
    try {
      const src = join(dir, 'exchsrvr', 'Dxadata', CONTRACT.resyncFileName);
      const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
      writeFileSync(src, data);
      const to = join(target, 'Resync.glb');
      expect(await ops.takeFile(src, to)).toEqual({ length: data.length, sha256: sha(data) });
      expect(existsSync(src)).toBe(false);
      expect(readFileSync(to).equals(data)).toBe(true);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('watch reports changes in Dxadata and in the registry store, and stops after close', async () => {
    const { dir, ops } = await makeLab();
    const dxadata = join(dir, 'exchsrvr', 'Dxadata');
    let events = 0;
    const w = ops.watch(dxadata, () => {
      events += 1;
    });
    writeFileSync(join(dxadata, 'a.tmp'), 'x');
    await until('a Dxadata event', () => (events > 0 ? true : undefined), 10_000);
    const afterFile = events;
    await ops.setResyncValue(['SALES']);
    await until('a registry event', () => (events > afterFile ? true : undefined), 10_000);
    w.close();
    w.close();
    const closedAt = events;
    writeFileSync(join(dxadata, 'b.tmp'), 'y');
    await ops.removeResyncValue();
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toBe(closedAt);
    await ops.dispose();
    await ops.dispose();
  });

  it('watch on a folder that does not exist yet fires once the folder appears and a file is written there', async () => {
    const { dir, ops } = await makeLab();
    const missing = join(dir, 'not-there');
    let fired = 0;
    const w = ops.watch(missing, () => {
      fired += 1;
    });
    try {
      mkdirSync(missing);
      const deadline = Date.now() + 20_000;
      while (fired === 0 && Date.now() < deadline) {
        writeFileSync(join(missing, 'Resync.glb'), 'x');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(fired).toBeGreaterThan(0);
    } finally {
      w.close();
    }
  });
});
