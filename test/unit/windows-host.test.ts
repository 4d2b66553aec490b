/**
 * NodePowerShellHost, for real, over node-powershell 5.0.1 — with a stand-in executable
 * (windows-fake-pwsh.cjs) that speaks the REPL protocol, since no pwsh is installed here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodePowerShellHost, SESSION_SETUP_COMMAND } from '../../src/operations/windows/node-powershell-host';
import { buildCommand } from '../../src/operations/windows/scripts';
import { DssScriptSession } from '../../src/operations/windows/session';
import { openSecretPipe } from '../../src/operations/windows/secret-pipe';

const FAKE_PWSH = resolve(__dirname, '..', 'support', 'windows-fake-pwsh.cjs');
const DIR = '/opt/resyncglb/ps1';
const cmd = (script: string, request: Record<string, unknown> = {}) => buildCommand(DIR, script as never, request);

const hosts: NodePowerShellHost[] = [];
function newHost(env: NodeJS.ProcessEnv = {}, startTimeoutMs = 20_000): NodePowerShellHost {
  const h = new NodePowerShellHost({ executable: FAKE_PWSH, env, startTimeoutMs, stopTimeoutMs: 3000 });
  hosts.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});

function data(stdout: string): Record<string, unknown> {
  return (JSON.parse(stdout) as { data: Record<string, unknown> }).data;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('NodePowerShellHost with a stand-in pwsh', { timeout: 60_000 }, () => {
  it('starts -NoProfile -NonInteractive with TERM=dumb, sets the session up first, and returns the answer', async () => {
    const saved = process.env.NODE_POWERSHELL;
    process.env.NODE_POWERSHELL = '/nonexistent/would-crash-node';
    try {
      const h = newHost();
      const d = data(await h.invoke({ command: cmd('Echo.ps1', { names: ['Zürich ‘x’ $(y)'] }), timeoutMs: 20_000 }));
      expect(d.argv).toEqual(expect.arrayContaining(['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-NoExit', '-Command', '-']));
      expect(d.env).toEqual({ TERM: 'dumb', NODE_POWERSHELL: null });
      expect(d.setupSeen).toBe(true);
      expect(d.request).toEqual({ names: ['Zürich ‘x’ $(y)'] });
      expect(h.generation).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NODE_POWERSHELL;
      else process.env.NODE_POWERSHELL = saved;
    }
  });

  it('sends the set-up line before anything else, and keeps no history', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'fakepwsh-')), 'log');
    const h = newHost({ FAKE_PWSH_LOG: log });
    await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 });
    expect(h.historySize).toBe(0);
    await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 });
    expect(h.historySize).toBe(0);
    const commands = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string).filter((l) => !l.startsWith('[Console]::'));
    expect(commands[0]).toBe(SESSION_SETUP_COMMAND);
    expect(commands.slice(1)).toEqual([cmd('Echo.ps1'), cmd('Echo.ps1')]);
  });

  it('reuses one child for every call', async () => {
    const h = newHost();
    const a = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    const b = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    expect(b.pid).toBe(a.pid);
  });

  it('a stdin line is read by the script, never parsed as a command, never kept', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'fakepwsh-')), 'log');
    const h = newHost({ FAKE_PWSH_LOG: log });
    const secretLine = '#' + Buffer.from('s3cret pässword', 'utf8').toString('base64');
    const d = data(await h.invoke({ command: cmd('Initialize-DssSession.ps1', { secret: 'stdin', userName: 'u' }), stdinLine: secretLine, timeoutMs: 20_000 }));
    const { createHash } = await import('node:crypto');
    expect(d.secretSha256).toBe(createHash('sha256').update(secretLine, 'utf8').digest('hex'));
    expect(h.historySize).toBe(0);
    // The next call still works: the delimiters were not eaten.
    expect(data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 })).pid).toBe(d.pid);
    const logged = readFileSync(log, 'utf8');
    expect(logged).not.toContain(secretLine);
    expect(logged).not.toContain(secretLine.slice(1));
  });

  it('after a timeout the child is stopped and the next call runs in a new one', async () => {
    const h = newHost();
    const first = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    await expect(h.invoke({ command: cmd('Hang.ps1'), timeoutMs: 300 })).rejects.toMatchObject({ name: 'PowerShellHostError', kind: 'timeout' });
    expect(h.generation).toBe(1);
    expect(alive(first.pid as number)).toBe(false);
    const second = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    expect(second.pid).not.toBe(first.pid);
    expect(h.generation).toBe(1);
  });

  it('a child that exits mid-call is reported, without crashing Node, and replaced', async () => {
    const h = newHost();
    await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 });
    await expect(h.invoke({ command: cmd('Exit.ps1'), timeoutMs: 20_000 })).rejects.toMatchObject({ kind: 'exited' });
    expect(h.generation).toBe(1);
    expect(data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 })).script).toBe('Echo.ps1');
  });

  it('a child killed between calls does not crash Node; the next call starts a new one', async () => {
    const h = newHost();
    const a = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    process.kill(a.pid as number, 'SIGKILL');
    for (let i = 0; i < 100 && h.generation === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(h.generation).toBe(1);
    const b = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    expect(b.pid).not.toBe(a.pid);
  });

  it('output on the error stream fails the call but keeps the child', async () => {
    const h = newHost();
    const a = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    await expect(h.invoke({ command: cmd('Stderr.ps1'), timeoutMs: 20_000 })).rejects.toMatchObject({ kind: 'stderr', message: expect.stringContaining('Something went wrong') });
    await expect(h.invoke({ command: cmd('Stderr.ps1'), stdinLine: '#c2VjcmV0', timeoutMs: 20_000 })).rejects.toMatchObject({ kind: 'stderr', message: expect.stringContaining('withheld') });
    expect(h.generation).toBe(0);
    expect(data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 })).pid).toBe(a.pid);
  });

  it('dispose stops the child and refuses later calls', async () => {
    const h = newHost();
    const a = data(await h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 }));
    await h.dispose();
    await h.dispose();
    expect(alive(a.pid as number)).toBe(false);
    await expect(h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'disposed' });
  });

  it('a PowerShell that never answers its first line is not-found (it does not start), not a hang', async () => {
    const h = newHost({ FAKE_PWSH_MUTE: '1' }, 500);
    await expect(h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 20_000 })).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining('did not start') });
  });

  it('an executable removed after the check is not-found, not a crash', async () => {
    const h = new NodePowerShellHost({ executable: '/nonexistent/pwsh' });
    await expect(h.invoke({ command: cmd('Echo.ps1'), timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('no unhandled rejection reaches Node (child processes)', () => {
  // The child is bundled with esbuild (as the product is) into a temp file and run with plain node.
  let bundle = '';
  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'resyncglb-hostchild-')), 'child.cjs');
    await build({
      entryPoints: [resolve(__dirname, '..', 'support', 'windows-host-child.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['supports-color'],
      define: { 'process.env.RESYNCGLB_TEST_PS1': JSON.stringify(resolve(__dirname, '..', '..', 'ps1')), 'process.env.RESYNCGLB_TEST_FAKE_PWSH': JSON.stringify(FAKE_PWSH) },
      logLevel: 'silent',
    });
    bundle = out;
  }, 60_000);

  function run(mode: string, env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [bundle, mode], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('a missing executable gives PowerShellNotFound and a normal exit', () => {
    expect(existsSync(bundle)).toBe(true);
    const r = run('missing');
    expect(r.stderr).not.toMatch(/Unhandled|ProcessError/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() as string)).toEqual({ missing: 'PowerShellNotFound' });
  }, 60_000);

  it('an executable that passes the check but cannot be spawned (ENOENT interpreter) does not crash Node', () => {
    const r = run('bad-interpreter');
    expect(r.stderr).not.toMatch(/Unhandled|ProcessError/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() as string)).toEqual({ badInterpreter: 'PowerShellNotFound' });
  }, 60_000);

  it('with DEBUG=* nothing from node-powershell reaches stdout, and no credential anywhere', () => {
    const r = run('debug', { DEBUG: '*' });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ debug: 'ok' });
    expect(r.stdout + r.stderr).not.toContain('cGFzc3dvcmQtZm9yLWRlYnVn'); // base64 of the password
    expect(r.stdout + r.stderr).not.toContain('password-for-debug');
  }, 60_000);
});

describe('the credential under a host that swallows standard input (Windows PowerShell 5.1 console host)', { timeout: 60_000 }, () => {
  const SECRET = { userName: 'CORP\\dxadmin', password: "pa$$w'rd \u2019 Zürich 🔑" };
  const line = '#' + Buffer.from(SECRET.password, 'utf8').toString('base64');

  it('reaches Initialize-DssSession.ps1 through the one-shot pipe, not stdin, and is in no command', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'fakepwsh-')), 'log');
    const h = newHost({ FAKE_PWSH_CONSOLE51: '1', FAKE_PWSH_LOG: log });
    const session = new DssScriptSession(h, DIR, 'Remoting', 'DSS01', SECRET, { invocationTimeoutMs: 5000, connectTimeoutMs: 5000 });
    const info = await session.open();
    expect(info.transport).toBe('Remoting');
    const { createHash } = await import('node:crypto');
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(entries).toContainEqual({ secretSha256: createHash('sha256').update(line, 'utf8').digest('hex') });
    const commands = entries.filter((e): e is string => typeof e === 'string').join('\n');
    expect(commands).not.toContain(line.slice(1));
    expect(commands).not.toContain(SECRET.password);
    await session.close();
  });

  it('the pipe is gone after the call: nobody can read the credential later', async () => {
    const net = await import('node:net');
    const pipe = await openSecretPipe(SECRET.password);
    const read = (token: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(pipe.pipeName);
        let got = '';
        s.on('connect', () => s.write(`${token}\n`));
        s.on('data', (d) => (got += d.toString()));
        s.on('error', () => resolve(`error:${got}`));
        s.on('close', () => resolve(got));
      });
    // A client without the token gets nothing, and the pipe keeps waiting for the right one.
    expect(await read('0'.repeat(64))).toBe('');
    expect(pipe.served).toBe(false);
    expect(await read(pipe.token)).toBe(`${line}\n`);
    expect(pipe.served).toBe(true);
    // Served once: a second client, even with the token, gets nothing.
    expect(await read(pipe.token)).not.toContain(line);
    await pipe.close();
    expect(existsSync(pipe.pipeName)).toBe(false);
  });
});
