import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeDss, type FakeFaults } from '../support/fake-dss';
import { runNewResync, type NewResyncOptions } from '../../src/core/procedure';
import { MemoryReporter } from '../../src/shared/reporter';
import { ResyncError } from '../../src/shared/errors';

const dirs: string[] = [];
const dsses: FakeDss[] = [];
afterEach(async () => {
  for (const d of dsses.splice(0)) await d.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(faults: FakeFaults = {}, opts: Partial<NewResyncOptions> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'resync-proc-'));
  dirs.push(out);
  const dss = new FakeDss(faults);
  dsses.push(dss);
  const reporter = new MemoryReporter();
  const options: NewResyncOptions = {
    requestors: ['PO1', 'PO2'],
    outputPath: out,
    timeoutMs: 5_000,
    serviceTimeoutMs: 1_000,
    recognitionMs: 300,
    force: false,
    whatIf: false,
    ...opts,
  };
  return { dss, reporter, options, out };
}

async function failure(p: Promise<unknown>): Promise<ResyncError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ResyncError);
    return e as ResyncError;
  }
  throw new Error('expected the run to fail');
}

describe('runNewResync on a fake DSS', () => {
  it('writes the value, restarts the service, waits for the complete file and moves it out', async () => {
    const { dss, reporter, options, out } = setup({ chunks: 4 });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r).not.toBeNull();
    // The second stop/start is the restart after generation (Q156063), after the file is out.
    expect(dss.calls).toEqual(['set ["PO1","PO2"]', 'stop', 'start', 'take Resync.glb', 'stop', 'start']);
    expect(r!.FinalRestart).toBe('Restarted');
    expect(r!.Requestor).toEqual(['PO1', 'PO2']);
    const data = dss.taken.get(r!.Path)!;
    expect(r!.Length).toBe(data.length);
    expect(data.toString()).toContain('chunk 3 for PO1,PO2'); // all four chunks, not a partial file
    expect(r!.Sha256).toMatch(/^[0-9A-F]{64}$/);
    expect(r!.ValueRemoved).toBe(true);
    expect(r!.ServiceStatus).toBe('Running');
    expect(dss.value).toBeNull();
    expect(dss.files.size).toBe(0); // nothing left in Dxadata
    expect(existsSync(r!.BackupPath)).toBe(true);
    expect(readdirSync(join(out, 'backup')).some((f) => f.endsWith('.reg'))).toBe(true);
    const done = reporter.events.filter((e) => e.kind === 'progress' && e.completed);
    expect(done.length).toBeGreaterThan(0);
  });

  it('backs up the absent value as a .reg deletion and a JSON record', async () => {
    const { dss, reporter, options } = setup();
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    const json = JSON.parse(readFileSync(r!.BackupPath, 'utf8'));
    expect(json.values.ResyncConnectionRDNs).toEqual({ present: false, type: 'REG_MULTI_SZ', data: null });
    const reg = readFileSync(r!.BackupPath.replace(/\.json$/, '.reg')).toString('utf16le');
    expect(reg).toContain('"ResyncConnectionRDNs"=-');
  });

  it('refuses a pending value without force and changes nothing', async () => {
    const { dss, reporter, options } = setup();
    dss.value = ['OLD'];
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('ValuePending');
    expect(e.message).toContain('OLD');
    expect(dss.calls).toEqual([]);
    expect(dss.value).toEqual(['OLD']);
  });

  it('reports every bad name at once and changes nothing', async () => {
    const { dss, reporter, options } = setup({}, { requestors: ['ok', '', 'a\nb', 'x'.repeat(300)] });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('InvalidRequestor');
    expect(e.details.problems?.map((p) => p.name)).toEqual(['', 'a\nb', 'x'.repeat(300)]);
    expect(dss.calls).toEqual([]);
  });

  it('says ServiceNotFound when the DSS has no MSExchangeDX', async () => {
    const { dss, reporter, options } = setup({ noService: true });
    expect((await failure(runNewResync(dss, options, reporter, new AbortController().signal))).id).toBe('ServiceNotFound');
  });

  it('takes over a pending value with force and restores it when the run then fails', async () => {
    const { dss, reporter, options } = setup({ failStart: 1 }, { force: true });
    dss.value = ['OLD'];
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('ServiceStartFailed');
    expect(dss.value).toEqual(['OLD']);
    expect(e.details.undone?.join(' ')).toContain('Restored the pre-run');
  });

  it('rolls back a hung stop: value removed, service left running', async () => {
    const { dss, reporter, options } = setup({ hangOnStop: true });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('ServiceStopTimeout');
    expect(dss.value).toBeNull();
    expect(dss.status).toBe('Running');
    expect(e.details.undone?.some((u) => u.startsWith('Removed ResyncConnectionRDNs'))).toBe(true);
  });

  it('rolls back a failed start: value removed before the service is started again', async () => {
    const { dss, reporter, options } = setup({ failStart: 1 });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('ServiceStartFailed');
    expect(dss.value).toBeNull();
    const removeAt = dss.calls.lastIndexOf('remove');
    const startAt = dss.calls.lastIndexOf('start');
    expect(removeAt).toBeGreaterThan(-1);
    expect(removeAt).toBeLessThan(startAt);
  });

  it('reports RequestorNotRecognised when the value stays and no file comes, and removes the value', async () => {
    const { dss, reporter, options } = setup({ unrecognised: true }, { requestors: ['NOPE'] });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('RequestorNotRecognised');
    expect(e.message).toContain('"NOPE"');
    expect(dss.value).toBeNull();
    expect(dss.status).toBe('Running');
  });

  it('never reports a file cut short by a crash: IncompleteFile, partial moved out, service started again', async () => {
    const { dss, reporter, options, out } = setup({ crashMidWrite: true, chunks: 6 });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('IncompleteFile');
    expect(dss.status).toBe('Running');
    expect(dss.value).toBeNull();
    expect([...dss.files.keys()]).toEqual([]);
    expect([...dss.taken.keys()].some((k) => k.startsWith(out) && k.endsWith('.incomplete.glb'))).toBe(true);
  });

  it('times out with the file still growing, and waits for it to settle before touching the service', async () => {
    const { dss, reporter, options } = setup({ chunks: 40, chunkDelayMs: 25 }, { timeoutMs: 200 });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('Timeout');
    // the rollback waited for the write to finish: the file was complete before it was moved out
    const moved = [...dss.taken.values()][0]!;
    expect(moved.toString()).toContain('chunk 39');
    expect(dss.status).toBe('Running');
  });

  it('moves an older Resync.glb aside first and never mistakes it for the new one', async () => {
    const { dss, reporter, options } = setup();
    dss.files.set('/exchsrvr/Dxadata/Resync.glb', { data: Buffer.from('OLD FILE'), mtime: 1, writing: false });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r!.PreviousFilePath).toMatch(/\.previous\.glb$/);
    expect(dss.taken.get(r!.PreviousFilePath!)!.toString()).toBe('OLD FILE');
    expect(dss.taken.get(r!.Path)!.toString()).not.toContain('OLD FILE');
  });

  it('never reports a file while the DXA leaves the value: RequestorNotRecognised, value removed, file moved out unreported', async () => {
    const { dss, reporter, options } = setup({ leaveValue: true });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('RequestorNotRecognised');
    expect(e.message).toMatch(/not known to be complete/);
    expect(dss.value).toBeNull();
    expect(dss.status).toBe('Running');
  });

  it('cancellation rolls back like a failure', async () => {
    const { dss, reporter, options } = setup({ startDelayMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('Ctrl+C')), 100);
    const e = await failure(runNewResync(dss, options, reporter, ac.signal));
    expect(e.id).toBe('Cancelled');
    expect(dss.value).toBeNull();
    expect(dss.status).toBe('Running');
  });

  it('says RollbackIncomplete with the manual steps when the value cannot be removed', async () => {
    const { dss, reporter, options } = setup({ failStart: 1, failRemoveValue: true });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('RollbackIncomplete');
    expect(e.details.cause).toBe('ServiceStartFailed');
    expect(e.details.manualSteps?.[0]).toContain('Remove-ItemProperty');
    // the service is not started while the value is still there
    expect(dss.status).toBe('Stopped');
    expect(e.details.manualSteps?.some((s) => s.includes('net start MSExchangeDX'))).toBe(true);
  });

  it('what-if lists every change in order and changes nothing', async () => {
    const { dss, reporter, options, out } = setup({}, { whatIf: true });
    dss.files.set('/exchsrvr/Dxadata/Resync.glb', { data: Buffer.from('OLD'), mtime: 1, writing: false });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r).toBeNull();
    expect(dss.calls).toEqual([]);
    expect(existsSync(join(out, 'backup'))).toBe(false);
    expect(reporter.whatIfs().map((w) => w.action.split(' ')[0])).toEqual(['Write', 'Move', 'Create', 'Stop', 'Start', 'Move', 'Stop', 'Start']);
    expect(reporter.whatIfs().slice(-2).every((w) => w.action.includes('restart after generation'))).toBe(true);
  });

  it('a service that never starts again: RollbackIncomplete naming the start to do by hand', async () => {
    const { dss, reporter, options } = setup({ failStart: 2 });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('RollbackIncomplete');
    expect(e.details.cause).toBe('ServiceStartFailed');
    expect(dss.value).toBeNull();
    expect(e.details.undone?.some((u) => u.startsWith('Removed'))).toBe(true);
    expect(e.details.manualSteps).toHaveLength(1);
    expect(e.details.manualSteps?.[0]).toContain('net start MSExchangeDX');
    // Q185225: the telling event of a DXA that will not start is ESE97 124, not MSExchangeDX's.
    expect(e.details.manualSteps?.[0]).toMatch(/ESE97, event 124/);
  });

  it('restores a stopped service to Stopped after success', async () => {
    const { dss, reporter, options } = setup();
    dss.status = 'Stopped';
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r!.ServiceStatus).toBe('Stopped');
    expect(dss.calls).toEqual(['set ["PO1","PO2"]', 'start', 'take Resync.glb', 'stop']);
  });

  it('the restart after generation can be skipped: no second stop/start, a warning, FinalRestart Skipped', async () => {
    const { dss, reporter, options } = setup({}, { finalRestart: false });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(dss.calls).toEqual(['set ["PO1","PO2"]', 'stop', 'start', 'take Resync.glb']);
    expect(r!.FinalRestart).toBe('Skipped');
    expect(r!.Warnings.some((w) => w.includes('Q156063'))).toBe(true);
  });

  it('a failed restart after generation keeps the good file and reports FinalRestartFailed with the manual step', async () => {
    const { dss, reporter, options } = setup({ failStartAfter: 1 });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r).not.toBeNull();
    expect(dss.taken.get(r!.Path)?.length).toBe(r!.Length);
    expect(r!.Length).toBeGreaterThan(0);
    expect(r!.FinalRestart).toBe('Failed');
    expect(r!.FinalRestartError?.Id).toBe('FinalRestartFailed');
    expect(r!.FinalRestartError?.ManualSteps[0]).toContain('net start MSExchangeDX');
    // Nothing was rolled back: the value stays gone and the file was not moved back.
    expect(dss.calls).toEqual(['set ["PO1","PO2"]', 'stop', 'start', 'take Resync.glb', 'stop', 'start']);
    expect(dss.value).toBeNull();
  });

  it('GlobalMaxSeqInResync: warned about when absent and others exist; set to 1 for the run and removed again with the switch', async () => {
    const configurations = ['PO1', 'PO2', 'PO3'].map((n) => ({ displayName: n, commonName: n, rdn: n, settings: { containers: 'Recipients', trustLevel: '100' } }));
    const plain = setup({ sequence: { globalMaxSeqInResync: null, dxaVersion: '5.5.2653' }, configurations });
    const r1 = await runNewResync(plain.dss, plain.options, plain.reporter, new AbortController().signal);
    expect(r1!.Warnings.some((w) => w.includes('Fatal error 14') && w.includes('"PO3"'))).toBe(true);
    expect(plain.dss.globalMaxSeqDuringGeneration).toBeNull();

    const sequence = { globalMaxSeqInResync: null as number | null, dxaVersion: '5.5.2653' };
    const fixed = setup({ sequence, configurations }, { globalMaxSeq: true });
    const r2 = await runNewResync(fixed.dss, fixed.options, fixed.reporter, new AbortController().signal);
    expect(fixed.dss.globalMaxSeqDuringGeneration).toBe(1);
    expect(sequence.globalMaxSeqInResync).toBeNull();
    expect(r2!.GlobalMaxSeqInResync).toBe(1);
    expect(r2!.Warnings.some((w) => w.includes('Fatal error 14'))).toBe(false);
    expect(fixed.dss.calls.indexOf('gms 1')).toBeLessThan(fixed.dss.calls.indexOf('start'));
    expect(fixed.dss.calls.indexOf('gms null')).toBeGreaterThan(fixed.dss.calls.indexOf('take Resync.glb'));
    const backup = JSON.parse(readFileSync(r2!.BackupPath, 'utf8'));
    expect(backup.values.GlobalMaxSeqInResync).toEqual({ present: false, type: 'REG_DWORD', data: null });
  });

  it('GlobalMaxSeqInResync is restored when the run fails', async () => {
    const sequence = { globalMaxSeqInResync: 0 as number | null, dxaVersion: '5.5.2653' };
    const { dss, reporter, options } = setup({ sequence, unrecognised: true }, { globalMaxSeq: true });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('RequestorNotRecognised');
    expect(sequence.globalMaxSeqInResync).toBe(0);
    expect(e.details.undone?.some((u) => u.includes('GlobalMaxSeqInResync'))).toBe(true);
  });

  it('an older DXA: the warning says the fix needs Exchange 5.5 SP3', async () => {
    const { dss, reporter, options } = setup({ sequence: { globalMaxSeqInResync: null, dxaVersion: '5.5.2448' } });
    const r = await runNewResync(dss, options, reporter, new AbortController().signal);
    expect(r!.Warnings.some((w) => w.includes('5.5 SP3') && w.includes('5.5.2448'))).toBe(true);
  });

  it('MixedConfiguration: a group of differently configured requestors is refused before any change, unless forced', async () => {
    const configurations = [
      { displayName: 'PO1', commonName: 'PO1', rdn: 'PO1', settings: { containers: 'Recipients', trustLevel: '100' } },
      { displayName: 'PO2', commonName: 'PO2', rdn: 'PO2', settings: { containers: 'Sales', trustLevel: '100' } },
    ];
    const { dss, reporter, options } = setup({ configurations });
    const e = await failure(runNewResync(dss, options, reporter, new AbortController().signal));
    expect(e.id).toBe('MixedConfiguration');
    expect(e.message).toContain('containers');
    expect(e.message).toContain('"Sales"');
    expect(dss.calls).toEqual([]);
    const forced = setup({ configurations }, { force: true });
    const r = await runNewResync(forced.dss, forced.options, forced.reporter, new AbortController().signal);
    expect(r!.Warnings.some((w) => w.includes('configured differently'))).toBe(true);
  });
});
