/**
 * Envelopes to errors, ConnectionLost with manual steps, the rebuild after a timeout, disposal in
 * every path, and the small pure helpers (transport plan, admin share paths, script folder).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/shared/contract';
import { openWindowsOperations } from '../../src/operations/windows';
import { adminSharePath, checkComputerName, isLocalComputer, planTransport } from '../../src/operations/windows/transport';
import { findScriptDir } from '../../src/operations/windows/scripts';
import { parseEnvelope } from '../../src/operations/windows/envelope';
import { FakePowerShellHost, fail, ok, withSession } from '../support/windows-fake-host';

const PS1 = resolve(__dirname, '..', '..', 'ps1');

describe('envelopes', () => {
  it('takes the last line, and refuses output that is not an envelope', () => {
    expect(parseEnvelope('noise\r\n{"ok":true,"data":{"a":1}}\r\n', 'X.ps1')).toEqual({ ok: true, data: { a: 1 } });
    expect(() => parseEnvelope('', 'X.ps1')).toThrow(/wrote nothing/);
    expect(() => parseEnvelope('WARNING: hello', 'X.ps1')).toThrow(/did not end with a JSON line/);
    expect(() => parseEnvelope('{"data":1}', 'X.ps1')).toThrow(/not an envelope/);
    expect(() => parseEnvelope('{"ok":false,"error":{}}', 'X.ps1')).toThrow(/without an id/);
  });

  it('maps script errors to ResyncErrors by id; unknown ids become Internal', async () => {
    const host = new FakePowerShellHost(withSession(() => fail('SomethingNew', 'odd')));
    const ops = await openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 });
    await expect(ops.removeResyncValue()).rejects.toMatchObject({ id: 'Internal', details: { reportedId: 'SomethingNew' } });
    host.setHandler(withSession(() => ({ raw: 'not json' })));
    await expect(ops.removeResyncValue()).rejects.toMatchObject({ id: 'ProtocolError' });
    host.setHandler(withSession(() => fail('AccessDenied', 'Requested registry access is not allowed.', 'HKLM:\\x')));
    await expect(ops.removeResyncValue()).rejects.toMatchObject({ id: 'AccessDenied', details: { target: 'HKLM:\\x', script: 'Remove-ResyncValue.ps1' } });
    await ops.dispose();
  });
});

describe('a connection dropped mid-run', () => {
  it('ConnectionLost names the step, what state the DSS may be in and how to finish by hand', async () => {
    const host = new FakePowerShellHost(withSession(() => fail('ConnectionLost', 'The WinRM client cannot process the request.')));
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 });
    const err = (await ops.setResyncValue(['PO1']).catch((e: unknown) => e)) as { id: string; message: string; details: { manualSteps: string[] } };
    expect(err.id).toBe('ConnectionLost');
    expect(err.message).toContain('DSS01');
    expect(err.message).toContain('Set-ResyncValue.ps1');
    expect(err.message).toContain(`${CONTRACT.resyncValue.name} may or may not have been written`);
    expect(err.message).toContain(`Remove-ItemProperty -LiteralPath '${CONTRACT.serviceKey.psPath}' -Name ${CONTRACT.resyncValue.name}`);
    expect(err.details.manualSteps).toHaveLength(3);
    expect(err.details.manualSteps[1]).toContain(`Get-Service ${CONTRACT.service.name}`);
    await ops.dispose();
  });

  it('a remote call that times out is ConnectionLost; a local one is Timeout', async () => {
    const host = new FakePowerShellHost(withSession(() => ({ fail: 'timeout' })));
    const remote = await openWindowsOperations({ transport: 'Rpc', computerName: 'DSS01', host, scriptDir: PS1 });
    await expect(remote.stopService(1000)).rejects.toMatchObject({ id: 'ConnectionLost', message: expect.stringContaining('may be stopping, stopped or still running') });
    await remote.dispose();
    const host2 = new FakePowerShellHost(withSession(() => ({ fail: 'timeout' })));
    const local = await openWindowsOperations({ transport: 'Local', host: host2, scriptDir: PS1 });
    await expect(local.stopService(1000)).rejects.toMatchObject({ id: 'Timeout' });
    await local.dispose();
  });

  it('an unanswered Initialize is HostUnreachable; a missing executable is PowerShellNotFound', async () => {
    const host = new FakePowerShellHost(() => ({ fail: 'timeout' }));
    await expect(openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'HostUnreachable' });
    const host2 = new FakePowerShellHost(() => ({ fail: 'not-found' }));
    await expect(openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host: host2, scriptDir: PS1 })).rejects.toMatchObject({ id: 'PowerShellNotFound' });
    expect(host.disposeCount).toBe(1);
    expect(host2.disposeCount).toBe(1);
  });
});

describe('the PowerShell session lifecycle', () => {
  it('after a timeout the next call opens the DSS connection again first', async () => {
    let fails = 1;
    const host = new FakePowerShellHost(
      withSession((script) => {
        if (script === 'Get-ResyncValue.ps1' && fails-- > 0) return { fail: 'timeout' };
        return ok({ keyExists: true, present: false });
      }),
    );
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 });
    await expect(ops.getResyncValue()).rejects.toMatchObject({ id: 'ConnectionLost' });
    expect(await ops.getResyncValue()).toBeNull();
    expect(await ops.getResyncValue()).toBeNull();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-ResyncValue.ps1', 'Initialize-DssSession.ps1', 'Get-ResyncValue.ps1', 'Get-ResyncValue.ps1']);
    await ops.dispose();
  });

  it('calls made at the same time after a rebuild open the connection once', async () => {
    let fails = 1;
    const host = new FakePowerShellHost(
      withSession((script) => {
        if (script === 'Get-DxService.ps1' && fails-- > 0) return { fail: 'exited' };
        if (script === 'Get-DxService.ps1') return ok({ exists: false });
        return ok({ keyExists: true, present: false });
      }),
    );
    const ops = await openWindowsOperations({ transport: 'Rpc', computerName: 'DSS01', host, scriptDir: PS1 });
    await expect(ops.getService()).rejects.toMatchObject({ id: 'ConnectionLost' });
    const [svc, value] = await Promise.all([ops.getService(), ops.getResyncValue()]);
    expect(svc).toBeNull();
    expect(value).toBeNull();
    expect(host.scripts().filter((s) => s === 'Initialize-DssSession.ps1')).toHaveLength(2);
    await ops.dispose();
  });

  it('dispose closes the DSS connection then the host, once, even when called twice', async () => {
    const host = new FakePowerShellHost(withSession(() => ok()));
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 });
    await ops.dispose();
    await ops.dispose();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Close-DssSession.ps1']);
    expect(host.disposeCount).toBe(1);
    await expect(ops.getResyncValue()).rejects.toMatchObject({ id: 'Internal' });
  });

  it('dispose still disposes the host when closing the DSS connection fails', async () => {
    const host = new FakePowerShellHost(withSession(() => ok()));
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 });
    host.setHandler(() => ({ fail: 'exited' }));
    await ops.dispose();
    expect(host.disposeCount).toBe(1);
  });

  it('a failed open disposes the host (the finally path of openWindowsOperations)', async () => {
    const host = new FakePowerShellHost(() => fail('OperationFailed', 'boom'));
    await expect(openWindowsOperations({ transport: 'Local', host, scriptDir: PS1 })).rejects.toMatchObject({ id: 'OperationFailed' });
    expect(host.disposeCount).toBe(1);
  });
});

describe('transport helpers', () => {
  it('knows this computer', () => {
    expect(isLocalComputer(undefined, 'ws1.corp')).toBe(true);
    expect(isLocalComputer('WS1', 'ws1.corp')).toBe(true);
    expect(isLocalComputer('ws1.corp', 'ws1.corp')).toBe(true);
    expect(isLocalComputer('::1', 'ws1')).toBe(true);
    expect(isLocalComputer('dss01', 'ws1')).toBe(false);
  });

  it('plans attempts', () => {
    expect(planTransport('Auto', 'DSS01', false).attempts).toEqual(['Remoting', 'Rpc']);
    expect(planTransport(undefined, '.', false).attempts).toEqual(['Local']);
    expect(planTransport('Rpc', 'DSS01', true).attempts).toEqual(['Rpc']);
  });

  it('accepts host names and IPv4 only', () => {
    for (const good of ['DSS01', 'dss-01.corp.example.com', '10.1.2.3', 'EXCH_DSS']) expect(checkComputerName(good)).toBe(good);
    for (const bad of ['', 'a b', '\\\\DSS01', 'DSS01\\C$', 'dss$', "d'x", 'x;y', '-lead', '999.1.1.1.1', 'a'.repeat(254)]) {
      expect(() => checkComputerName(bad), bad).toThrow();
    }
  });

  it('maps DSS paths to the administrative share as ps1/_Common.ps1 does', () => {
    expect(adminSharePath('DSS01', 'C:\\exchsrvr\\Dxadata\\Resync.glb')).toBe('\\\\DSS01\\C$\\exchsrvr\\Dxadata\\Resync.glb');
    expect(adminSharePath('DSS01', 'd:')).toBe('\\\\DSS01\\D$');
    expect(adminSharePath('DSS01', '\\\\DSS01\\E$\\x')).toBe('\\\\DSS01\\E$\\x');
    expect(() => adminSharePath('DSS01', 'exchsrvr\\Dxadata')).toThrow(/not an absolute path/);
  });
});

describe('the ps1 folder', () => {
  it('is found walking up from the code, and must hold _Common.ps1', () => {
    expect(findScriptDir()).toBe(PS1);
    const root = mkdtempSync(join(tmpdir(), 'resyncglb-ps1-'));
    mkdirSync(join(root, 'module', 'ResyncGlb', 'bin'), { recursive: true });
    mkdirSync(join(root, 'module', 'ResyncGlb', 'ps1'));
    writeFileSync(join(root, 'module', 'ResyncGlb', 'ps1', '_Common.ps1'), '');
    expect(findScriptDir(undefined, join(root, 'module', 'ResyncGlb', 'bin'))).toBe(join(root, 'module', 'ResyncGlb', 'ps1'));
    expect(() => findScriptDir(join(root, 'module'))).toThrow(/has no _Common.ps1/);
  });

  it('is found from the Windows engine\'s folder, bin/win-x64 (the exe\'s __dirname)', () => {
    const module = join(mkdtempSync(join(tmpdir(), 'resyncglb-ps1-')), 'ResyncGlb');
    mkdirSync(join(module, 'bin', 'win-x64'), { recursive: true });
    mkdirSync(join(module, 'ps1'));
    writeFileSync(join(module, 'ps1', '_Common.ps1'), '');
    expect(findScriptDir(undefined, join(module, 'bin', 'win-x64'))).toBe(join(module, 'ps1'));
  });
});

describe('Rpc: an SMB failure is told apart from a host that does not answer', () => {
  it('nothing listening on the SMB ports: HostUnreachable; something listening: SmbUnavailable naming the cause', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const listening = (server.address() as { port: number }).port;
    const closed = await new Promise<number>((r) => {
      const t = createServer();
      t.listen(0, '127.0.0.1', () => {
        const p = (t.address() as { port: number }).port;
        t.close(() => r(p));
      });
    });
    try {
      const smbFail = () => new FakePowerShellHost(() => fail('SmbUnavailable', '\\\\127.0.0.1\\ADMIN$ cannot be reached over SMB (error 53: The network path was not found).', '\\\\127.0.0.1\\ADMIN$'));
      const down = await openWindowsOperations({ transport: 'Rpc', computerName: '127.0.0.1', host: smbFail(), scriptDir: PS1, smbPorts: [closed] }).catch((e: unknown) => e);
      expect(down).toMatchObject({ id: 'HostUnreachable', message: expect.stringContaining(`does not answer on TCP ${closed}`) });
      const up = await openWindowsOperations({ transport: 'Rpc', computerName: '127.0.0.1', host: smbFail(), scriptDir: PS1, smbPorts: [listening] }).catch((e: unknown) => e);
      expect(up).toMatchObject({ id: 'SmbUnavailable', message: expect.stringMatching(/error 53.*answer on TCP \d+, so the SMB session itself failed/) });
    } finally {
      server.close();
    }
  });
});
