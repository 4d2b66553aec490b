/**
 * The Windows operations against a fake PowerShellHost: for every transport, each DssOperations
 * method sends exactly one fixed command `& '<ps1>\<script>' '<base64>'` whose decoded request
 * names the contract's hive, key, value, type and service, and the calls come in the right order.
 */
import { join, resolve } from 'node:path';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/shared/contract';
import { openWindowsOperations } from '../../src/operations/windows';
import type { DssOperations } from '../../src/operations/operations';
import { FakePowerShellHost, fail, ok, withSession, type Handler } from '../support/windows-fake-host';

const PS1 = resolve(__dirname, '..', '..', 'ps1');
const TRANSPORTS = [
  { transport: 'Local' as const, computerName: undefined, expectName: '.' },
  { transport: 'Remoting' as const, computerName: 'DSS01', expectName: 'DSS01' },
  { transport: 'Rpc' as const, computerName: 'dss01.corp.example', expectName: 'dss01.corp.example' },
];

const commandRe = /^& '([^']+)' '([A-Za-z0-9+/]*={0,2})'$/;

async function open(handler: Handler, t: (typeof TRANSPORTS)[number]): Promise<{ ops: DssOperations; host: FakePowerShellHost }> {
  const host = new FakePowerShellHost(withSession(handler));
  const ops = await openWindowsOperations({ transport: t.transport, computerName: t.computerName, host, scriptDir: PS1 });
  return { ops, host };
}

function serviceData(status: string) {
  return { exists: true, name: CONTRACT.service.name, displayName: CONTRACT.service.displayName, status, dependentServices: [{ name: 'Other', status: 'Stopped' }] };
}

describe('the contract is one consistent description of the DSS (docs/domain.md: Q150976, Q143380)', () => {
  it('the PowerShell paths are the keys they name, and the service key is the service\'s own', () => {
    for (const key of [CONTRACT.serviceKey, CONTRACT.setupKey]) {
      expect(key.psPath).toBe(`${CONTRACT.serviceKey.hiveShort}:\\${key.subKey}`);
      expect(key.hive).toBe(CONTRACT.serviceKey.hive);
    }
    expect(CONTRACT.serviceKey.subKey.split('\\')).toEqual(['SYSTEM', 'CurrentControlSet', 'Services', CONTRACT.service.name]);
  });
  it('the value is a list of strings in every vocabulary that writes it (REG_MULTI_SZ, MultiString, RegistryValueKind)', () => {
    expect([CONTRACT.resyncValue.type, CONTRACT.resyncValue.psPropertyType, CONTRACT.resyncValue.dotnetKind]).toEqual(['REG_MULTI_SZ', 'MultiString', 'MultiString']);
  });
});

