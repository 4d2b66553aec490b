/**
 * takeFile and watch against a fake host whose scripts act on real temp files: the DSS-side hash
 * (Get-DssFileHash.ps1), the copy (direct for Local, chunks for Remoting), the comparison, the
 * no-overwrite placement and the verified delete (Remove-DssFile.ps1).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWindowsOperations } from '../../src/operations/windows';
import { placeFs } from '../../src/operations/windows/take-file';
import { FakePowerShellHost, fail, ok, withSession, type Handler } from '../support/windows-fake-host';

const PS1 = resolve(__dirname, '..', '..', 'ps1');

function sha(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex').toUpperCase();
}

/** Scripts that act on the real file system, as the ps1 file core does. */
function fileScripts(overrides: Partial<Record<string, Handler>> = {}): Handler {
  return (script, req, call) => {
    const o = overrides[script];
    if (o) return o(script, req, call);
    const p = req.path as string;
    if (script === 'Get-DssFileHash.ps1') {
      if (!existsSync(p)) return fail('SourceNotFound', `${p} does not exist`);
      const b = readFileSync(p);
      return ok({ exists: true, length: b.length, sha256: sha(b), lastWriteTicks: String(statSync(p).mtimeMs) });
    }
    if (script === 'Read-DssFileChunk.ps1') {
      const b = readFileSync(p);
      const off = req.offset as number;
      const part = b.subarray(off, off + (req.count as number));
      return ok({ offset: off, bytes: part.length, length: b.length, eof: off + part.length >= b.length, base64: part.toString('base64') });
    }
    if (script === 'Remove-DssFile.ps1') {
      const b = readFileSync(p);
      if (b.length !== req.length || sha(b) !== req.sha256 || String(statSync(p).mtimeMs) !== req.lastWriteTicks) return fail('SourceChanged', `${p} changed`);
      rmSync(p);
      return ok({ removed: true });
    }
    if (script === 'Get-DssSnapshot.ps1') {
      const dir = req.dxadata as string;
      return ok({ files: readdirSync(dir).map((name) => ({ name, length: statSync(join(dir, name)).size, lastWriteTicks: String(statSync(join(dir, name)).mtimeMs) })), value: null, status: 'Running' });
    }
    return fail('Internal', `unexpected ${script}`);
  };
}

function setup(size = 1_300_000) {
  const root = mkdtempSync(join(tmpdir(), 'resyncglb-take-'));
  const src = join(root, 'Dxadata', 'Resync.glb');
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) content[i] = (i * 31 + 7) & 0xff;
  mkdirSync(dirname(src), { recursive: true });
  writeFileSync(src, content);
  return { root, src, content, dest: join(root, 'out', 'sub', 'Resync.glb') };
}

