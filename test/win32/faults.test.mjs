// The README's fault matrix through the bundle in node.exe against real lab DXA processes, with
// Windows file, process and path semantics: each row's error id (`--json` error.id), exit code and
// rollback (the value gone from the lab's registry.json, the service status, Dxadata left clean) as
// the Linux integration tests (new-bundle, false-success, held-open, edges) check them.
//
// Rows not here: the output volume full needs a 1 MiB tmpfs (Linux-only tooling); Ctrl+C is SIGINT
// on Linux, which child.kill('SIGINT') cannot deliver on Windows — the same cancel goes over the rpc
// protocol (interruptions.test.mjs), as the module sends it.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cli, makeLab, until } from './support.mjs';
import {
  auditEvents,
  dxadata,
  inspectComplete,
  killChildren,
  labState,
  labStatus,
  labValue,
  outputFiles,
  recordedStatus,
  resyncInDxadata,
  rpcSession,
  runAsync,
  sha256,
  sharedLab,
  writtenLengths,
  why,
} from './helpers-win.mjs';

afterEach(killChildren);
after(cleanup);

const lab = sharedLab();
const T = { timeout: 180_000 };
// Bounded so that a run that hangs fails its test instead of the suite.
const RUN = { timeoutMs: 150_000 };

function newRun(l, args, opts = RUN) {
  return cli(['new', '--lab', l, ...args, '--json'], opts);
}

/** The registry store and Dxadata's files as bytes: what "nothing changed" compares. */
function dssSnapshot(l) {
  const files = existsSync(dxadata(l)) ? readdirSync(dxadata(l)).sort().map((f) => `${f}:${sha256(join(dxadata(l), f))}`) : ['gone'];
  return [readFileSync(join(l, 'registry.json'), 'utf8'), ...files, recordedStatus(l)].join('\n');
}