describe.each(TRANSPORTS)('Windows operations over $transport', (t) => {
  it('opens with Initialize-DssSession.ps1 and sends only fixed commands with decodable requests', async () => {
    const { ops, host } = await open(() => ok({ keyExists: true, present: false, kind: null, values: null }), t);
    await ops.getResyncValue();
    await ops.dispose();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-ResyncValue.ps1', 'Close-DssSession.ps1']);
    for (const c of host.calls) {
      const m = commandRe.exec(c.command);
      expect(m, c.command).not.toBeNull();
      expect(m?.[1]).toBe(join(PS1, c.script));
      expect(JSON.parse(Buffer.from(m?.[2] as string, 'base64').toString('utf8'))).toEqual(c.request);
    }
    expect(host.calls[0]?.request).toMatchObject({ transport: t.transport, computerName: t.expectName, secret: null, userName: null });
    expect(host.calls[1]?.request).toMatchObject({ transport: t.transport, computerName: t.expectName });
    expect(host.disposeCount).toBe(1);
    expect(ops.target).toBe('windows');
    expect(ops.path).toBe(t.transport === 'Local' ? nodePath : nodePath.win32);
  });

  it('reads ResyncConnectionRDNs from the contract key as REG_MULTI_SZ', async () => {
    const { ops, host } = await open(() => ok({ keyExists: true, present: true, kind: 'MultiString', values: ['PO1', 'PO 2'] }), t);
    expect(await ops.getResyncValue()).toEqual(['PO1', 'PO 2']);
    const r = host.calls[1]?.request as Record<string, unknown>;
    expect(r.key).toEqual({ hive: 'HKEY_LOCAL_MACHINE', subKey: CONTRACT.serviceKey.subKey, psPath: CONTRACT.serviceKey.psPath });
    expect(r.value).toEqual({ name: 'ResyncConnectionRDNs' });
    await ops.dispose();
  });

  it('returns null when the value is absent, and refuses a value of another kind', async () => {
    const { ops, host } = await open(() => ok({ keyExists: true, present: false, kind: null, values: null }), t);
    expect(await ops.getResyncValue()).toBeNull();
    host.setHandler(withSession(() => ok({ keyExists: true, present: true, kind: 'String', values: ['PO1'] })));
    await expect(ops.getResyncValue()).rejects.toMatchObject({ id: 'OperationFailed' });
    await ops.dispose();
  });

  it('writes the names with one Set-ResyncValue.ps1 call naming MultiString / REG_MULTI_SZ', async () => {
    const { ops, host } = await open(() => ok({ action: 'Created', previous: null }), t);
    await ops.setResyncValue(['PO1', 'Sales PO']);
    await ops.dispose();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Set-ResyncValue.ps1', 'Close-DssSession.ps1']);
    const r = host.calls[1]?.request as Record<string, unknown>;
    expect(r.key).toEqual({ hive: CONTRACT.serviceKey.hive, subKey: CONTRACT.serviceKey.subKey, psPath: CONTRACT.serviceKey.psPath });
    expect(r.value).toEqual({ name: CONTRACT.resyncValue.name, psPropertyType: 'MultiString', dotnetKind: 'MultiString' });
    expect(r.names).toEqual(['PO1', 'Sales PO']);
  });

  it('refuses an empty list or an empty name before calling PowerShell', async () => {
    const { ops, host } = await open(() => ok({}), t);
    await expect(ops.setResyncValue([])).rejects.toMatchObject({ id: 'InvalidRequestor' });
    await expect(ops.setResyncValue(['PO1', ''])).rejects.toMatchObject({ id: 'InvalidRequestor' });
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1']);
    await ops.dispose();
  });

  it('removes the value with one Remove-ResyncValue.ps1 call', async () => {
    const { ops, host } = await open(() => ok({ removed: true }), t);
    await ops.removeResyncValue();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Remove-ResyncValue.ps1']);
    expect(host.calls[1]?.request).toMatchObject({ key: { psPath: CONTRACT.serviceKey.psPath, subKey: CONTRACT.serviceKey.subKey, hive: CONTRACT.serviceKey.hive }, value: { name: CONTRACT.resyncValue.name } });
    await ops.dispose();
  });

  it('gets, stops and starts the contract service, in that order, with the timeouts', async () => {
    const statuses: Record<string, string> = { 'Get-DxService.ps1': 'Running', 'Stop-DxService.ps1': 'Stopped', 'Start-DxService.ps1': 'Running' };
    const { ops, host } = await open((script) => ok(serviceData(statuses[script] ?? 'Running')), t);
    expect(await ops.getService()).toEqual({ name: 'MSExchangeDX', displayName: CONTRACT.service.displayName, status: 'Running', dependentServices: ['Other'] });
    expect((await ops.stopService(45_000)).status).toBe('Stopped');
    expect((await ops.startService(50_000)).status).toBe('Running');
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-DxService.ps1', 'Stop-DxService.ps1', 'Start-DxService.ps1']);
    for (const c of host.calls.slice(1)) expect(c.request.service).toEqual({ name: 'MSExchangeDX' });
    expect(host.calls[2]?.request.timeoutMs).toBe(45_000);
    expect(host.calls[3]?.request.timeoutMs).toBe(50_000);
    // The call's own limit covers the service timeout plus a margin.
    expect(host.calls[2]?.timeoutMs).toBeGreaterThan(45_000);
    await ops.dispose();
  });

  it('reports a missing service as null and maps service errors to their ids', async () => {
    const { ops, host } = await open(() => ok({ exists: false }), t);
    expect(await ops.getService()).toBeNull();
    host.setHandler(withSession(() => fail('ServiceStopTimeout', 'did not stop')));
    await expect(ops.stopService(1000)).rejects.toMatchObject({ id: 'ServiceStopTimeout', message: 'did not stop' });
    host.setHandler(withSession(() => fail('ServiceStartFailed', 'stopped while starting')));
    await expect(ops.startService(1000)).rejects.toMatchObject({ id: 'ServiceStartFailed' });
    await ops.dispose();
  });

  it('asks Resolve-Dxadata.ps1 with every contract name, and passes an explicit path through', async () => {
    const dx = t.transport === 'Local' ? resolve('/srv/exchsrvr/Dxadata') : 'C:\\exchsrvr\\Dxadata';
    const { ops, host } = await open(() => ok({ path: dx, dssPath: dx, source: 'Setup', freeBytes: 1234, tried: [] }), t);
    expect(await ops.resolveDxadata()).toEqual({ path: dx, source: 'Setup', freeBytes: 1234 });
    expect(host.calls[1]?.request).toMatchObject({
      explicitPath: null,
      serviceKey: { hive: CONTRACT.serviceKey.hive, subKey: CONTRACT.serviceKey.subKey, psPath: CONTRACT.serviceKey.psPath },
      dxaDataPathValue: 'DXADataPath',
      imagePathValue: 'ImagePath',
      setupKey: { hive: CONTRACT.setupKey.hive, subKey: CONTRACT.setupKey.subKey, psPath: CONTRACT.setupKey.psPath },
      installPathValue: 'Services',
      dxadataFolder: 'Dxadata',
      binary: 'BIN\\DXA.EXE',
    });
    await ops.resolveDxadata(dx);
    expect(host.calls[2]?.request.explicitPath).toBe(dx);
    await expect(ops.resolveDxadata('relative\\path')).rejects.toMatchObject({ id: 'InvalidPath' });
    expect(host.calls).toHaveLength(3);
    host.setHandler(withSession(() => fail('DxadataNotFound', 'no folder')));
    await expect(ops.resolveDxadata()).rejects.toMatchObject({ id: 'DxadataNotFound' });
    await ops.dispose();
  });

  it('stats and tests files by path', async () => {
    const dir = t.transport === 'Local' ? resolve('/srv/dx') : 'C:\\exchsrvr\\Dxadata';
    const file = ops_join(t.transport, dir, 'Resync.glb');
    const { ops, host } = await open((script) => {
      if (script === 'Get-DssFileInfo.ps1') return ok({ exists: true, length: 49, lastWriteTimeUtc: '2026-01-02T03:04:05.000Z', lastWriteTicks: '1' });
      if (script === 'Test-DssFileOpenForWrite.ps1') return ok({ exists: true, openForWrite: true });
      return fail('ProtocolError', `unexpected ${script}`);
    }, t);
    expect(await ops.statFile(file)).toEqual({ path: file, length: 49, lastWriteTimeUtc: '2026-01-02T03:04:05.000Z' });
    expect(await ops.isOpenForWrite(file)).toBe(true);
    expect(host.scripts().slice(1)).toEqual(['Get-DssFileInfo.ps1', 'Test-DssFileOpenForWrite.ps1']);
    expect(host.calls[1]?.request.path).toBe(file);
    host.setHandler(withSession(() => ok({ exists: false })));
    expect(await ops.statFile(file)).toBeNull();
    await ops.dispose();
  });
});