describe('takeFile', { timeout: 30_000 }, () => {
  it('Local: copies, verifies against the DSS-side hash, places, then deletes the source', async () => {
    const f = setup();
    const host = new FakePowerShellHost(withSession(fileScripts()));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
    const r = await ops.takeFile(f.src, f.dest);
    await ops.dispose();
    expect(r).toEqual({ length: f.content.length, sha256: sha(f.content) });
    expect(readFileSync(f.dest).equals(f.content)).toBe(true);
    expect(existsSync(f.src)).toBe(false);
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-DssFileHash.ps1', 'Remove-DssFile.ps1', 'Close-DssSession.ps1']);
    expect(host.calls[2]?.request).toMatchObject({ path: f.src, length: f.content.length, sha256: sha(f.content) });
    expect(readdirSync(dirname(f.dest))).toEqual(['Resync.glb']);
  });

  it('Remoting: reads the file in chunks on the DSS side', async () => {
    const f = setup();
    const host = new FakePowerShellHost(withSession(fileScripts()));
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1, tuning: { chunkBytes: 500_000 } });
    // The fake acts on this machine's paths; the Windows path check is the operations' own.
    const win = 'C:\\exchsrvr\\Dxadata\\Resync.glb';
    host.setHandler(withSession((script, req, call) => fileScripts()(script, { ...req, path: f.src }, call)));
    const r = await ops.takeFile(win, f.dest);
    await ops.dispose();
    expect(r.sha256).toBe(sha(f.content));
    expect(readFileSync(f.dest).equals(f.content)).toBe(true);
    expect(host.scripts().filter((s) => s === 'Read-DssFileChunk.ps1')).toHaveLength(3);
    const chunks = host.calls.filter((c) => c.script === 'Read-DssFileChunk.ps1').map((c) => [c.request.path, c.request.offset, c.request.count]);
    expect(chunks).toEqual([
      [win, 0, 500_000],
      [win, 500_000, 500_000],
      [win, 1_000_000, 500_000],
    ]);
    expect(existsSync(f.src)).toBe(false);
  });

  it('HashMismatch leaves the source and no destination', async () => {
    const f = setup(1000);
    const host = new FakePowerShellHost(
      withSession(fileScripts({ 'Get-DssFileHash.ps1': () => ok({ exists: true, length: 1000, sha256: 'AB'.repeat(32), lastWriteTicks: '1' }) })),
    );
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
    await expect(ops.takeFile(f.src, f.dest)).rejects.toMatchObject({ id: 'HashMismatch' });
    await ops.dispose();
    expect(existsSync(f.src)).toBe(true);
    expect(existsSync(f.dest)).toBe(false);
    expect(readdirSync(dirname(f.dest))).toEqual([]);
    expect(host.scripts()).not.toContain('Remove-DssFile.ps1');
  });

  it('a failed delete keeps the verified copy and says what is left to do', async () => {
    const f = setup(1000);
    const host = new FakePowerShellHost(withSession(fileScripts({ 'Remove-DssFile.ps1': () => fail('SourceChanged', 'it changed') })));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
    const err = (await ops.takeFile(f.src, f.dest).catch((e: unknown) => e)) as { id: string; message: string; details: { manualSteps: string[]; copiedTo: string } };
    await ops.dispose();
    expect(err.id).toBe('SourceChanged');
    expect(err.details.copiedTo).toBe(f.dest);
    expect(err.details.manualSteps.join(' ')).toContain(`Delete ${f.src}`);
    expect(readFileSync(f.dest).length).toBe(1000);
    expect(existsSync(f.src)).toBe(true);
  });

  it('a reader holding the file (FileInUse on the delete) is waited out: the run goes on', async () => {
    const f = setup(1000);
    let refusals = 2;
    const host = new FakePowerShellHost(
      withSession(fileScripts({ 'Remove-DssFile.ps1': (script, req, call) => (refusals-- > 0 ? fail('FileInUse', 'open in another process') : fileScripts()(script, req, call)) })),
    );
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1, tuning: { inUseRetryMs: 10_000 } });
    const r = await ops.takeFile(f.src, f.dest);
    await ops.dispose();
    expect(r.sha256).toBe(sha(f.content));
    expect(existsSync(f.src)).toBe(false);
    expect(host.scripts().filter((x) => x === 'Remove-DssFile.ps1')).toHaveLength(3);
  });

  it('a reader that stays: FileInUse after the bounded retries, never Busy; the verified copy keeps its name', async () => {
    const f = setup(1000);
    const host = new FakePowerShellHost(withSession(fileScripts({ 'Remove-DssFile.ps1': () => fail('FileInUse', 'open in another process') })));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1, tuning: { inUseRetryMs: 1_200 } });
    const err = (await ops.takeFile(f.src, f.dest).catch((e: unknown) => e)) as { id: string; message: string; exitCode: number; details: { manualSteps: string[]; copiedTo: string; verified: boolean } };
    await ops.dispose();
    expect(err.id).toBe('FileInUse');
    expect(err.exitCode).toBe(5);
    expect(err.message).toMatch(/kept it open/);
    expect(err.details).toMatchObject({ copiedTo: f.dest, verified: true });
    expect(err.details.manualSteps).toHaveLength(1);
    expect(readFileSync(f.dest).equals(f.content)).toBe(true);
    expect(existsSync(f.src)).toBe(true);
    expect(host.scripts().filter((x) => x === 'Remove-DssFile.ps1').length).toBeGreaterThan(1);
  });

  it('FAT32/exFAT output folder: a link failing with EISDIR falls back to the checked rename', async () => {
    const f = setup(1000);
    const saved = placeFs.link;
    placeFs.link = async () => {
      throw Object.assign(new Error('EISDIR: illegal operation on a directory, link'), { code: 'EISDIR' });
    };
    try {
      const host = new FakePowerShellHost(withSession(fileScripts()));
      const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
      const r = await ops.takeFile(f.src, f.dest);
      await ops.dispose();
      expect(r.sha256).toBe(sha(f.content));
      expect(readFileSync(f.dest).equals(f.content)).toBe(true);
      expect(readdirSync(dirname(f.dest))).toEqual(['Resync.glb']);
    } finally {
      placeFs.link = saved;
    }
  });

  it('a temporary name a scanner keeps (unlink EBUSY) after the link: the file is placed, not "already exists"', async () => {
    const f = setup(1000);
    const saved = placeFs.unlink;
    let failures = 2;
    placeFs.unlink = (async (p: string) => {
      if (failures-- > 0) throw Object.assign(new Error('EBUSY: resource busy or locked, unlink'), { code: 'EBUSY' });
      return saved(p);
    }) as typeof placeFs.unlink;
    try {
      const host = new FakePowerShellHost(withSession(fileScripts()));
      const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
      const r = await ops.takeFile(f.src, f.dest);
      await ops.dispose();
      expect(r.sha256).toBe(sha(f.content));
      expect(readdirSync(dirname(f.dest))).toEqual(['Resync.glb']);
      expect(existsSync(f.src)).toBe(false);
    } finally {
      placeFs.unlink = saved;
    }
  });

  it('never overwrites the destination, and reports a missing source', async () => {
    const f = setup(10);
    mkdirSync(dirname(f.dest), { recursive: true });
    writeFileSync(f.dest, 'older');
    const host = new FakePowerShellHost(withSession(fileScripts()));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
    await expect(ops.takeFile(f.src, f.dest)).rejects.toMatchObject({ id: 'InvalidPath' });
    expect(readFileSync(f.dest, 'utf8')).toBe('older');
    expect(existsSync(f.src)).toBe(true);
    await expect(ops.takeFile(f.src + '.missing', f.dest + '2')).rejects.toMatchObject({ id: 'SourceNotFound' });
    await ops.dispose();
  });
});

