// Interrupted runs through the bundle in node.exe against real lab DXA processes: the engine killed
// after each step (child.kill() is TerminateProcess on Windows whatever the signal: no handler of the
// engine runs; 'SIGKILL' is named so that the same file means the same on Linux), a
// cancel and a vanished caller over the rpc protocol (Ctrl+C as SIGINT cannot be sent to a Windows
// process; the module cancels over the protocol), two runs at once, and dead runs' locks.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cleanup, cli, tempDir, until } from './support.mjs';
import {
  auditEvents,
  exited,
  idleProcess,
  inspectComplete,
  killChildren,
  labState,
  labStatus,
  labValue,
  lockFile,
  outputFiles,
  recordedStatus,
  resyncInDxadata,
  rpcSession,
  runAsync,
  sharedLab,
  writtenLengths,
  why,
} from './helpers-win.mjs';

afterEach(killChildren);
after(cleanup);

const lab = sharedLab();
const T = { timeout: 180_000 };
const RUN = { timeoutMs: 150_000 };

const newRequest = (l, params = {}) => ({ protocol: 1, command: 'new', params: { labPath: l, requestor: ['PO1'], timeoutSec: 60, ...params } });

/** The lab after a rollback or a recovery: no value, service running, no Resync.glb in Dxadata, no lock. */
function assertRolledBack(l) {
  assert.equal(labValue(l), null, labState(l));
  assert.equal(resyncInDxadata(l), false, labState(l));
  assert.equal(existsSync(lockFile(l)), false, labState(l));
  assert.equal(labStatus(l), 'Running', labState(l));
}

describe('the engine killed (TerminateProcess) after each step, then recover', () => {
  for (const step of ['start', 'value-written', 'service-stop', 'service-start', 'file-moved']) {
    it(`killed right after ${step}: recover leaves no value, the service running and nothing in Dxadata`, T, async () => {
      const l = lab();
      cli(['lab', 'fault', l, '--slow-write', '5']);
      const base = auditEvents(l).length; // the lab's audit log is shared with earlier runs
      const run = runAsync(['new', '--lab', l, '-r', 'PO1', '-r', 'PO2', '--timeout', '60', '--json']);
      const seen = await until(`the audit event ${step}`, () => (auditEvents(l).slice(base).some((e) => e.event === step) ? 'seen' : run.child.exitCode !== null ? 'ended' : undefined), 90_000, 20);
      run.child.kill('SIGKILL');
      const killed = await run.done;
      assert.equal(seen, 'seen', `the run ended before ${step}: ${why(killed, l)}`);
      assert.equal(auditEvents(l).slice(base).some((e) => e.event === 'outcome'), false, 'the run was killed before its outcome');
      const rec = cli(['recover', '--lab', l, '-v'], RUN);
      assert.equal(rec.status, 0, why(rec, l));
      assertRolledBack(l);
      cli(['lab', 'fault', l, '--clear']);
      const again = cli(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json'], RUN);
      assert.equal(again.status, 0, why(again, l));
    });
  }
});

describe('cancel and caller gone over the rpc protocol', () => {
  it('a cancel line during the wait: Cancelled, end exit code 1, rolled back', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '3000']);
    const s = rpcSession(newRequest(l));
    await s.waitFor((e) => e.event === 'verbose' && String(e.message).startsWith('Wrote'));
    s.send(JSON.stringify({ control: 'cancel', reason: 'the user pressed Ctrl+C' }));
    const end = await s.waitFor((e) => e.event === 'end');
    s.child.stdin.end();
    const { events } = await s.done;
    assert.equal(events.find((e) => e.event === 'error')?.id, 'Cancelled', JSON.stringify(events.filter((e) => e.event !== 'progress')));
    assert.equal(end.exitCode, 1);
    cli(['lab', 'fault', l, '--clear']);
    assertRolledBack(l);
  });

  it('a cancel during the service start is acted on at once: the value is gone before the service is running', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '6000']);
    const before = writtenLengths(l).length;
    const s = rpcSession(newRequest(l));
    await until('StartPending with the value written', () => (recordedStatus(l) === 'StartPending' && labValue(l) !== null ? true : undefined), 60_000, 20);
    s.send('{"control":"cancel"}');
    await until('the value to be removed', () => (labValue(l) === null ? true : undefined), 60_000, 20);
    assert.equal(recordedStatus(l), 'StartPending');
    await s.waitFor((e) => e.event === 'end');
    s.child.stdin.end();
    const { events } = await s.done;
    assert.equal(events.find((e) => e.event === 'error')?.id, 'Cancelled');
    assert.equal(writtenLengths(l).length, before, 'the DXA generated nothing');
    cli(['lab', 'fault', l, '--clear']);
    assertRolledBack(l);
  });

  it('a cancel during generation: the generation under way is waited for and kept as .generated.glb, named in undone, not a success', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--prepare-delay', '2000']);
    const before = writtenLengths(l).length;
    const outBefore = new Set(outputFiles(l));
    const s = rpcSession(newRequest(l, { requestor: ['PO1', 'PO2'] }));
    await until('the DXA to begin generating', () => {
      const log = existsSync(join(l, 'dxa.log')) ? readFileSync(join(l, 'dxa.log'), 'utf8') : '';
      return (log.match(/Generating Resync\.glb/g) ?? []).length > before ? true : undefined;
    }, 60_000, 20);
    s.send('{"control":"cancel"}');
    await s.waitFor((e) => e.event === 'end');
    s.child.stdin.end();
    const { status, events } = await s.done;
    const err = events.find((e) => e.event === 'error');
    assert.equal(err?.id, 'Cancelled', JSON.stringify(events.filter((e) => e.event !== 'progress')));
    assert.equal(status, 1);
    assert.equal(writtenLengths(l).length, before + 1, 'the DXA finished the file it had begun');
    assert.equal(resyncInDxadata(l), false);
    const kept = outputFiles(l).find((f) => f.endsWith('.generated.glb') && !outBefore.has(f));
    assert.ok(kept, outputFiles(l).join(', '));
    assert.equal(inspectComplete(join(l, 'output', kept)), true);
    assert.ok(err.details.undone.join(' ').includes(kept), err.details.undone.join(' '));
    cli(['lab', 'fault', l, '--clear']);
    assertRolledBack(l);
  });

  it('the caller gone (stdin closed) cancels the run and rolls back', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '3000']);
    const s = rpcSession(newRequest(l));
    await s.waitFor((e) => e.event === 'verbose' && String(e.message).startsWith('Wrote'));
    s.child.stdin.end();
    const { status, events } = await s.done;
    assert.equal(events.find((e) => e.event === 'error')?.id, 'Cancelled', JSON.stringify(events.filter((e) => e.event !== 'progress')));
    assert.equal(status, 1);
    cli(['lab', 'fault', l, '--clear']);
    assertRolledBack(l);
  });

  it('the window closed (stdin, stdout and stderr gone): the engine finishes the rollback unheard, exits 1, and the audit log has it', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '1500', '--slow-write', '20']);
    const s = rpcSession(newRequest(l));
    await s.waitFor((e) => e.event === 'verbose' && String(e.message).startsWith('Stopped MSExchangeDX'));
    // Windows reports ERROR_NO_DATA / a broken pipe to the engine's writes from here on.
    s.child.stdin.destroy();
    s.child.stdout.destroy();
    s.child.stderr.destroy();
    await exited(s.child);
    assert.equal(s.child.exitCode, 1);
    const outcome = auditEvents(l).at(-1);
    assert.equal(outcome.event, 'outcome');
    assert.equal(outcome.result, 'failed');
    assert.equal(outcome.errorId, 'Cancelled');
    assert.ok(outcome.undone.length > 0);
    cli(['lab', 'fault', l, '--clear']);
    assertRolledBack(l);
  });
});

