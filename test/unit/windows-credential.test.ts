/**
 * The credential reaches Initialize-DssSession.ps1 once per child, through the one-shot pipe the
 * engine serves for that call (secret-pipe.ts): never on stdin, never in command text, never in a
 * request, never in an error message.
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWindowsOperations } from '../../src/operations/windows';
import { FakePowerShellHost, fail, ok, withSession, type Handler } from '../support/windows-fake-host';

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

/** What the real script does: connect to the named pipe, send the token, read one line. */
function readPipe(request: Record<string, unknown>): Promise<string> {
  const p = request.secretPipe as { name: string; token: string };
  return new Promise((resolveLine, reject) => {
    const s = connect(p.name);
    let got = '';
    s.on('connect', () => s.write(`${p.token}\n`));
    s.on('data', (d) => (got += d.toString('utf8')));
    s.on('error', reject);
    s.on('close', () => resolveLine(got.split('\n')[0] as string));
  });
}

/** Answers Initialize-DssSession.ps1 after reading the pipe, as the script would; records what it read. */
function pipeReading(rest: Handler, read: string[]): Handler {
  const inner = withSession(rest);
  return async (script, request, call) => {
    if (script === 'Initialize-DssSession.ps1' && request.secret === 'pipe') read.push(await readPipe(request));
    return inner(script, request, call);
  };
}

describe('credentials', () => {
  for (const transport of ['Remoting', 'Rpc'] as const) {
    it(`${transport}: only Initialize-DssSession.ps1's stdin line carries the password`, async () => {
      const read: string[] = [];
      const host = new FakePowerShellHost(pipeReading(() => ok({ keyExists: true, present: false }), read));
      const ops = await openWindowsOperations({ transport, computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET });
      await ops.getResyncValue();
      await ops.setResyncValue(['PO1']);
      await ops.dispose();

      expect(host.calls.filter((c) => c.stdinLine !== undefined)).toEqual([]);
      expect(read).toEqual(['#' + b64(SECRET.password)]);
      const init = host.calls.filter((c) => c.request.secret === 'pipe');
      expect(init.map((c) => c.script)).toEqual(['Initialize-DssSession.ps1']);
      expect(init[0]?.request).toMatchObject({ userName: SECRET.userName, transport, secretPipe: { name: expect.any(String), token: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      // Dump every recorded invocation: no trace of the password anywhere.
      const dump = JSON.stringify(host.calls.map(({ requestBytes, ...rest }) => ({ ...rest, requestText: requestBytes.toString('utf8') })));
      expect(leaks(dump)).toEqual([]);
      expect(dump).toContain('CORP\\\\dxadmin'); // the user name is not secret and does travel
    });
  }

  it('a rebuilt child gets the credential again, again only through a new one-shot pipe', async () => {
    let n = 0;
    const read: string[] = [];
    const host = new FakePowerShellHost(
      pipeReading((script) => {
        if (script === 'Get-DxService.ps1' && n++ === 0) return { fail: 'timeout' };
        return ok({ exists: true, name: 'MSExchangeDX', displayName: 'x', status: 'Running', dependentServices: [] });
      }, read),
    );
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET });
    await expect(ops.getService()).rejects.toMatchObject({ id: 'ConnectionLost' });
    expect((await ops.getService())?.status).toBe('Running');
    await ops.dispose();
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1', 'Get-DxService.ps1', 'Initialize-DssSession.ps1', 'Get-DxService.ps1', 'Close-DssSession.ps1']);
    expect(host.calls.filter((c) => c.stdinLine !== undefined)).toEqual([]);
    expect(read).toEqual(['#' + b64(SECRET.password), '#' + b64(SECRET.password)]);
    const pipes = host.calls.filter((c) => c.request.secret === 'pipe').map((c) => c.request.secretPipe as { name: string; token: string });
    expect(pipes).toHaveLength(2);
    expect(pipes[0]!.name).not.toBe(pipes[1]!.name);
    expect(pipes[0]!.token).not.toBe(pipes[1]!.token);
    const dump = JSON.stringify(host.calls.map(({ requestBytes: _b, ...rest }) => rest));
    expect(leaks(dump)).toEqual([]);
  });

  it('a script that never reads the pipe: the pipe is closed after the call and the failure is specific', async () => {
    let name = '';
    const host = new FakePowerShellHost((_script, request) => {
      name = (request.secretPipe as { name: string }).name;
      return fail('CredentialUnavailable', 'The credential could not be read from the engine\'s credential pipe.');
    });
    const err = await openWindowsOperations({ transport: 'Rpc', computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET }).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'CredentialUnavailable', exitCode: 3 });
    // Auto would not fall through to another transport on it either: it is not HostUnreachable.
    expect(host.scripts()).toEqual(['Initialize-DssSession.ps1']);
    await expect(readPipe({ secretPipe: { name, token: 'x' } })).rejects.toMatchObject({ code: expect.stringMatching(/ENOENT|ECONNREFUSED/) });
  });

  it('error messages and details never carry the password', async () => {
    const host = new FakePowerShellHost(() => fail('AccessDenied', 'Access is denied.', 'DSS01'));
    const err = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1, secret: SECRET }).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'AccessDenied' });
    expect(leaks(JSON.stringify({ m: (err as Error).message, d: (err as { details: unknown }).details, s: (err as Error).stack }))).toEqual([]);
  });
});
