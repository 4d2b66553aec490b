/**
 * The Windows operations for real: a real PowerShell child driven by node-powershell, the real
 * ps1/ scripts, the real credential hand-off on stdin; only the Windows commands themselves are
 * replaced, by test/ps/Shadow.WindowsCommands.ps1 dot-sourced into the child first (functions
 * shadow Get-ItemProperty, Get-Service, New-PSSession, Invoke-Command, ...; aliases replace the
 * Rpc wrappers). Invoke-Command runs core scriptblocks in a fresh runspace without _Common.ps1 and
 * round-trips results through PSSerializer, as a remote DSS would.
 *
 * Skipped (with the reason in its name) unless a pwsh is found via RESYNCGLB_PWSH or PATH.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/shared/contract';
import { openWindowsOperations } from '../../src/operations/windows';
import type { DssOperations } from '../../src/operations/operations';
import { NodePowerShellHost } from '../../src/operations/windows/node-powershell-host';
import { openSecretPipe } from '../../src/operations/windows/secret-pipe';
import { SCRIPTS, buildCommand } from '../../src/operations/windows/scripts';
import { parseEnvelope } from '../../src/operations/windows/envelope';
import { PS1, PWSH, ShadowedHost, type ShadowState } from '../support/shadowed-pwsh';

const KEY = CONTRACT.serviceKey.psPath;
const SETUP = CONTRACT.setupKey.psPath;
const VALUE = CONTRACT.resyncValue.name;
const SVC = CONTRACT.service.name;

function dssState(extra: { value?: string[]; valueKind?: string; install?: string; status?: string; behavior?: string } = {}) {
  const values: Record<string, { kind: string; value: unknown }> = { ImagePath: { kind: 'ExpandString', value: 'C:\\EXCHSRVR\\BIN\\DXA.EXE' } };
  if (extra.value) values[VALUE] = { kind: extra.valueKind ?? 'MultiString', value: extra.value };
  return {
    registry: { [KEY]: values, [SETUP]: extra.install ? { [CONTRACT.setupKey.installPathValue]: { kind: 'String', value: extra.install } } : {} },
    services: { [SVC]: { displayName: CONTRACT.service.displayName, status: extra.status ?? 'Running', behavior: extra.behavior ?? 'normal' } },
  };
}

const HOSTILE = ["it's", 'say "hi"', 'it\u2019s \u201Cq\u201D', '$(Stop-Service MSExchangeDX)', '`n;|', 'line1\nline2', 'Zürich Büro', '東京', '📮 box', '2026-01-02T03:04:05Z', '/Date(0)/'];

/** A .NET assembly (a PE with a version resource) from the NuGet cache, or null. */
function findVersionedPe(): string | null {
  const base = join(process.env.HOME ?? '/root', '.nuget', 'packages', 'system.security.cryptography.protecteddata');
  try {
    for (const v of readdirSync(base)) {
      const f = join(base, v, 'lib', 'net462', 'System.Security.Cryptography.ProtectedData.dll');
      if (existsSync(f)) return f;
    }
  } catch {
    /* no cache */
  }
  return null;
}

const opened: DssOperations[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.dispose()));
});

async function openWith(state: unknown, opts: { transport: 'Local' | 'Remoting' | 'Rpc'; computerName?: string; secret?: { userName: string; password: string }; serviceCallMarginMs?: number }) {
  const host = new ShadowedHost(new NodePowerShellHost({ executable: PWSH as string }));
  await host.setState(state);
  const ops = await openWindowsOperations({
    transport: opts.transport,
    computerName: opts.computerName,
    secret: opts.secret,
    host,
    scriptDir: PS1,
    ...(opts.serviceCallMarginMs !== undefined ? { tuning: { serviceCallMarginMs: opts.serviceCallMarginMs } } : {}),
  });
  opened.push(ops);
  return { ops, host };
}