describe('one run per DSS', () => {
  it('two runs at once: the second is Busy (exit 3) naming the holder and since when; the first succeeds', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '4000']);
    const first = runAsync(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json']);
    await until('the run lock', () => (existsSync(lockFile(l)) ? true : undefined), 60_000, 20);
    const second = cli(['new', '--lab', l, '-r', 'PO2', '--json'], RUN);
    assert.equal(second.status, 3, why(second, l));
    assert.equal(second.json.error.id, 'Busy');
    assert.ok(second.json.error.message.includes(hostname()), second.json.error.message);
    assert.match(second.json.error.details.holder.since, /^\d{4}-/);
    assert.equal(second.json.error.details.holder.pid, first.child.pid);
    const r = await first.done;
    assert.equal(r.status, 0, why(r, l));
    assert.deepEqual(r.json.Requestor, ['PO1']);
  });

  it('recover while a live run holds the DSS: the holder is told alive by its proof of life and left alone; the run succeeds', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '4000']);
    const base = auditEvents(l).length;
    const first = runAsync(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json']);
    await until('the value written', () => (auditEvents(l).slice(base).some((e) => e.event === 'value-written') ? true : undefined), 60_000, 20);
    const rec = cli(['recover', '--lab', l], RUN);
    assert.match(rec.stderr, /is alive; not touched/, why(rec, l));
    assert.ok(rec.stderr.includes(`pid ${first.child.pid} `), rec.stderr);
    assert.deepEqual(labValue(l), ['PO1'], 'the live run’s value was left in place');
    const r = await first.done;
    assert.equal(r.status, 0, why(r, l));
    assert.equal(auditEvents(l).slice(base).some((e) => e.event === 'recovered'), false);
  });

  /** A real run killed after it wrote the value and stopped the service: its lock is what a dead run leaves. */
  async function deadRun(l) {
    cli(['lab', 'fault', l, '--start-delay', '4000']);
    const base = auditEvents(l).length;
    const run = runAsync(['new', '--lab', l, '-r', 'PO2', '--timeout', '60', '--json']);
    await until('the service stop', () => (auditEvents(l).slice(base).some((e) => e.event === 'service-stop') ? true : undefined), 60_000, 20);
    run.child.kill('SIGKILL');
    await run.done;
    cli(['lab', 'fault', l, '--clear']);
    const lock = JSON.parse(readFileSync(lockFile(l), 'utf8'));
    assert.equal(lock.pid, run.child.pid);
    assert.equal(lock.state.valueWritten, true);
    return lock;
  }

  it('an empty run.lock: Busy ("cannot be read") while fresh; once its age proves it stale the next run recovers and succeeds', T, () => {
    const l = lab();
    mkdirSync(join(l, '.resyncglb'), { recursive: true });
    writeFileSync(lockFile(l), '');
    const fresh = cli(['new', '--lab', l, '-r', 'PO1', '--json'], RUN);
    assert.equal(fresh.status, 3, why(fresh, l));
    assert.equal(fresh.json.error.id, 'Busy');
    assert.match(fresh.json.error.message, /cannot be read/);
    // Its age is read from the file's times (NTFS and Wine both keep the modification time set here).
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(l), old, old);
    const r = cli(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json'], RUN);
    assert.equal(r.status, 0, why(r, l));
    assert.match(r.stderr, /could not be read/);
    assertRolledBack(l);
  });

  it('a crafted journal naming a file outside Dxadata: JournalRejected (exit 3), nothing moved, the lock cleared', T, async () => {
    const l = lab();
    const lock = await deadRun(l);
    const victim = join(tempDir('rg-victim-'), 'victim.txt');
    writeFileSync(victim, 'do not move me');
    writeFileSync(lockFile(l), JSON.stringify({ ...lock, state: { ...lock.state, filePath: victim } }));
    const r = cli(['recover', '--lab', l], RUN);
    assert.equal(r.status, 3, why(r, l));
    assert.match(r.stderr, /error JournalRejected:/);
    assert.ok(r.stderr.includes(victim), r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'do not move me');
    assert.equal(existsSync(lockFile(l)), false);
    // the dead run's value is the admin's to remove now (the journal was not trusted); the lab is set right for the next test
    cli(['lab', 'fault', l, '--clear']);
  });

  it('a journal naming Dxadata in another case and with forward slashes names the same folder on Windows: recovered, not rejected', T, async () => {
    const l = lab();
    const lock = await deadRun(l);
    const respell = (p) => p.toUpperCase().replace(/\\/g, '/');
    writeFileSync(lockFile(l), JSON.stringify({ ...lock, state: { ...lock.state, dxadata: respell(lock.state.dxadata), filePath: respell(lock.state.filePath) } }));
    const r = cli(['recover', '--lab', l, '-v'], RUN);
    assert.equal(r.status, 0, why(r, l));
    assert.match(r.stderr, /Recovered: Removed ResyncConnectionRDNs/);
    assertRolledBack(l);
  });

  it('a dead run’s lock (its process gone): the next run rolls its journal back, then proceeds', T, async () => {
    const l = lab();
    const lock = await deadRun(l);
    const r = cli(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json'], RUN);
    assert.equal(r.status, 0, why(r, l));
    assert.ok(r.stderr.includes(lock.runId), r.stderr);
    assert.deepEqual(r.json.Requestor, ['PO1']);
    assert.ok(auditEvents(l).some((e) => e.event === 'recovered' && e.staleRunId === lock.runId));
    assertRolledBack(l);
  });

  it('a dead run’s lock whose pid now belongs to an unrelated live process: taken as stale, recover undoes the journal', T, async () => {
    const l = lab();
    const lock = await deadRun(l);
    // Windows reuses pids: an unrelated process now has the dead run's pid. Everything else in the
    // lock — including whatever start evidence the dead run recorded — stays the dead run's.
    const other = await idleProcess();
    writeFileSync(lockFile(l), JSON.stringify({ ...lock, pid: other.pid }));
    const r = cli(['recover', '--lab', l, '-v'], RUN);
    assert.equal(r.status, 0, why(r, l));
    assert.ok(r.stderr.includes(lock.runId), r.stderr);
    assert.match(r.stderr, /Recovered: Removed ResyncConnectionRDNs/);
    assert.equal(other.exitCode, null, 'the unrelated process was left alone');
    assertRolledBack(l);
  });
});