describe('watch', { timeout: 30_000 }, () => {
  it('polls Get-DssSnapshot.ps1 and wakes the caller only when the answer changes; close stops it', async () => {
    const f = setup(10);
    const dir = dirname(f.src);
    const host = new FakePowerShellHost(withSession(fileScripts()));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1, tuning: { watchIntervalMs: 20 } });
    let events = 0;
    const w = ops.watch(dir, () => {
      events += 1;
    });
    const snapshots = () => host.calls.filter((c) => c.script === 'Get-DssSnapshot.ps1').length;
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 500 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => snapshots() >= 4);
    expect(events).toBe(0);
    writeFileSync(join(dir, 'Edb.log'), 'x');
    await until(() => events >= 1);
    expect(events).toBe(1);
    const req = host.calls.find((c) => c.script === 'Get-DssSnapshot.ps1')?.request;
    expect(req).toMatchObject({ dxadata: dir, key: { psPath: expect.stringContaining('MSExchangeDX') }, value: { name: 'ResyncConnectionRDNs' }, service: { name: 'MSExchangeDX' } });
    w.close();
    const n = snapshots();
    await new Promise((r) => setTimeout(r, 150));
    expect(snapshots()).toBeLessThanOrEqual(n + 1);
    await ops.dispose();
  });
});