describe('the procedure and its backup', () => {
  it('makes Resync.glb: hash, value gone, service running, Dxadata clean, audit in order', T, () => {
    const l = lab();
    const r = newRun(l, ['-r', 'PO1', '-r', 'po2', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.deepEqual(r.json.Requestor, ['PO1', 'po2']);
    assert.equal(r.json.Sha256, sha256(r.json.Path));
    assert.equal(r.json.Length, readFileSync(r.json.Path).length);
    assert.equal(r.json.ValueRemoved, true);
    assert.equal(r.json.ServiceStatus, 'Running');
    assert.equal(inspectComplete(r.json.Path), true);
    assert.deepEqual(writtenLengths(l).slice(-1), [r.json.Length]);
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
    assert.equal(resyncInDxadata(l), false);
    assert.deepEqual(
      auditEvents(l).map((a) => a.event),
      ['start', 'value-written', 'service-stop', 'service-start', 'file-moved', 'outcome'],
    );
  });

  it('writes the .reg backup beside the .json as UTF-16LE with a BOM and CRLF line ends', T, () => {
    const l = lab();
    const r = newRun(l, ['-r', 'PO1', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.match(r.json.BackupPath, /\.json$/);
    const reg = r.json.BackupPath.replace(/\.json$/, '.reg');
    assert.ok(existsSync(reg), `${reg} missing`);
    const bytes = readFileSync(reg);
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'UTF-16LE byte order mark');
    assert.equal(bytes.length % 2, 0);
    const text = bytes.subarray(2).toString('utf16le');
    assert.ok(text.startsWith('Windows Registry Editor Version 5.00\r\n'), JSON.stringify(text.slice(0, 60)));
    assert.ok(text.endsWith('\r\n'));
    // every line break is CRLF: no bare LF and no bare CR
    assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF');
    assert.equal(text.replace(/\r\n/g, '').includes('\r'), false, 'a bare CR');
    assert.match(text, /\r\n\[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDX\]\r\n/);
    // the value was absent before the run: the backup deletes it when merged
    assert.match(text, /\r\n"ResyncConnectionRDNs"=-\r\n/);
    const json = JSON.parse(readFileSync(r.json.BackupPath, 'utf8'));
    assert.equal(json.values.ResyncConnectionRDNs.present, false);
  });
});

describe('preflight refusals: nothing changed', () => {
  it('pending value: ValuePending (exit 3), nothing changed; --force takes it over and restores it when the run fails', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--pending-value', 'EARLIER']);
    const before = dssSnapshot(l);
    const r = newRun(l, ['-r', 'PO1']);
    assert.equal(r.status, 3, why(r, l));
    assert.equal(r.json.error.id, 'ValuePending');
    assert.match(r.json.error.message, /EARLIER/);
    assert.equal(dssSnapshot(l), before);
    // taken over, then the DXA recognises nothing: the run fails and the earlier value is put back
    cli(['lab', 'fault', l, '--unrecognise']);
    const f = newRun(l, ['-r', 'PO1', '--force', '--recognition-timeout', '2', '--timeout', '60']);
    assert.equal(f.status, 1, why(f, l));
    assert.equal(f.json.error.id, 'RequestorNotRecognised');
    assert.deepEqual(labValue(l), ['EARLIER']);
    const backup = JSON.parse(readFileSync(f.json.error.details.backupPath, 'utf8'));
    assert.deepEqual(backup.values.ResyncConnectionRDNs.data, ['EARLIER']);
    // the .reg beside it restores the value when merged: REG_MULTI_SZ as hex(7), UTF-16LE, CRLF lines
    const reg = readFileSync(f.json.error.details.backupPath.replace(/\.json$/, '.reg'));
    assert.deepEqual([...reg.subarray(0, 2)], [0xff, 0xfe]);
    const text = reg.subarray(2).toString('utf16le');
    assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF');
    const hex = /\r\n"ResyncConnectionRDNs"=hex\(7\):([0-9a-f,]+)\r\n/.exec(text);
    assert.ok(hex, text);
    assert.equal(Buffer.from(hex[1].split(',').map((h) => parseInt(h, 16))).toString('utf16le'), 'EARLIER\u0000\u0000');
    cli(['lab', 'fault', l, '--clear']);
    const ok = newRun(l, ['-r', 'PO1', '--force', '--timeout', '60']);
    assert.equal(ok.status, 0, why(ok, l));
    assert.equal(labValue(l), null);
  });

  it('not a DSS (lab init --no-service): ServiceNotFound (exit 3)', T, () => {
    const l = makeLab({ args: ['--no-service'], start: false });
    const before = readFileSync(join(l, 'registry.json'), 'utf8');
    const r = newRun(l, ['-r', 'PO1']);
    assert.equal(r.status, 3, why(r));
    assert.equal(r.json.error.id, 'ServiceNotFound');
    assert.equal(readFileSync(join(l, 'registry.json'), 'utf8'), before);
  });

  it('usage errors exit 2 with JSON before any DSS is contacted', T, () => {
    const a = cli(['new', '--computer-name', 'EXCH01', '-r', 'PO1', '--user', 'CORP\\admin', '--json'], RUN);
    assert.equal(a.status, 2, why(a));
    assert.equal(a.json.error.id, 'Usage');
    const b = cli(['new', '--computer-name', 'EXCH01', '-r', 'PO1', '--user', 'CORP\\admin', '--password-stdin', '--json'], { ...RUN, input: '' });
    assert.equal(b.status, 2, why(b));
    assert.equal(b.json.error.id, 'Usage');
    assert.match(b.json.error.message, /no password/);
    const c = cli(['new', '--computer-name', 'EXCH01', '--json'], RUN);
    assert.equal(c.status, 2, why(c));
    assert.equal(c.json.error.id, 'Usage');
    assert.match(c.json.error.message, /requestor/);
    // no PowerShell was looked for: the DSS was never contacted
    assert.doesNotMatch(c.stderr, /PowerShell/);
  });

  it('bad names: InvalidRequestor (exit 2) lists every bad name with its reason; nothing changed', T, async () => {
    const l = lab();
    const before = dssSnapshot(l);
    // Through the command line: empty, blank, a line break inside one argument, a tab, > 256 chars.
    const bad = ['', '  ', 'line\nbreak', 'tab\there', 'x'.repeat(257)];
    const r = newRun(l, ['-r', 'PO1', ...bad.flatMap((n) => ['-r', n])]);
    assert.equal(r.status, 2, why(r, l));
    assert.equal(r.json.error.id, 'InvalidRequestor');
    assert.equal(r.json.error.details.problems.length, bad.length, JSON.stringify(r.json.error.details.problems));
    // A NUL cannot travel in a Windows command line: through the protocol, as the module sends it.
    const s = rpcSession({ protocol: 1, command: 'new', params: { labPath: l, requestor: ['PO1', 'nul\u0000in', 'bell\u0007in'] } }, { keepOpen: false });
    const { status, events } = await s.done;
    assert.equal(status, 2, JSON.stringify(events));
    const err = events.find((e) => e.event === 'error');
    assert.equal(err?.id, 'InvalidRequestor');
    assert.equal(err.details.problems.length, 2);
    assert.equal(dssSnapshot(l), before);
  });
});

describe('protocol abuse over Windows pipes', () => {
  it('rpc commands named after object methods are UnknownCommand (exit 2)', T, async () => {
    for (const command of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const s = rpcSession({ protocol: 1, command, params: {} }, { keepOpen: false });
      const { status, events } = await s.done;
      assert.equal(status, 2, `${command}: ${JSON.stringify(events)}`);
      assert.equal(events.find((e) => e.event === 'error')?.id, 'UnknownCommand', command);
      assert.deepEqual(events.at(-1), { event: 'end', exitCode: 2 });
    }
  });

  it('an unterminated request line over 1 MiB is refused while it is still arriving: ProtocolError (exit 2)', T, async () => {
    const s = rpcSession(null);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    // Up to 32 MiB of one line; the engine must answer long before the input ends.
    while (sent < 32 && !s.events.some((e) => e.event === 'end') && s.child.exitCode === null) {
      const more = s.child.stdin.write(chunk);
      sent++;
      if (!more) await Promise.race([new Promise((r) => s.child.stdin.once('drain', r)), new Promise((r) => setTimeout(r, 200))]);
    }
    const answeredAfter = sent;
    s.child.stdin.destroy();
    const { status, events } = await s.done;
    assert.ok(answeredAfter < 32, 'the engine answered only after the input ended');
    assert.equal(status, 2, JSON.stringify(events));
    assert.equal(events.find((e) => e.event === 'error')?.id, 'ProtocolError');
    assert.deepEqual(events.at(-1), { event: 'end', exitCode: 2 });
    assert.doesNotMatch(s.stderr, /RangeError/);
  });
});

describe('service faults: rolled back', () => {
  it('an older Resync.glb is moved out as .previous.glb first and never taken for the new one', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--old-resync']);
    const oldHash = sha256(join(dxadata(l), 'Resync.glb'));
    const r = newRun(l, ['-r', 'PO1', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.match(r.json.PreviousFilePath, /\.previous\.glb$/);
    assert.equal(sha256(r.json.PreviousFilePath), oldHash);
    assert.notEqual(r.json.Sha256, oldHash);
    assert.equal(inspectComplete(r.json.Path), true);
    assert.equal(resyncInDxadata(l), false);
  });

  it('hang on stop: ServiceStopTimeout (exit 1), value removed, service still running', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--hang-on-stop']);
    const r = newRun(l, ['-r', 'PO1', '--service-timeout', '2']);
    assert.equal(r.status, 1, why(r, l));
    assert.equal(r.json.error.id, 'ServiceStopTimeout');
    assert.match(r.json.error.details.undone.join(' '), /Removed ResyncConnectionRDNs/);
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
  });

  it('fails to start once: ServiceStartFailed (exit 1), value removed before the start again, service running', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--fail-start-times', '1']);
    const r = newRun(l, ['-r', 'PO1', '--service-timeout', '5']);
    assert.equal(r.status, 1, why(r, l));
    assert.equal(r.json.error.id, 'ServiceStartFailed');
    assert.match(r.json.error.details.undone.join(' '), /Started MSExchangeDX again/);
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
    assert.equal(resyncInDxadata(l), false);
  });

  it('slow start: waited through StartPending; past --service-timeout ServiceStartFailed, rolled back', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '1500']);
    const ok = newRun(l, ['-r', 'PO1', '--timeout', '60']);
    assert.equal(ok.status, 0, why(ok, l));
    const slow = newRun(l, ['-r', 'PO1', '--service-timeout', '1']);
    assert.equal(slow.status, 1, why(slow, l));
    assert.equal(slow.json.error.id, 'ServiceStartFailed');
    assert.equal(labValue(l), null);
    cli(['lab', 'fault', l, '--clear']);
    assert.equal(labStatus(l), 'Running');
  });

  it('name not recognised: RequestorNotRecognised naming the names, value removed, service running', T, () => {
    const l = lab();
    const r = newRun(l, ['-r', 'NOSUCHPO', '--recognition-timeout', '2']);
    assert.equal(r.status, 1, why(r, l));
    assert.equal(r.json.error.id, 'RequestorNotRecognised');
    assert.match(r.json.error.message, /"NOSUCHPO"/);
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
    // the same for a real name the DXA does not recognise (lab fault --unrecognise)
    cli(['lab', 'fault', l, '--unrecognise']);
    const u = newRun(l, ['-r', 'PO1', '--recognition-timeout', '2']);
    assert.equal(u.status, 1, why(u, l));
    assert.equal(u.json.error.id, 'RequestorNotRecognised');
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
  });

  it('slow write: the run waits for the whole file and never reports a partial one', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--slow-write', '30']);
    const r = newRun(l, ['-r', 'PO1', '-r', 'PO2', '--timeout', '90']);
    assert.equal(r.status, 0, why(r, l));
    assert.equal(inspectComplete(r.json.Path), true);
    assert.equal(r.json.Length, writtenLengths(l).at(-1));
    assert.equal(resyncInDxadata(l), false);
  });

  it('crash mid-write: IncompleteFile (exit 1), partial moved out as .incomplete.glb before the restart, value removed, service started again', T, () => {
    const l = lab();
    // --import-on-start: a DXA that finds its own partial file at start would process it; the
    // rollback must move it out before it starts the service again.
    cli(['lab', 'fault', l, '--crash-mid-write', '--import-on-start']);
    const r = newRun(l, ['-r', 'PO1', '-r', 'PO2', '--timeout', '60']);
    assert.equal(r.status, 1, why(r, l));
    assert.equal(r.json.error.id, 'IncompleteFile');
    assert.equal(labValue(l), null);
    assert.equal(resyncInDxadata(l), false);
    const partial = outputFiles(l).find((f) => f.endsWith('.incomplete.glb'));
    assert.ok(partial, outputFiles(l).join(', '));
    assert.ok(readFileSync(join(l, 'output', partial)).length > 0);
    assert.doesNotMatch(readFileSync(join(l, 'dxa.log'), 'utf8'), /[Ii]mported/);
    assert.equal(labStatus(l), 'Running');
  });

  it('service never starts: RollbackIncomplete (exit 5) caused by ServiceStartFailed, value removed, net start named', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--fail-start']);
    const r = newRun(l, ['-r', 'PO1', '--service-timeout', '3']);
    assert.equal(r.status, 5, why(r, l));
    assert.equal(r.json.error.id, 'RollbackIncomplete');
    assert.equal(r.json.error.details.cause, 'ServiceStartFailed');
    assert.match(r.json.error.details.manualSteps.join(' '), /net start MSExchangeDX/);
    assert.equal(labValue(l), null);
    assert.equal(resyncInDxadata(l), false);
  });
});

