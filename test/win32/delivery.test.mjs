// `resync-glb copy` through the bundle in node.exe into real folders, with Windows file semantics:
// a verified fan-out, two deliveries racing into one folder, an earlier RESYNC.GLB held open by a
// reader in another process or read-only, a missing folder, a copy cancelled over the protocol or
// killed (TerminateProcess) part-way, and a tampered source. A full destination volume needs a
// tmpfs (Linux-only tooling) and is not here.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cli, tempDir, until } from './support.mjs';
import { exited, holdOpen, killChildren, rpcSession, runAsync, sha256 } from './helpers-win.mjs';

afterEach(killChildren);
after(cleanup);

const T = { timeout: 180_000 };
const RUN = { timeoutMs: 150_000 };
const TEMP = /\.resyncglb-tmp$/;

function why(r) {
  return `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
}

/** <root>/<name>/MAILDATA/GLB with the dirsync files a postoffice has. */
function postoffice(root, name) {
  const glb = join(root, name, 'MAILDATA', 'GLB');
  mkdirSync(glb, { recursive: true });
  writeFileSync(join(glb, 'SRVTRANS.GLB'), `srvtrans of ${name}`);
  return glb;
}

/** Every file in a folder with its hash. */
function contents(dir) {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, sha256(join(dir, f))]));
}

/** The names in `dir` that are RESYNC.GLB under any spelling. */
function finalNames(dir) {
  return readdirSync(dir).filter((f) => f.toLowerCase() === 'resync.glb');
}

function results(r) {
  return Array.isArray(r.json) ? r.json : [r.json];
}

describe('resync-glb copy on Windows', () => {
  it('a verified fan-out to three postoffices: each Copied and Verified, NextStep per postoffice, no temporary file left', T, () => {
    const root = tempDir('rg-deliver-');
    const source = join(root, 'Resync-LABDSS-20260101T000000000Z.glb');
    writeFileSync(source, randomBytes(700_000));
    const hash = sha256(source);
    const glbs = ['PO1', 'PO2', 'PO3'].map((p) => postoffice(root, p));
    const r = cli(['copy', source, '--sha256', hash, '-d', ...glbs, '--json'], RUN);
    assert.equal(r.status, 0, why(r));
    const res = results(r);
    assert.equal(res.length, 3);
    for (const [i, glb] of glbs.entries()) {
      assert.equal(res[i].Status, 'Copied');
      assert.equal(res[i].Verified, true);
      assert.equal(res[i].Sha256, hash);
      assert.equal(res[i].Error, null);
      assert.equal(sha256(join(glb, 'RESYNC.GLB')), hash);
      const po = join(root, `PO${i + 1}`);
      assert.deepEqual(res[i].NextStepCommands, [`import admin -p<password> -q -y -d${po}`, `rebuild -f -d${po}`]);
      assert.deepEqual(readdirSync(glb).sort(), ['RESYNC.GLB', 'SRVTRANS.GLB']);
    }
  });

  it('a tampered source (--sha256 no longer matching): SourceChanged (exit 1), nothing written anywhere', T, () => {
    const root = tempDir('rg-deliver-');
    const source = join(root, 'some.glb');
    writeFileSync(source, 'original');
    const hash = sha256(source);
    writeFileSync(source, 'tampered');
    const glb = postoffice(root, 'PO1');
    writeFileSync(join(glb, 'RESYNC.GLB'), 'an earlier file');
    const before = contents(glb);
    const r = cli(['copy', source, '--sha256', hash, '-d', glb, '--json'], RUN);
    assert.equal(r.status, 1, why(r));
    assert.equal(r.json.error.id, 'SourceChanged');
    assert.deepEqual(contents(glb), before);
  });

  it('two deliveries into one folder at once: both Copied and Verified, every RESYNC.GLB that was in place survives', T, async () => {
    const root = tempDir('rg-race-');
    for (const round of [0, 1, 2]) {
      const glb = postoffice(root, `round${round}`);
      // An empty folder is the sharpest case (neither run sees a file to keep); one round starts with one.
      const earlier = round === 2 ? randomBytes(4096) : null;
      if (earlier) writeFileSync(join(glb, 'RESYNC.GLB'), earlier);
      const a = join(root, `a${round}.glb`);
      const b = join(root, `b${round}.glb`);
      writeFileSync(a, randomBytes(3 * 1024 * 1024));
      writeFileSync(b, randomBytes(3 * 1024 * 1024));
      const runs = [runAsync(['copy', a, '-d', glb, '--force', '--json']), runAsync(['copy', b, '-d', glb, '--force', '--json'])];
      const done = await Promise.all(runs.map((x) => x.done));
      for (const r of done) {
        assert.equal(r.status, 0, why(r));
        assert.equal(results(r)[0].Status, 'Copied');
        assert.equal(results(r)[0].Verified, true);
      }
      const held = readdirSync(glb).filter((f) => f !== 'SRVTRANS.GLB');
      assert.deepEqual(
        held.map((f) => sha256(join(glb, f))).sort(),
        [sha256(a), sha256(b), ...(earlier ? [sha256(earlier)] : [])].sort(),
        held.join(', '),
      );
      assert.deepEqual(finalNames(glb), ['RESYNC.GLB']);
      assert.equal(held.some((f) => TEMP.test(f)), false);
    }
  });

  // Either guarantee holds: delivered and verified with the earlier file kept under its stamped
  // name, or a clear error with the earlier file still RESYNC.GLB and no temporary file left.
  for (const [kind, exclusive] of [
    ['a reader that shares delete (as Node, most scanners and Explorer open files)', false],
    ['a reader that shares nothing (an open with share mode 0, as some backup agents hold files)', true],
  ]) {
    it(`an earlier RESYNC.GLB held open by ${kind}: delivered with the old one kept, or a clear error with nothing lost`, T, async () => {
      const root = tempDir('rg-held-');
      const glb = postoffice(root, 'PO1');
      const earlier = randomBytes(64 * 1024);
      writeFileSync(join(glb, 'RESYNC.GLB'), earlier);
      const source = join(root, 'new.glb');
      writeFileSync(source, randomBytes(256 * 1024));
      const reader = await holdOpen(join(glb, 'RESYNC.GLB'), 120_000, { exclusive });
      const r = cli(['copy', source, '--sha256', sha256(source), '-d', glb, '--json'], RUN);
      // Judged once the reader has gone: a file held with share mode 0 cannot even be read to be
      // hashed, and a file deleted while a reader shares delete stays listed, delete-pending, until the
      // reader closes it (Wine keeps that pre-Windows 10 1903 behaviour; NTFS now removes the name at once).
      reader.kill('SIGKILL');
      await exited(reader);
      const files = readdirSync(glb);
      const named = (hash) => files.filter((f) => sha256(join(glb, f)) === hash);
      assert.ok(named(sha256(earlier)).length > 0, `the earlier file was lost: ${files.join(', ')}\n${why(r)}`);
      if (r.status === 0) {
        assert.equal(results(r)[0].Status, 'Copied');
        assert.equal(results(r)[0].Verified, true);
        assert.equal(sha256(join(glb, 'RESYNC.GLB')), sha256(source));
        const kept = named(sha256(earlier)).find((f) => /^RESYNC\.\d{8}T\d{9}Z(-\d+)?\.GLB$/.test(f));
        assert.ok(kept, `the earlier file is not under its stamped name: ${files.join(', ')}`);
        assert.equal(results(r)[0].BackupPath, join(glb, kept));
      } else {
        const err = r.json?.error;
        assert.ok(err && typeof err.id === 'string' && err.id !== 'Internal', `not a clear error: ${why(r)}`);
        assert.ok(err.message.includes(glb), err.message);
        assert.equal(sha256(join(glb, 'RESYNC.GLB')), sha256(earlier), 'the earlier file is still in place');
      }
      assert.equal(files.some((f) => TEMP.test(f)), false, files.join(', '));
      // once the reader has gone the delivery goes through
      const again = cli(['copy', source, '--sha256', sha256(source), '-d', glb, '--force', '--json'], RUN);
      assert.equal(again.status, 0, why(again));
      assert.equal(sha256(join(glb, 'RESYNC.GLB')), sha256(source));
      assert.ok(readdirSync(glb).some((f) => sha256(join(glb, f)) === sha256(earlier)), 'the earlier file survives the second delivery');
    });
  }

  it('one folder missing and one whose earlier RESYNC.GLB is read-only: the missing one fails alone, nothing is lost anywhere', T, () => {
    const root = tempDir('rg-onefails-');
    const source = join(root, 'new.glb');
    writeFileSync(source, randomBytes(200_000));
    const missing = join(root, 'GONE', 'MAILDATA', 'GLB');
    const ro = postoffice(root, 'PO1');
    const plain = postoffice(root, 'PO2');
    const earlier = randomBytes(2048);
    // FILE_ATTRIBUTE_READONLY on Windows: such a file may be renamed but not deleted or overwritten.
    writeFileSync(join(ro, 'RESYNC.GLB'), earlier);
    chmodSync(join(ro, 'RESYNC.GLB'), 0o444);
    const r = cli(['copy', source, '--sha256', sha256(source), '-d', missing, ro, plain, '--json'], RUN);
    assert.equal(r.status, 1, why(r));
    const res = r.json.error.details.results;
    assert.equal(res[0].Status, 'Failed');
    assert.equal(res[0].Error.Id, 'DestinationNotFound');
    assert.equal(res[2].Status, 'Copied');
    assert.equal(sha256(join(plain, 'RESYNC.GLB')), sha256(source));
    const held = readdirSync(ro);
    assert.ok(held.some((f) => sha256(join(ro, f)) === sha256(earlier)), `the read-only earlier file was lost: ${held.join(', ')}`);
    if (res[1].Status === 'Copied') {
      assert.equal(sha256(join(ro, 'RESYNC.GLB')), sha256(source));
    } else {
      assert.ok(res[1].Error && res[1].Error.Id !== 'Internal', JSON.stringify(res[1]));
      assert.equal(sha256(join(ro, 'RESYNC.GLB')), sha256(earlier));
    }
    assert.equal(held.some((f) => TEMP.test(f)), false, held.join(', '));
    for (const f of held) chmodSync(join(ro, f), 0o644);
  });

  it('a copy cancelled over the protocol: Cancelled, every temporary file removed, the earlier RESYNC.GLB intact', T, async () => {
    const root = tempDir('rg-cancel-');
    const glb = postoffice(root, 'PO1');
    const earlier = randomBytes(8192);
    writeFileSync(join(glb, 'RESYNC.GLB'), earlier);
    const source = join(root, 'big.glb');
    writeFileSync(source, randomBytes(48 * 1024 * 1024));
    const s = rpcSession({ protocol: 1, command: 'copy', params: { path: source, destination: [glb] } });
    const seen = await until('the temporary file', () => (readdirSync(glb).some((f) => TEMP.test(f)) ? 'writing' : s.child.exitCode !== null ? 'ended' : undefined), 60_000, 5);
    s.send('{"control":"cancel"}');
    const end = await s.waitFor((e) => e.event === 'end');
    s.child.stdin.end();
    const { events } = await s.done;
    assert.equal(seen, 'writing', 'the copy ended before it could be cancelled');
    assert.equal(end.exitCode, 1, JSON.stringify(events.filter((e) => e.event !== 'progress')));
    const cancelled = events.find((e) => e.event === 'error')?.id ?? events.find((e) => e.event === 'result')?.data?.Error?.Id;
    assert.equal(cancelled, 'Cancelled', JSON.stringify(events.filter((e) => e.event !== 'progress')));
    assert.deepEqual(readdirSync(glb).sort(), ['RESYNC.GLB', 'SRVTRANS.GLB']);
    assert.equal(sha256(join(glb, 'RESYNC.GLB')), sha256(earlier));
  });

  it('a copy killed part-way leaves no RESYNC.GLB half-written; the next copy works and sweeps the dead copy’s temporary file', T, async () => {
    const root = tempDir('rg-killed-');
    const glb = postoffice(root, 'PO1');
    const earlier = randomBytes(8192);
    writeFileSync(join(glb, 'RESYNC.GLB'), earlier);
    const source = join(root, 'big.glb');
    writeFileSync(source, randomBytes(48 * 1024 * 1024));
    const hash = sha256(source);
    const run = runAsync(['copy', source, '--sha256', hash, '-d', glb, '--json']);
    const seen = await until('the temporary file', () => (readdirSync(glb).some((f) => TEMP.test(f)) ? 'writing' : run.child.exitCode !== null ? 'ended' : undefined), 60_000, 5);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(seen, 'writing', `the copy ended before it could be killed: ${why(killed)}`);
    // Whatever is named RESYNC.GLB is whole: the earlier file or, had the kill come after the commit, the new one.
    assert.deepEqual(finalNames(glb), ['RESYNC.GLB']);
    assert.ok([sha256(earlier), hash].includes(sha256(join(glb, 'RESYNC.GLB'))), 'RESYNC.GLB is half-written');
    assert.ok(readdirSync(glb).some((f) => sha256(join(glb, f)) === sha256(earlier)), 'the earlier file was lost');
    // A temporary file a killed copy left behind is swept once its writer is gone and it is a minute old.
    const leftovers = readdirSync(glb).filter((f) => TEMP.test(f));
    const old = new Date(Date.now() - 10 * 60_000);
    for (const f of leftovers) utimesSync(join(glb, f), old, old);
    const again = cli(['copy', source, '--sha256', hash, '-d', glb, '--force', '--json'], RUN);
    assert.equal(again.status, 0, why(again));
    assert.equal(results(again)[0].Verified, true);
    assert.equal(sha256(join(glb, 'RESYNC.GLB')), hash);
    assert.ok(readdirSync(glb).some((f) => sha256(join(glb, f)) === sha256(earlier)), 'the earlier file was lost');
    for (const f of leftovers) assert.equal(existsSync(join(glb, f)), false, `${f} was not swept`);
    assert.equal(readdirSync(glb).some((f) => TEMP.test(f)), false);
    assert.equal(readFileSync(join(glb, 'SRVTRANS.GLB'), 'utf8'), 'srvtrans of PO1');
  });
});
