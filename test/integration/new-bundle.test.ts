/**
 * The procedure through the built bundle (CLI and protocol) against real lab DXA processes:
 * the happy path, what-if, and every lab fault with the outcome the tool guarantees.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLabs, cli, cliAsync, dxadata, ensureBundle, labSnapshot, labStatus, labValue, newLab, rpc, sha256 } from '../support/helpers';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());

describe('resync-glb new on a lab DSS', () => {
  it('makes Resync.glb for two requestors: file, hash, value gone, service running, Dxadata clean', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'po2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = r.json;
    expect(res.Requestor).toEqual(['PO1', 'po2']);
    expect(existsSync(res.Path)).toBe(true);
    expect(res.Sha256).toBe(sha256(res.Path));
    expect(res.Length).toBe(readFileSync(res.Path).length);
    expect(res.ValueRemoved).toBe(true);
    expect(res.ServiceStatus).toBe('Running');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    // the lab's own layout says the file is complete (docs/lab-glb-format.md)
    const info = cli(['inspect', res.Path, '--json']).json;
    expect(info.Complete).toBe(true);
    expect(existsSync(res.BackupPath)).toBe(true);
    const audit = readFileSync(join(lab, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((a) => a.event)).toEqual(['start', 'value-written', 'service-stop', 'service-start', 'file-moved', 'outcome']);
    expect(audit.at(-1)).toMatchObject({ result: 'success', sha256: res.Sha256 });
  });

  it('speaks the protocol: hello, progress, verbose, one result, end 0', async () => {
    const lab = newLab();
    const s = rpc({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['PO1'], force: true } });
    const end = await s.waitFor((e) => e.event === 'end');
    s.child.stdin!.end();
    const { events } = await s.done;
    expect(events[0]!.event).toBe('hello');
    expect(end.exitCode).toBe(0);
    const results = events.filter((e) => e.event === 'result');
    expect(results).toHaveLength(1);
    expect(results[0]!.type).toBe('ResyncGlb.Result');
    expect(events.some((e) => e.event === 'verbose')).toBe(true);
    // every progress id that was opened is completed
    const opened = new Set(events.filter((e) => e.event === 'progress').map((e) => e.id));
    const closed = new Set(events.filter((e) => e.event === 'progress' && e.completed).map((e) => e.id));
    expect([...opened].every((id) => closed.has(id))).toBe(true);
  });

  it('--what-if lists the changes in order and leaves the lab byte-identical', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--old-resync']);
    const before = labSnapshot(lab);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--what-if']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('What if:'));
    expect(lines.map((l) => /operation "(\w+)/.exec(l)![1])).toEqual(['Write', 'Move', 'Create', 'Stop', 'Start', 'Move', 'Stop', 'Start']);
    expect(labSnapshot(lab)).toBe(before);
    expect(existsSync(join(lab, 'output'))).toBe(false);
  });

  it('refuses a pending value (ValuePending, exit 3) and changes nothing; --force takes it over', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--pending-value', 'EARLIER']);
    const before = labSnapshot(lab);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('ValuePending');
    expect(r.json.error.message).toContain('EARLIER');
    expect(labSnapshot(lab)).toBe(before);
    const f = cli(['new', '--lab', lab, '-r', 'PO1', '--force', '--json']);
    expect(f.code, f.stderr).toBe(0);
    expect(labValue(lab)).toBeNull();
  });

  it('reports every invalid name at once (InvalidRequestor, exit 2) and changes nothing', () => {
    const lab = newLab();
    const before = labSnapshot(lab);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', '  ', '-r', 'x'.repeat(300), '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error.id).toBe('InvalidRequestor');
    expect(r.json.error.details.problems).toHaveLength(2);
    expect(labSnapshot(lab)).toBe(before);
  });

  it('a lab without the service: ServiceNotFound (exit 3)', () => {
    const lab = newLab(['--no-service']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('ServiceNotFound');
  });

  it('moves an older Resync.glb aside and never mistakes it for the new one', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--old-resync']);
    const oldHash = sha256(join(dxadata(lab), 'Resync.glb'));
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(r.json.PreviousFilePath)).toBe(oldHash);
    expect(r.json.Sha256).not.toBe(oldHash);
  });

  it('hang on stop: ServiceStopTimeout, value removed, service still running', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--hang-on-stop']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--service-timeout', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('ServiceStopTimeout');
    expect(r.json.error.details.undone.join(' ')).toContain('Removed ResyncConnectionRDNs');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('not recognised: RequestorNotRecognised naming the names, value removed, service running', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '-r', 'NOSUCHPO', '--recognition-timeout', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('RequestorNotRecognised');
    expect(r.json.error.message).toContain('"NOSUCHPO"');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('a generation the lab DXA cannot write: GenerationFailed at once (never a wait for the timeout), value removed, service running', () => {
    const lab = newLab();
    // A folder where Resync.glb should go: the DXA's open fails (EISDIR), as a full or damaged volume would.
    mkdirSync(join(dxadata(lab), 'Resync.glb'));
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--timeout', '600', '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.json.error.id).toBe('GenerationFailed');
    expect(r.json.error.message).toContain('EISDIR');
    expect(r.json.error.details.undone.join(' ')).toContain('Removed ResyncConnectionRDNs');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    expect(readFileSync(join(lab, 'dxa.log'), 'utf8')).toMatch(/Could not write Resync\.glb: .*EISDIR/);
  });

  it('--unrecognise fault: the same outcome for a real requestor name', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--unrecognise']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--recognition-timeout', '2', '--json']);
    expect(r.json.error.id).toBe('RequestorNotRecognised');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('crash mid-write: IncompleteFile, partial moved out before the restart, value removed, service started again', () => {
    const lab = newLab();
    // --import-on-start: a DXA that finds its own partial file at start would process it; the
    // rollback must move it out of Dxadata before it starts the service again.
    cli(['lab', 'fault', lab, '--crash-mid-write', '--import-on-start']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('IncompleteFile');
    expect(labValue(lab)).toBeNull();
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    const partial = readdirSync(join(lab, 'output')).find((f) => f.endsWith('.incomplete.glb'));
    expect(partial).toBeDefined();
    expect(readFileSync(join(lab, 'output', partial!)).length).toBeGreaterThan(0);
    expect(readFileSync(join(lab, 'dxa.log'), 'utf8')).not.toMatch(/[Ii]mport/);
    // the crash fault stays set, but a start with no value writes nothing, so the service runs again
    expect(labStatus(lab)).toBe('Running');
  });

  it('slow write: the run waits for the whole file, never reporting a partial one', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--slow-write', '30']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(cli(['inspect', r.json.Path, '--json']).json.Complete).toBe(true);
  });

  it('long start: waits through StartPending; a service timeout shorter than the start fails and rolls back', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '1500']);
    const ok = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const slow = cli(['new', '--lab', lab, '-r', 'PO1', '--service-timeout', '1', '--json']);
    expect(slow.json.error.id).toBe('ServiceStartFailed');
    expect(labValue(lab)).toBeNull();
  });

  it('a transient start failure: ServiceStartFailed; value removed, service running again', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--fail-start-times', '1']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--service-timeout', '5', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('ServiceStartFailed');
    expect(r.json.error.details.undone.join(' ')).toContain('Started MSExchangeDX again');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('fail to start: ServiceStartFailed; the rollback cannot start it either, so RollbackIncomplete says what to do by hand', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--fail-start']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--service-timeout', '3', '--json']);
    expect(r.code).toBe(5);
    expect(r.json.error.id).toBe('RollbackIncomplete');
    expect(r.json.error.details.cause).toBe('ServiceStartFailed');
    expect(r.json.error.details.manualSteps.join(' ')).toContain('net start MSExchangeDX');
    expect(labValue(lab)).toBeNull();
  });

  it('timeout: Timeout (exit 4), the file being written is allowed to finish, then everything is undone', () => {
    const lab = newLab(['--recipients', '3000']);
    cli(['lab', 'fault', lab, '--slow-write', '40']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--timeout', '1', '--json']);
    expect(r.code).toBe(4);
    expect(r.json.error.id).toBe('Timeout');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
  });

  it('Ctrl+C (SIGINT) during the wait: Cancelled, rolled back', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '3000']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--json']);
    await new Promise((r) => setTimeout(r, 1200));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.json.error.id).toBe('Cancelled');
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });

  it('accepts a request written by a UTF-8 console (a leading BOM, as .NET Framework writes it at code page 65001)', async () => {
    const lab = newLab();
    const s = rpc(`\uFEFF${JSON.stringify({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['PO1'], force: true } })}`);
    const end = await s.waitFor((e) => e.event === 'end');
    s.child.stdin!.end();
    const { events } = await s.done;
    expect(events.find((e) => e.event === 'error')).toBeUndefined();
    expect(end.exitCode).toBe(0);
    expect(events.filter((e) => e.event === 'result')).toHaveLength(1);
  });

  it('the caller going away (stdin closed) cancels a protocol run and rolls back', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '3000']);
    const s = rpc({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['PO1'] } });
    await s.waitFor((e) => e.event === 'verbose' && String(e.message).startsWith('Wrote'));
    s.child.stdin!.end();
    const { events } = await s.done;
    expect(events.find((e) => e.event === 'error')).toMatchObject({ id: 'Cancelled' });
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });
});