describe.skipIf(!PWSH)(PWSH ? `Windows operations through ${PWSH} (Windows commands shadowed)` : 'SKIPPED: no pwsh found via RESYNCGLB_PWSH or PATH', () => {
  for (const t of [
    { transport: 'Local' as const, computerName: undefined },
    { transport: 'Remoting' as const, computerName: 'DSS01' },
    { transport: 'Rpc' as const, computerName: 'DSS01' },
  ]) {
    it(`${t.transport}: writes hostile names as REG_MULTI_SZ byte for byte, writes nothing when equal, removes`, async () => {
      const { ops, host } = await openWith(dssState(), t);
      expect(await ops.getResyncValue()).toBeNull();
      await ops.setResyncValue(HOSTILE);
      let s = await host.state();
      expect(s.registry[KEY]?.[VALUE]?.kind).toBe('MultiString');
      expect(s.registry[KEY]?.[VALUE]?.value).toEqual(HOSTILE);
      expect(await ops.getResyncValue()).toEqual(HOSTILE);
      const writes = (st: ShadowState) => st.calls.filter((c) => ['New-ItemProperty', 'Set-ItemProperty', 'Remove-ItemProperty', 'RegistryKey.SetValue', 'RegistryKey.DeleteValue'].includes(c.cmd as string));
      const first = writes(s);
      expect(first).toHaveLength(1);
      if (t.transport === 'Rpc') {
        expect(first[0]).toMatchObject({ cmd: 'RegistryKey.SetValue', name: VALUE, kind: 'MultiString', valueType: 'System.String[]' });
      } else {
        expect(first[0]).toMatchObject({ cmd: 'New-ItemProperty', path: KEY, name: VALUE, type: 'MultiString', valueType: 'System.String[]' });
      }
      await ops.setResyncValue(HOSTILE);
      s = await host.state();
      expect(writes(s)).toHaveLength(1);
      await ops.setResyncValue(['PO1']);
      s = await host.state();
      expect(writes(s).map((c) => c.cmd)).toEqual(t.transport === 'Rpc' ? ['RegistryKey.SetValue', 'RegistryKey.SetValue'] : ['New-ItemProperty', 'Set-ItemProperty']);
      await ops.removeResyncValue();
      expect(await ops.getResyncValue()).toBeNull();
      if (t.transport === 'Remoting') expect(s.calls.filter((c) => c.cmd === 'Invoke-Command').every((c) => c.computerName === 'DSS01')).toBe(true);
    });

    it(`${t.transport}: reads GlobalMaxSeqInResync and the DXA's file version, sets it as REG_DWORD, leaves an equal value alone, removes it`, async () => {
      const state = dssState();
      // Local can reach a file here: a PE with a version resource (a .NET assembly from the NuGet
      // cache, where there is one) stands in for DXA.EXE; a file without one reads as unknown.
      const pe = findVersionedPe();
      if (t.transport === 'Local') state.registry[KEY]!.ImagePath = { kind: 'ExpandString', value: pe ?? join(PS1, '_Common.ps1') };
      const { ops, host } = await openWith(state, t);
      const before = await ops.getSequenceSettings!();
      expect(before.globalMaxSeqInResync).toBeNull();
      if (t.transport === 'Local' && pe) expect(before.dxaVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      else expect(before.dxaVersion).toBeNull(); // no version resource, or C:\EXCHSRVR\BIN\DXA.EXE is not on this machine
      await ops.setGlobalMaxSeq!(1);
      let s = await host.state();
      expect(s.registry[KEY]?.GlobalMaxSeqInResync?.kind).toBe(t.transport === 'Rpc' ? 'DWord' : 'DWord');
      expect(Number(s.registry[KEY]?.GlobalMaxSeqInResync?.value)).toBe(1);
      expect((await ops.getSequenceSettings!()).globalMaxSeqInResync).toBe(1);
      const writes = (st: ShadowState) => st.calls.filter((c) => ['New-ItemProperty', 'Set-ItemProperty', 'Remove-ItemProperty', 'RegistryKey.SetValue', 'RegistryKey.DeleteValue'].includes(c.cmd as string));
      expect(writes(s)).toHaveLength(1);
      await ops.setGlobalMaxSeq!(1);
      s = await host.state();
      expect(writes(s)).toHaveLength(1);
      await ops.setGlobalMaxSeq!(null);
      s = await host.state();
      expect(s.registry[KEY]?.GlobalMaxSeqInResync).toBeUndefined();
      expect((await ops.getSequenceSettings!()).globalMaxSeqInResync).toBeNull();
      await ops.setGlobalMaxSeq!(null);
      expect(writes(await host.state())).toHaveLength(2);
    });

    it(`${t.transport}: stops and starts the service, reports timeouts and failed starts`, async () => {
      const { ops, host } = await openWith(dssState(), t);
      expect(await ops.getService()).toMatchObject({ name: SVC, status: 'Running' });
      expect((await ops.stopService(10_000)).status).toBe('Stopped');
      expect((await ops.startService(10_000)).status).toBe('Running');
      const s = await host.state();
      expect(s.calls.filter((c) => String(c.cmd).startsWith('ServiceController.') && c.cmd !== 'ServiceController.new').map((c) => c.cmd)).toEqual([
        'ServiceController.Stop',
        'ServiceController.WaitForStatus',
        'ServiceController.Start',
        'ServiceController.WaitForStatus',
      ]);
      if (t.transport === 'Rpc') {
        expect(s.calls.filter((c) => c.cmd === 'ServiceController.new').every((c) => c.name === SVC && c.computerName === 'DSS01')).toBe(true);
        // One controller (one RPC bind to the DSS) for get, stop and start together.
        expect(s.calls.filter((c) => c.cmd === 'ServiceController.new')).toHaveLength(1);
      }
      else expect(s.calls.filter((c) => c.cmd === 'Get-Service').every((c) => c.name === SVC)).toBe(true);
      await host.setState(dssState({ behavior: 'hang' }));
      await expect(ops.stopService(500)).rejects.toMatchObject({ id: 'ServiceStopTimeout' });
      await host.setState(dssState({ status: 'Stopped', behavior: 'fail' }));
      await expect(ops.startService(5000)).rejects.toMatchObject({ id: 'ServiceStartFailed' });
    });
  }

  it('Local: finds Dxadata from the setup key, watches it, and moves Resync.glb out verified', async () => {
    const root = mkdtempSync(join(tmpdir(), 'resyncglb-winint-'));
    const install = join(root, 'exchsrvr');
    const dx = `${install}\\${CONTRACT.dxadataFolder}`; // the scripts join DSS paths with a backslash
    mkdirSync(dx, { recursive: true });
    const { ops } = await openWith(dssState({ install }), { transport: 'Local' });
    const where = await ops.resolveDxadata();
    expect(where.path).toBe(dx);
    expect(where.source).toBe('Setup');
    expect(where.freeBytes).toBeGreaterThan(0);
    const file = ops.path.join(where.path, CONTRACT.resyncFileName);
    expect(await ops.statFile(file)).toBeNull();
    let events = 0;
    const w = ops.watch(where.path, () => {
      events += 1;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff));
    writeFileSync(file, content);
    for (let i = 0; i < 200 && events === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    w.close();
    expect(events).toBeGreaterThan(0);
    expect(await ops.statFile(file)).toMatchObject({ length: content.length });
    expect(await ops.isOpenForWrite(file)).toBe(false);
    const to = join(root, 'out', 'Resync.glb');
    const r = await ops.takeFile(file, to);
    expect(r).toEqual({ length: content.length, sha256: createHash('sha256').update(content).digest('hex').toUpperCase() });
    expect(readFileSync(to).equals(content)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('Remoting with a credential: the password reaches New-PSSession through the one-shot pipe only (real pwsh NamedPipeClientStream)', async () => {
    const secret = { userName: 'CORP\\dxadmin', password: "pa$$w'rd \u2019 Zürich 🔑" };
    const { ops, host } = await openWith(dssState(), { transport: 'Remoting', computerName: 'DSS01', secret });
    await ops.getService();
    const s = await host.state();
    expect(s.sessions).toHaveLength(1);
    expect(s.sessions[0]).toMatchObject({ computerName: 'DSS01', userName: 'CORP\\dxadmin', openTimeout: 30_000 });
    expect(s.sessions[0]?.passwordSha256).toBe(createHash('sha256').update(secret.password, 'utf8').digest('hex'));
    const everything = JSON.stringify(s);
    expect(everything).not.toContain(secret.password);
    expect(everything).not.toContain(Buffer.from(secret.password, 'utf8').toString('base64'));
    expect(s.history.some((h) => h.includes('Initialize-DssSession.ps1'))).toBe(true);
    expect(host.inner.historySize).toBe(0);
  });

  it('a module installed under a non-ASCII path with a quote (/tmp/…/José’s Modules) runs its scripts: the path travels as base64', async () => {
    const { cpSync } = await import('node:fs');
    const dir = join(mkdtempSync(join(tmpdir(), 'resyncglb-path-')), 'José’s Modules', 'ps1');
    cpSync(PS1, dir, { recursive: true });
    const host = new NodePowerShellHost({ executable: PWSH as string });
    try {
      const file = join(dir, '_Common.ps1');
      const command = buildCommand(dir, SCRIPTS.fileInfo, { transport: 'Local', computerName: '', path: file });
      expect(command).toMatch(/^[\x20-\x7E]+$/);
      const r = parseEnvelope(await host.invoke({ command, timeoutMs: 60_000 }), SCRIPTS.fileInfo);
      expect(r).toMatchObject({ ok: true, data: { exists: true, length: readFileSync(file).length } });
    } finally {
      await host.dispose();
    }
  });

  it('the credential pipe: a wrong token gets nothing, a missing pipe fails fast; both CredentialUnavailable, no connection made', async () => {
    const host = new ShadowedHost(new NodePowerShellHost({ executable: PWSH as string }));
    await host.setState(dssState());
    try {
      const pipe = await openSecretPipe('never-handed-out');
      const request = (name: string, token: string) => ({ transport: 'Remoting', computerName: 'DSS01', userName: 'u', secret: 'pipe', secretPipe: { name, token, timeoutMs: 2000 } });
      try {
        const wrong = parseEnvelope(await host.invoke({ command: buildCommand(PS1, SCRIPTS.initialize, request(pipe.pipeName, 'f'.repeat(64))), timeoutMs: 60_000 }), 'Initialize-DssSession.ps1');
        expect(wrong).toMatchObject({ ok: false, error: { id: 'CredentialUnavailable', message: expect.stringContaining('without sending the credential') } });
        expect(pipe.served).toBe(false);
      } finally {
        await pipe.close();
      }
      const started = Date.now();
      const missing = parseEnvelope(await host.invoke({ command: buildCommand(PS1, SCRIPTS.initialize, request(pipe.pipeName, pipe.token)), timeoutMs: 60_000 }), 'Initialize-DssSession.ps1');
      expect(missing).toMatchObject({ ok: false, error: { id: 'CredentialUnavailable', message: expect.stringContaining('nothing was sent to the DSS') } });
      expect(Date.now() - started).toBeLessThan(45_000); // bounded by the pipe's own timeout, not the call's 90 s
      expect((await host.state()).sessions).toHaveLength(0);
    } finally {
      await host.dispose();
    }
  });

  it('Auto: an unreachable WinRM falls back to Rpc; an unreachable host is HostUnreachable', async () => {
    const host = new ShadowedHost(new NodePowerShellHost({ executable: PWSH as string }));
    await host.setState(dssState());
    const err = await openWindowsOperations({ computerName: 'unreachable', host, scriptDir: PS1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'HostUnreachable', message: expect.stringContaining('PowerShell remoting was tried first') });
  });

  it('Remoting: a call that hangs is ConnectionLost; the next call runs in a rebuilt child', async () => {
    const { ops, host } = await openWith(dssState({ behavior: 'sleep' }), { transport: 'Remoting', computerName: 'DSS01', serviceCallMarginMs: 3000 });
    const before = host.generation;
    const err = (await ops.stopService(1000).catch((e: unknown) => e)) as { id: string; details: { manualSteps: string[] } };
    expect(err.id).toBe('ConnectionLost');
    expect(err.details.manualSteps.length).toBeGreaterThan(0);
    expect(host.generation).toBe(before + 1);
    await host.setState(dssState());
    expect(await ops.getService()).toMatchObject({ status: 'Running' });
  });
});
