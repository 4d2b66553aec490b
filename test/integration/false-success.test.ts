/**
 * Never a false success, through the built bundle on real lab DXA processes: a reported Resync.glb
 * is exactly the complete file this run's DXA wrote; a file that is not it is moved aside and named;
 * a rollback after the service start leaves no generated file in Dxadata.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLabs, cli, cliAsync, dxadata, ensureBundle, labStatus, labValue, newLab } from '../support/helpers';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function dxaLog(lab: string): string {
  const f = join(lab, 'dxa.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

/** Lengths the lab DXA itself reports having written ("Wrote Resync.glb: N bytes."). */
function writtenLengths(lab: string): number[] {
  return [...dxaLog(lab).matchAll(/Wrote Resync\.glb: (\d+) bytes\./g)].map((m) => Number(m[1]));
}

function serviceStatusRecorded(lab: string): string {
  return (JSON.parse(readFileSync(join(lab, 'service.json'), 'utf8')) as { status: string }).status;
}

function inspectComplete(file: string): boolean | null {
  const r = cli(['inspect', file, '--json']);
  return r.json?.Complete ?? null;
}

describe('a reported Resync.glb is the complete file this run generated', () => {
  it('re-run right after a cancel: a truncated Resync.glb that appears before the start is moved aside and named, never returned', async () => {
    const lab = newLab(['--recipients', '400']);
    // A complete file to cut: what an earlier, interrupted generation leaves half written.
    const first = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const full = readFileSync(first.json.Path);
    const truncated = full.subarray(0, Math.floor(full.length / 3));
    cli(['lab', 'fault', lab, '--start-delay', '2500']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    // The earlier generation's leftover lands after this run's preflight, while the service starts.
    await until(() => serviceStatusRecorded(lab) === 'StartPending', 30_000, 'StartPending');
    writeFileSync(join(dxadata(lab), 'Resync.glb'), truncated);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(inspectComplete(r.json.Path)).toBe(true);
    expect(writtenLengths(lab)).toContain(r.json.Length);
    expect(r.json.Length).toBe(full.length);
    const named = (r.json.Warnings as string[]).find((w) => w.includes('.foreign-1.glb'));
    expect(named, JSON.stringify(r.json.Warnings)).toBeDefined();
    const aside = readdirSync(join(lab, 'output')).find((f) => f.endsWith('.foreign-1.glb'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(lab, 'output', aside!)).equals(truncated)).toBe(true);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    expect(labValue(lab)).toBeNull();
  });

  it('foreign file appears during generation: moved aside with its bytes intact and named; the DXA’s own file is the result', async () => {
    const lab = newLab(['--recipients', '400']);
    cli(['lab', 'fault', lab, '--start-delay', '2500']);
    const foreign = Buffer.from('not the DXA output: a file someone copied into Dxadata\r\n'.repeat(50));
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--json']);
    await until(() => serviceStatusRecorded(lab) === 'StartPending', 30_000, 'StartPending');
    writeFileSync(join(dxadata(lab), 'Resync.glb'), foreign);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.Sha256).not.toBe(sha256Of(foreign));
    expect(inspectComplete(r.json.Path)).toBe(true);
    expect(writtenLengths(lab)).toEqual([r.json.Length]);
    expect((r.json.Warnings as string[]).join(' ')).not.toMatch(/left ResyncConnectionRDNs in place/);
    const aside = readdirSync(join(lab, 'output')).find((f) => f.endsWith('.foreign-1.glb'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(lab, 'output', aside!)).equals(foreign)).toBe(true);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
  });
});

describe('a rollback after the service start', () => {
  it('cancel during generation: the generation already under way is waited for, its file taken out of Dxadata and named, not a success', async () => {
    const lab = newLab(['--recipients', '400']);
    // The DXA has read the value and takes a while before it opens Resync.glb: the cancel lands there.
    cli(['lab', 'fault', lab, '--prepare-delay', '1500']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    await until(() => /Generating Resync\.glb/.test(dxaLog(lab)), 30_000, 'the DXA to begin generating');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('Cancelled');
    // Returned only after the DXA finished: nothing it wrote is left in Dxadata.
    expect(writtenLengths(lab)).toHaveLength(1);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    const kept = readdirSync(join(lab, 'output')).find((f) => f.endsWith('.generated.glb'));
    expect(kept, JSON.stringify(r.json.error.details.undone)).toBeDefined();
    expect(inspectComplete(join(lab, 'output', kept!))).toBe(true);
    expect(readFileSync(join(lab, 'output', kept!)).length).toBe(writtenLengths(lab)[0]);
    expect((r.json.error.details.undone as string[]).join(' ')).toContain(kept!);
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('timeout during a write: the rollback lets the write finish and keeps the complete file as .generated.glb, never "incomplete"', () => {
    const lab = newLab(['--recipients', '3000']);
    cli(['lab', 'fault', lab, '--slow-write', '40']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--timeout', '1', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.json.error.id).toBe('Timeout');
    const out = readdirSync(join(lab, 'output'));
    expect(out.filter((f) => f.endsWith('.incomplete.glb'))).toEqual([]);
    const kept = out.find((f) => f.endsWith('.generated.glb'));
    expect(kept, out.join(', ')).toBeDefined();
    expect(inspectComplete(join(lab, 'output', kept!))).toBe(true);
    expect(readFileSync(join(lab, 'output', kept!)).length).toBe(writtenLengths(lab)[0]);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
  });

  it('a cancel during the service start is acted on at once: the value is gone before the service is running', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '6000']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--json']);
    await until(() => serviceStatusRecorded(lab) === 'StartPending' && labValue(lab) !== null, 30_000, 'StartPending');
    run.child.kill('SIGINT');
    await until(() => labValue(lab) === null, 30_000, 'the value to be removed');
    expect(serviceStatusRecorded(lab)).toBe('StartPending');
    const r = await run.done;
    expect(r.json.error.id).toBe('Cancelled');
    expect(labStatus(lab)).toBe('Running');
    expect(writtenLengths(lab)).toHaveLength(0);
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
  });
});

function sha256Of(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').toUpperCase();
}