function ops_join(transport: string, dir: string, name: string): string {
  return transport === 'Local' ? nodePath.join(dir, name) : nodePath.win32.join(dir, name);
}

describe('transport choice', () => {
  it('Auto is Local for an empty name, ".", localhost', async () => {
    for (const computerName of [undefined, '', '.', 'localhost', 'LOCALHOST']) {
      const host = new FakePowerShellHost(withSession(() => ok()));
      const ops = await openWindowsOperations({ computerName, host, scriptDir: PS1 });
      expect(host.calls[0]?.request.transport).toBe('Local');
      expect(ops.computerName).toBe('WORKSTATION');
      await ops.dispose();
    }
  });

  it('Auto tries Remoting, then Rpc when WinRM cannot be reached', async () => {
    const session = withSession(() => ok({ keyExists: true, present: false }));
    const host: FakePowerShellHost = new FakePowerShellHost((script, req, call) => {
      if (script === 'Initialize-DssSession.ps1' && req.transport === 'Remoting') return fail('HostUnreachable', 'WinRM cannot complete the operation');
      return session(script, req, call);
    });
    const ops = await openWindowsOperations({ computerName: 'DSS01', host, scriptDir: PS1 });
    await ops.getResyncValue();
    expect(host.calls.map((c) => [c.script, c.request.transport])).toEqual([
      ['Initialize-DssSession.ps1', 'Remoting'],
      ['Initialize-DssSession.ps1', 'Rpc'],
      ['Get-ResyncValue.ps1', 'Rpc'],
    ]);
    expect(ops.path).toBe(nodePath.win32);
    await ops.dispose();
  });

  it('Auto reports both failures when Rpc cannot reach the host either, and disposes the host', async () => {
    const host = new FakePowerShellHost((_s, req) => fail('HostUnreachable', `${String(req.transport)} unreachable`));
    await expect(openWindowsOperations({ computerName: 'DSS01', host, scriptDir: PS1 })).rejects.toMatchObject({
      id: 'HostUnreachable',
      message: expect.stringMatching(/Rpc unreachable.*Remoting unreachable/),
    });
    expect(host.disposeCount).toBe(1);
  });

  it('refused credentials are not retried over another transport', async () => {
    const host = new FakePowerShellHost(() => fail('AccessDenied', 'Access is denied.'));
    await expect(openWindowsOperations({ computerName: 'DSS01', host, scriptDir: PS1, secret: { userName: 'CORP\\admin', password: 'pw' } })).rejects.toMatchObject({ id: 'AccessDenied' });
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1']);
    expect(host.disposeCount).toBe(1);
  });

  it('refuses bad combinations before starting PowerShell', async () => {
    const host = new FakePowerShellHost(() => ok());
    await expect(openWindowsOperations({ transport: 'Local', computerName: 'DSS01', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ transport: 'Remoting', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ transport: 'Rpc', computerName: ' ', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ computerName: 'DSS01\\C$', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ computerName: "dss'; Stop-Service", host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ secret: { userName: 'u', password: 'p' }, host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    await expect(openWindowsOperations({ transport: 'Bogus' as never, computerName: 'DSS01', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'Usage' });
    expect(host.calls).toHaveLength(0);
  });
});
