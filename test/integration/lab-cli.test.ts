import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePath, killLab } from '../../src/lab/control';
import { CONTRACT } from '../../src/shared/contract';

const BUNDLE = bundlePath();
const base = mkdtempSync(join(tmpdir(), 'resync-labcli-'));
const labs: string[] = [];

afterAll(async () => {
  for (const l of labs) await killLab(l);
  rmSync(base, { recursive: true, force: true });
});

function run(args: string[]): { code: number | null; stdout: string; stderr: string; json: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 120_000 });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

describe('resync-glb lab and inspect from the bundle', () => {
  it('a lab DXA whose state file cannot be written ends Stopped with the reason, never StartPending for ever', () => {
    const lab = join(base, 'state-dir');
    labs.push(lab);
    expect(run(['lab', 'init', lab, '-r', 'PO1', '--recipients', '10', '--start-ms', '100', '--stop-ms', '50']).code).toBe(0);
    rmSync(join(lab, 'dxa-state.json'), { force: true });
    mkdirSync(join(lab, 'dxa-state.json'));
    const r = run(['lab', 'start', lab, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.json.error.id).toBe('ServiceStartFailed');
    const st = run(['lab', 'status', lab, '--json']).json;
    expect(st.Status).toBe('Stopped');
    expect(st.Pid).toBeNull();
    expect(st.LastError).toMatch(/The lab DXA failed: .*EISDIR/);
  });

  it('lab init --json returns a ResyncGlb.Lab with requestors whose names differ', () => {
    const dir = join(base, 'a');
    labs.push(dir);
    const r = run(['lab', 'init', dir, '-r', 'Sales Postoffice|SALESPO|SALES', '-r', 'PO2', '--recipients', '40', '--computer-name', 'EXCH01', '--start-ms', '50', '--stop-ms', '20', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      Path: dir,
      ComputerName: 'EXCH01',
      Recipients: 40,
      Dxadata: join(dir, 'exchsrvr', 'Dxadata'),
      ServiceStatus: 'Stopped',
      Requestors: [
        { DisplayName: 'Sales Postoffice', CommonName: 'SALESPO', Rdn: 'SALES' },
        { DisplayName: 'PO2', CommonName: 'PO2', Rdn: 'PO2' },
      ],
    });
    const again = run(['lab', 'init', dir, '--json']);
    expect(again.code).toBe(2);
    expect(again.json.error.id).toBe('InvalidPath');
  });

  it('refuses a non-empty folder that is not a lab (exit 2, InvalidPath)', () => {
    const dir = join(base, 'b');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x'), 'x');
    const r = run(['lab', 'init', dir, '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error).toMatchObject({ id: 'InvalidPath', category: 'InvalidArgument' });
  });

  it('lab requestors lists display name, common name and RDN', () => {
    const r = run(['lab', 'requestors', join(base, 'a'), '--json']);
    expect(r.code).toBe(0);
    expect(r.json.map((x: { DisplayName: string }) => x.DisplayName)).toEqual(['Sales Postoffice', 'PO2']);
    const missing = run(['lab', 'requestors', join(base, 'nope'), '--json']);
    expect(missing.code).toBe(3);
    expect(missing.json.error.id).toBe('LabNotFound');
  });

  it('lab start, status, fault --pending-value/--old-resync, inspect, stop', () => {
    const dir = join(base, 'a');
    const start = run(['lab', 'start', dir, '--json']);
    expect(start.code).toBe(0);
    expect(start.json).toMatchObject({ Status: 'Running', Name: CONTRACT.service.name });
    expect(start.json.Pid).toBeGreaterThan(0);

    const f = run(['lab', 'fault', dir, '--hang-on-stop', '--slow-write', '5', '--pending-value', 'SALES', '--pending-value', 'Other', '--old-resync', '--json']);
    expect(f.code).toBe(0);
    expect(f.json.Faults).toEqual({ hangOnStop: true, slowWriteMs: 5 });
    expect(f.json.PendingValue).toEqual(['SALES', 'Other']);
    const old = String(f.json.OldResync);
    expect(old).toBe(join(dir, 'exchsrvr', 'Dxadata', CONTRACT.resyncFileName));

    const ins = run(['inspect', old, '--json']);
    expect(ins.code).toBe(0);
    expect(ins.json).toMatchObject({ Format: 'Lab', Complete: true, Transactions: 2, TransactionsByPostoffice: { SALESPO: 1, PO2: 1 } });
    expect(ins.json.Sha256).toMatch(/^[0-9A-F]{64}$/);
    const good = run(['inspect', old, '--expected-sha256', ins.json.Sha256.toLowerCase(), '--json']);
    expect(good.json.HashMatches).toBe(true);
    const bad = run(['inspect', old, '--expected-sha256', '0'.repeat(64), '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.error.id).toBe('HashMismatch');

    const hung = run(['lab', 'stop', dir, '--timeout', '1', '--json']);
    expect(hung.code).toBe(1);
    expect(hung.json.error.id).toBe('ServiceStopTimeout');
    expect(run(['lab', 'fault', dir, '--clear', '--json']).json.Faults).toEqual({});
    const stop = run(['lab', 'stop', dir, '--json']);
    expect(stop.code).toBe(0);
    expect(stop.json.Status).toBe('Stopped');
    expect(run(['lab', 'status', dir, '--json']).json.Status).toBe('Stopped');
  });

  it('inspect says plainly what it cannot know about other files, and names a missing file', () => {
    const other = join(base, 'REQTRANS.GLB');
    writeFileSync(other, Buffer.alloc(49));
    const r = run(['inspect', other, '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ Format: 'Unknown', Complete: null, Length: 49, ImpSeq: null });
    expect(r.json.Note).toMatch(/not publicly documented/);
    expect(r.json.Note).toMatch(/Q133428/);
    const missing = run(['inspect', join(base, 'missing.glb'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error.id).toBe('SourceNotFound');
  });

  it('the internal __dxa command is hidden from help; help has examples', () => {
    const help = run(['lab', '--help']);
    expect(help.stdout).toMatch(/init/);
    expect(help.stdout).not.toMatch(/__dxa/);
    expect(run(['lab', 'fault', '--help']).stdout).toMatch(/Examples:/);
    expect(existsSync(BUNDLE)).toBe(true);
  });
});
