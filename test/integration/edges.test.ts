/**
 * Smaller edges that hostile testing broke, through the built bundle (and real lab DXA processes
 * where a DSS is involved): a restart with a pending value, hostile postoffice paths in NextStep,
 * rpc commands named after object methods, oversized requests, a full output volume, Dxadata
 * removed mid-run, usage errors, leftovers of a killed copy, and a signal after the result.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE, cleanupLabs, cli, cliAsync, dxadata, ensureBundle, labStatus, labValue, newLab, rpc } from '../support/helpers';
import { cmdArgs } from '../support/cmd-args.cjs';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());
const scratch = mkdtempSync(join(tmpdir(), 'resync-edges-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', [m], { timeout: 10_000 });
  rmSync(scratch, { recursive: true, force: true });
});

function dxaStarts(lab: string): number {
  const f = join(lab, 'dxa.log');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('Service starting')).length : 0;
}

describe('edges', () => {
  it('copy --requestor-type Exchange --restart-service with ResyncConnectionRDNs pending: ValuePending, nothing copied or restarted', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--pending-value', 'PO1']);
    const source = join(scratch, 'exchange-source.glb');
    writeFileSync(source, 'a Resync.glb for an Exchange requestor');
    const starts = dxaStarts(lab);
    const r = cli(['copy', source, '--requestor-type', 'Exchange', '--restart-service', '--lab', lab, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.json.error.id).toBe('ValuePending');
    expect(labValue(lab)).toEqual(['PO1']);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    expect(dxaStarts(lab)).toBe(starts);
    expect(labStatus(lab)).toBe('Running');
  });

  it('NextStep quotes hostile postoffice paths for cmd.exe and refuses what cannot be quoted', () => {
    const source = join(scratch, 'ns-source.glb');
    writeFileSync(source, 'x');
    const amp = join(scratch, 'R&D|x (1)', 'MAILDATA', 'GLB');
    const nl = join(scratch, 'line\nbreak', 'MAILDATA', 'GLB');
    const pct = join(scratch, '%PATH%', 'MAILDATA', 'GLB');
    for (const d of [amp, nl, pct]) mkdirSync(d, { recursive: true });
    const r = cli(['copy', source, '-d', amp, '-d', nl, '-d', pct, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [a, b, c] = r.json as Array<{ NextStepCommands: string[]; NextStep: string; Note: string }>;
    const po = join(scratch, 'R&D|x (1)');
    expect(a!.NextStepCommands.map(cmdArgs)).toEqual([
      ['import', 'admin', '-pPASSWORD', '-q', '-y', `-d${po}`],
      ['rebuild', '-f', `-d${po}`],
    ]);
    for (const x of [b!, c!]) {
      expect(x.NextStepCommands).toHaveLength(2);
      for (const cmd of x.NextStepCommands) {
        expect(cmdArgs(cmd), cmd).not.toBeNull();
        expect(cmd).toContain('-d<drive-or-path>');
      }
      expect(x.NextStep.split('\n')).toHaveLength(2);
      expect(x.Note).toMatch(/cannot carry safely/);
    }
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])('rpc command %s is UnknownCommand (exit 2)', async (command) => {
    const s = rpc({ protocol: 1, command, params: {} }, false);
    const { code, events } = await s.done;
    expect(code).toBe(2);
    expect(events.find((e) => e.event === 'error')).toMatchObject({ id: 'UnknownCommand' });
    expect(events.at(-1)).toMatchObject({ event: 'end', exitCode: 2 });
  });

  it('an unterminated request over 1 MiB is refused while it is read: ProtocolError, end event, no RangeError, bounded memory', async () => {
    const child = spawn(process.execPath, [BUNDLE, 'rpc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const events: Array<Record<string, unknown>> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => events.push(JSON.parse(l) as Record<string, unknown>));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdin!.on('error', () => undefined);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    let peakKb = 0;
    const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    let done = false;
    void exited.then(() => (done = true));
    // Up to 64 MiB of one line; the bundle must answer while it is still being sent, long before that.
    let answeredAfterMiB: number | null = null;
    while (!done && sent < 64) {
      if (events.some((e) => e.event === 'end')) {
        answeredAfterMiB = sent;
        break;
      }
      const ok = child.stdin!.write(chunk);
      sent++;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        /* exited */
      }
      if (!ok) await Promise.race([new Promise((r) => child.stdin!.once('drain', r)), new Promise((r) => setTimeout(r, 200))]);
    }
    if (answeredAfterMiB === null && events.some((e) => e.event === 'end')) answeredAfterMiB = sent;
    child.stdin!.destroy();
    const code = await exited;
    expect(answeredAfterMiB, 'the bundle answered only after the input ended').not.toBeNull();
    expect(answeredAfterMiB!).toBeLessThan(64);
    expect(code, stderr).toBe(2);
    expect(events.find((e) => e.event === 'error')).toMatchObject({ id: 'ProtocolError' });
    expect(events.at(-1)).toMatchObject({ event: 'end', exitCode: 2 });
    expect(stderr).not.toMatch(/RangeError/);
    // generous: 1 MiB of request must never cost anything like the 64 MiB offered
    expect(peakKb).toBeLessThan(200 * 1024);
  }, 120_000);

  it('output volume full: refused in preflight (InsufficientSpace, exit 3), nothing changed', (ctx) => {
    const lab = newLab();
    const full = join(scratch, 'full-output');
    mkdirSync(full, { recursive: true });
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full], { encoding: 'utf8', timeout: 10_000 });
    if (m.status !== 0) {
      console.warn(`edges: output-volume test SKIPPED — mount -t tmpfs failed (needs root): ${(m.stderr || '').trim()}`);
      ctx.skip();
    }
    mounts.push(full);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--output', full, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.json.error.id).toBe('InsufficientSpace');
    expect(r.json.error.message).toContain(full);
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    expect(dxaStarts(lab)).toBe(1);
  });

  it('Dxadata removed mid-run: fails at once with DxadataRemoved, not after the timeout', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '2000']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--timeout', '120', '--json']);
    for (let i = 0; i < 400 && labValue(lab) === null; i++) await new Promise((r) => setTimeout(r, 25));
    const started = Date.now();
    rmSync(dxadata(lab), { recursive: true, force: true });
    const r = await run.done;
    expect(r.json?.error?.id, r.stdout + r.stderr).toBe('DxadataRemoved');
    // generous: anything far below the 120 s timeout shows it did not wait for it
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(labValue(lab)).toBeNull();
  }, 120_000);

  it('usage errors exit 2 with JSON: --user without --password-stdin, --password-stdin with empty stdin, new without --requestor', () => {
    const a = cli(['new', '--computer-name', 'EXCH01', '-r', 'PO1', '--user', 'CORP\\admin', '--json']);
    expect(a.code, a.stdout + a.stderr).toBe(2);
    expect(a.json.error.id).toBe('Usage');
    const b = cli(['new', '--computer-name', 'EXCH01', '-r', 'PO1', '--user', 'CORP\\admin', '--password-stdin', '--json'], '');
    expect(b.code, b.stdout + b.stderr).toBe(2);
    expect(b.json.error).toMatchObject({ id: 'Usage', message: expect.stringContaining('no password') });
    const c = cli(['new', '--computer-name', 'EXCH01', '--json']);
    expect(c.code, c.stdout + c.stderr).toBe(2);
    expect(c.json.error).toMatchObject({ id: 'Usage', message: expect.stringContaining('requestor') });
    expect(c.stderr).not.toMatch(/PowerShell/);
  });

  it('temporary files of a killed copy are swept by the next delivery into that folder', () => {
    const glb = join(scratch, 'sweep', 'MAILDATA', 'GLB');
    mkdirSync(glb, { recursive: true });
    const dead = join(glb, `RESYNC.GLB.${2 ** 22 + 777}-0123abcd.resyncglb-tmp`);
    const fresh = join(glb, `RESYNC.GLB.${2 ** 22 + 778}-89abcdef.resyncglb-tmp`);
    const other = join(glb, 'SRVTRANS.GLB');
    for (const f of [dead, fresh, other]) writeFileSync(f, 'partial');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(dead, old, old);
    const source = join(scratch, 'sweep-source.glb');
    writeFileSync(source, 'new');
    const r = cli(['copy', source, '-d', glb, '--json', '-v']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(r.stderr).toContain(dead);
    // a recent one may belong to a delivery still running elsewhere; other files are never touched
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('a signal arriving right after the result is printed does not turn a success into 130/143', async () => {
    // The gap this guards was a few microseconds wide (a signal's default action restored between two
    // listeners): it hit about one run in forty, so enough rounds to catch it.
    for (let round = 0; round < 60; round++) {
      const source = join(scratch, `sig-${round}.glb`);
      writeFileSync(source, 'x');
      const glb = join(scratch, `sig-${round}`);
      mkdirSync(glb, { recursive: true });
      const child = spawn(process.execPath, [BUNDLE, 'copy', source, '-d', glb, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const code = await new Promise<number | null>((res) => {
        child.stdout!.once('data', () => {
          child.kill('SIGTERM');
        });
        child.on('close', (c, sig) => res(c ?? (sig === 'SIGTERM' ? 143 : -1)));
      });
      expect(code).toBe(0);
    }
  });
});
