/**
 * The credential reaches Initialize-DssSession.ps1 once per child, as the stdin line that the
 * script reads itself: never in command text, never in a request, never in an error message.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWindowsOperations } from '../../src/operations/windows';
import { FakePowerShellHost, fail, ok, withSession } from '../support/windows-fake-host';

const PS1 = resolve(__dirname, '..', '..', 'ps1');
const SECRET = { userName: 'CORP\\dxadmin', password: "pa$$w0rd'\"`;|\u2019 Zürich 🔑" };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every place the password could hide in a recorded call, except the field designed for it. */
function leaks(text: string): string[] {
  const found: string[] = [];
  const forms = {
    plain: SECRET.password,
    base64: b64(SECRET.password),
    jsonEscaped: JSON.stringify(SECRET.password).slice(1, -1),
    base64OfJson: b64(JSON.stringify({ password: SECRET.password })).slice(0, 20),
  };
  for (const [k, v] of Object.entries(forms)) if (text.includes(v)) found.push(k);
  return found;
}

describe('credentials', () => {
  for (const transport of ['Remoting', 'Rpc'] as const) {
    it(`${transport}: only Initialize-DssSession.ps1's stdin line carries the password`, async () => {
      const host = new FakePowerShellHost(withSession(() => ok({ keyExists: true, present: false })));
      const ops = await openWindowsOperations({ transport, computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET });
      await ops.getResyncValue();
      await ops.setResyncValue(['PO1']);
      await ops.dispose();

      const withStdin = host.calls.filter((c) => c.stdinLine !== undefined);
      expect(withStdin.map((c) => c.script)).toEqual(['Initialize-DssSession.ps1']);
      expect(withStdin[0]?.stdinLine).toBe('#' + b64(SECRET.password));
      expect(withStdin[0]?.request).toMatchObject({ userName: SECRET.userName, secret: 'stdin', transport });
      // Dump every recorded invocation without the one designed field: no trace of the password.
      const dump = JSON.stringify(host.calls.map(({ stdinLine: _s, requestBytes, ...rest }) => ({ ...rest, requestText: requestBytes.toString('utf8') })));
      expect(leaks(dump)).toEqual([]);
      expect(dump).toContain('CORP\\\\dxadmin'); // the user name is not secret and does travel
    });
  }

  it('a rebuilt child gets the credential again, again only on stdin', async () => {
    let n = 0;
    const host = new FakePowerShellHost(
      withSession((script) => {
        if (script === 'Get-DxService.ps1' && n++ === 0) return { fail: 'timeout' };
        return ok({ exists: true, name: 'MSExchangeDX', displayName: 'x', status: 'Running', dependentServices: [] });
      }),
    );
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET });
    await expect(ops.getService()).rejects.toMatchObject({ id: 'ConnectionLost' });
    expect((await ops.getService())?.status).toBe('Running');
    await ops.dispose();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-DxService.ps1', 'Initialize-DssSession.ps1', 'Get-DxService.ps1', 'Close-DssSession.ps1']);
    expect(host.calls.filter((c) => c.stdinLine !== undefined).map((c) => c.script)).toEqual(['Initialize-DssSession.ps1', 'Initialize-DssSession.ps1']);
    const dump = JSON.stringify(host.calls.map(({ stdinLine: _s, requestBytes: _b, ...rest }) => rest));
    expect(leaks(dump)).toEqual([]);
  });

  it('error messages and details never carry the password', async () => {
    const host = new FakePowerShellHost(() => fail('AccessDenied', 'Access is denied.', 'DSS01'));
    const err = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET }).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'AccessDenied' });
    expect(leaks(JSON.stringify({ m: (err as Error).message, d: (err as { details: unknown }).details, s: (err as Error).stack }))).toEqual([]);
  });
});