describe('Resync.glb held open by a reader in Dxadata', () => {
  it('a short hold is waited out and the run succeeds', T, () => {
    const l = lab();
    cli(['lab', 'fault', l, '--hold-open', '1500']);
    const r = newRun(l, ['-r', 'PO1', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.equal(r.json.Sha256, sha256(r.json.Path));
    assert.equal(resyncInDxadata(l), false);
    assert.equal(labStatus(l), 'Running');
  });

  it('a short hold with no restart after generation: the success is reported only once Resync.glb is gone from Dxadata', T, async () => {
    const l = lab();
    // Without the final restart the DXA process that holds the file keeps running, as an outside
    // reader (a scanner) would: the run must wait for it before it deletes and reports.
    cli(['lab', 'fault', l, '--hold-open', '6000']);
    const r = newRun(l, ['-r', 'PO1', '--no-final-restart', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.equal(resyncInDxadata(l), false, `success reported with Resync.glb still in Dxadata: ${labState(l)}`);
    assert.equal(r.json.Sha256, sha256(r.json.Path));
    // the restart the run skipped, so the lab is as a full run leaves it
    await until('the reader to close', () => (resyncInDxadata(l) ? undefined : true), 60_000);
    cli(['lab', 'stop', l]);
    cli(['lab', 'start', l]);
  });

  it('a reader that shares delete and stays: the file is taken at once, Resync.glb gone from Dxadata, the copy verified', T, () => {
    // The lab's reader is opened inside its DXA with Node's open, which on Windows always shares delete;
    // for such a reader (most scanners) Windows lets the file be renamed and deleted while it reads, so the
    // run succeeds. A reader that shares nothing is FileInUse (exit 5): that row runs through the Windows
    // operations (docs/TESTING.md), since Node cannot open a file that shares read but not delete.
    const l = lab();
    cli(['lab', 'fault', l, '--hold-open', '120000']);
    const r = newRun(l, ['-r', 'PO1', '--timeout', '60']);
    assert.equal(r.status, 0, why(r, l));
    assert.equal(resyncInDxadata(l), false, `Resync.glb still in Dxadata: ${labState(l)}`);
    assert.equal(r.json.Sha256, sha256(r.json.Path));
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
    cli(['lab', 'fault', l, '--clear']);
  });
});

describe('time and Dxadata', () => {
  it('no complete file in time: Timeout (exit 4), the write allowed to finish and kept as .generated.glb, everything undone', T, () => {
    const l = makeLab({ recipients: 3000 });
    cli(['lab', 'fault', l, '--slow-write', '40']);
    const r = newRun(l, ['-r', 'PO1', '-r', 'PO2', '--timeout', '1']);
    assert.equal(r.status, 4, why(r, l));
    assert.equal(r.json.error.id, 'Timeout');
    assert.equal(labValue(l), null);
    assert.equal(labStatus(l), 'Running');
    assert.equal(resyncInDxadata(l), false);
    const out = outputFiles(l);
    assert.deepEqual(out.filter((f) => f.endsWith('.incomplete.glb')), []);
    const kept = out.find((f) => f.endsWith('.generated.glb'));
    assert.ok(kept, out.join(', '));
    assert.equal(inspectComplete(join(l, 'output', kept)), true);
  });

  it('Dxadata removed mid-run: DxadataRemoved (exit 1) at once, not after the timeout; value removed', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '3000']);
    const run = runAsync(['new', '--lab', l, '-r', 'PO1', '--timeout', '120', '--json']);
    await until('the value to be written and the service to start', () => (labValue(l) !== null && recordedStatus(l) === 'StartPending' ? true : undefined), 60_000);
    // Moved away rather than deleted: a folder the engine watches (ReadDirectoryChangesW shares delete)
    // is only delete-pending once deleted, and under Wine a delete-pending folder still takes new files
    // (Windows refuses them), so a delete would test Wine, not Windows. A move frees the name on both.
    renameSync(dxadata(l), `${dxadata(l)}.moved`);
    const r = await run.done;
    assert.equal(r.json?.error?.id, 'DxadataRemoved', why(r, l));
    assert.equal(r.status, 1);
    assert.equal(labValue(l), null);
  });
});

describe('files that are not this run’s generation', () => {
  it('re-run right after a cancel: a truncated Resync.glb appearing while the service starts is moved out as .foreign-1.glb, never returned', T, async () => {
    const l = lab();
    const first = newRun(l, ['-r', 'PO1', '-r', 'PO2', '--timeout', '60']);
    assert.equal(first.status, 0, why(first, l));
    const full = readFileSync(first.json.Path);
    const truncated = full.subarray(0, Math.floor(full.length / 3));
    cli(['lab', 'fault', l, '--start-delay', '2500']);
    const run = runAsync(['new', '--lab', l, '-r', 'PO1', '-r', 'PO2', '--timeout', '60', '--json']);
    await until('StartPending', () => (recordedStatus(l) === 'StartPending' && labValue(l) !== null ? true : undefined), 60_000);
    writeFileSync(join(dxadata(l), 'Resync.glb'), truncated);
    const r = await run.done;
    assert.equal(r.status, 0, why(r, l));
    assert.equal(inspectComplete(r.json.Path), true);
    assert.equal(r.json.Length, full.length);
    assert.ok(writtenLengths(l).includes(r.json.Length));
    assert.ok(r.json.Warnings.some((w) => w.includes('.foreign-1.glb')), JSON.stringify(r.json.Warnings));
    const aside = outputFiles(l).find((f) => f.endsWith('.foreign-1.glb') && readFileSync(join(l, 'output', f)).equals(truncated));
    assert.ok(aside, outputFiles(l).join(', '));
    assert.equal(resyncInDxadata(l), false);
    assert.equal(labValue(l), null);
  });

  it('a foreign file written during generation keeps its bytes as .foreign-1.glb; the DXA’s own file is the result', T, async () => {
    const l = lab();
    cli(['lab', 'fault', l, '--start-delay', '2500']);
    const foreign = Buffer.from('not the DXA output: a file someone copied into Dxadata\r\n'.repeat(50));
    const before = writtenLengths(l).length;
    const run = runAsync(['new', '--lab', l, '-r', 'PO1', '--timeout', '60', '--json']);
    await until('StartPending', () => (recordedStatus(l) === 'StartPending' && labValue(l) !== null ? true : undefined), 60_000);
    writeFileSync(join(dxadata(l), 'Resync.glb'), foreign);
    const r = await run.done;
    assert.equal(r.status, 0, why(r, l));
    assert.notEqual(r.json.Sha256, sha256(foreign));
    assert.equal(inspectComplete(r.json.Path), true);
    assert.deepEqual(writtenLengths(l).slice(before), [r.json.Length]);
    const aside = outputFiles(l).find((f) => f.endsWith('.foreign-1.glb') && readFileSync(join(l, 'output', f)).equals(foreign));
    assert.ok(aside, outputFiles(l).join(', '));
    assert.equal(resyncInDxadata(l), false);
  });
});
