/**
 * The run lock kept on the DSS (ps1/Invoke-DssLock.ps1) through the real Windows operations: a
 * real pwsh child per workstation session, the real ps1 scripts; for Remoting the core runs in a
 * fresh runspace through the shadowed Invoke-Command (test/ps/Shadow.WindowsCommands.ps1), as on a
 * remote DSS. Two sessions that name the DSS differently meet one lock; a stale one is taken over.
 * The lab half goes through the built bundle: two runs from two local state folders, by two
 * spellings of the lab's path and name, give one success and one Busy.
 *
 * The pwsh half is skipped (with the reason in its name) unless a pwsh is found via RESYNCGLB_PWSH or PATH.
 */
import { mkdtempSync, rmSync, symlinkSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openWindowsOperations } from '../../src/operations/windows';
import type { DssOperations } from '../../src/operations/operations';
import { NodePowerShellHost } from '../../src/operations/windows/node-powershell-host';
import { RunLock } from '../../src/core/lock';
import { BUNDLE, cleanupLabs, cli, ensureBundle, newLab } from '../support/helpers';
import { PS1, PWSH, ShadowedHost } from '../support/shadowed-pwsh';

// The DSS's system root: the lock goes to <SystemRoot>/ResyncGlb/run.lock (pwsh children inherit it).
const systemRoot = mkdtempSync(join(tmpdir(), 'resync-dss-root-'));
const savedRoot = process.env.SystemRoot;
beforeAll(() => {
  process.env.SystemRoot = systemRoot;
});
afterAll(() => {
  if (savedRoot === undefined) delete process.env.SystemRoot;
  else process.env.SystemRoot = savedRoot;
  rmSync(systemRoot, { recursive: true, force: true });
});

const opened: DssOperations[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.dispose()));
  rmSync(join(systemRoot, 'ResyncGlb'), { recursive: true, force: true });
  cleanupLabs();
});

async function open(transport: 'Local' | 'Remoting', computerName: string): Promise<DssOperations> {
  const host = new ShadowedHost(new NodePowerShellHost({ executable: PWSH as string }));
  const ops = await openWindowsOperations({ transport, computerName, host, scriptDir: PS1 });
  opened.push(ops);
  return ops;
}

describe.skipIf(!PWSH)(PWSH ? `the run lock on a Windows DSS through ${PWSH}` : 'SKIPPED: no pwsh found via RESYNCGLB_PWSH or PATH', () => {
  it.each([
    ['Local', 'localhost', hostname()],
    ['Remoting', 'DSS01', 'dss01.corp.example'],
  ] as const)('%s: two workstation sessions naming the DSS %s and %s meet one lock on the DSS: one holds it, the other is Busy naming it', async (transport, a, b) => {
    const first = await open(transport, a);
    const second = await open(transport, b);
    const held = await RunLock.acquire(await first.lockStore(), first.computerName, 'run-a', async () => undefined);
    expect(existsSync(join(systemRoot, 'ResyncGlb', 'run.lock'))).toBe(true);
    const err = await RunLock.acquire(await second.lockStore(), second.computerName, 'run-b', async () => undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'Busy', message: expect.stringContaining('run-a') });
    await held.record({ runId: 'run-a' } as never);
    expect(JSON.parse(readFileSync(join(systemRoot, 'ResyncGlb', 'run.lock'), 'utf8')).state).toEqual({ runId: 'run-a' });
    await held.release();
    const next = await RunLock.acquire(await second.lockStore(), second.computerName, 'run-b', async () => undefined);
    await next.release();
    expect(existsSync(join(systemRoot, 'ResyncGlb', 'run.lock'))).toBe(false);
  }, 120_000);

  it('a stale lock on the DSS is taken over (through the claim file beside it) and its journal handed to recovery', async () => {
    const ops = await open('Local', 'localhost');
    const store = await ops.lockStore();
    const dead = { runId: 'dead-run', pid: 2 ** 22 + 4321, host: hostname(), user: 'someone', since: '2026-01-01T00:00:00.000Z', computerName: 'X', state: { runId: 'dead-run' } };
    expect(await store.createExclusive(JSON.stringify(dead))).toBe(true);
    const seen: string[] = [];
    const lock = await RunLock.acquire(store, ops.computerName, 'run-c', async (stale) => {
      seen.push(stale.runId);
      // While recovering, the lock on the DSS is already ours and still carries the dead journal.
      const now = JSON.parse(readFileSync(join(systemRoot, 'ResyncGlb', 'run.lock'), 'utf8'));
      expect(now).toMatchObject({ runId: 'run-c', recovering: 'dead-run', state: { runId: 'dead-run' } });
    });
    expect(seen).toEqual(['dead-run']);
    expect(existsSync(join(systemRoot, 'ResyncGlb', 'run.lock.recovering'))).toBe(false);
    await lock.release();
  }, 120_000);
});

describe('second workstation / second spelling, on the lab through the bundle', () => {
  beforeAll(() => ensureBundle());
  it('two runs from two local state folders, by two spellings of the lab path and computer name: one success, one Busy naming the holder', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '3000']);
    const alias = join(mkdtempSync(join(tmpdir(), 'resync-alias-')), 'lab-alias');
    symlinkSync(lab, alias);
    const stateA = mkdtempSync(join(tmpdir(), 'resync-stateA-'));
    const stateB = mkdtempSync(join(tmpdir(), 'resync-stateB-'));
    const run = (dir: string, name: string, state: string) =>
      new Promise<{ code: number | null; out: string }>((res) => {
        const c = spawn(process.execPath, [BUNDLE, 'new', '--lab', dir, '--computer-name', name, '-r', 'PO1', '--json'], {
          env: { ...process.env, XDG_STATE_HOME: state, LOCALAPPDATA: state },
        });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('close', (code) => res({ code, out }));
      });
    const first = run(lab, 'EXCH01', stateA);
    for (let i = 0; i < 200 && !existsSync(join(lab, '.resyncglb', 'run.lock')); i++) await new Promise((r) => setTimeout(r, 50));
    const second = await run(alias, 'exch01.corp.example', stateB);
    expect(second.code, second.out).toBe(3);
    expect(JSON.parse(second.out).error).toMatchObject({ id: 'Busy', details: { holder: { host: hostname() } } });
    const r = await first;
    expect(r.code, r.out).toBe(0);
    writeFileSync(join(stateA, 'done'), '');
  }, 120_000);
});
