import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHandler, createCopyHandler, readCopyParams } from '../../src/handlers/copy';
import { deliver, COPY_PROGRESS_ID, openFileSource } from '../../src/copy/deliver';
import { MemoryReporter } from '../../src/shared/reporter';
import { ResyncError } from '../../src/shared/errors';
import { cleanupDirs, countingSource, postoffices, runHandler, sha256, snapshot, tempDir } from '../support/copy-support';

afterEach(cleanupDirs);

const FIXED = new Date(Date.UTC(2026, 10, 24, 10, 30, 5, 0));

function setup(count: number, size = 200_000) {
  const root = tempDir();
  const glbs = postoffices(root, count);
  const source = join(root, 'Resync-LABDSS.glb');
  const data = randomBytes(size);
  writeFileSync(source, data);
  return { root, glbs, source, data };
}

function tempFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('resyncglb-tmp'));
}

describe('copy: delivery to MS Mail postoffice GLB folders', () => {
  it('delivers a verified RESYNC.GLB to every folder and leaves no temporary file', async () => {
    const { glbs, source, data } = setup(3);
    const { results, error, reporter } = await runHandler(copyHandler, { path: source, destination: glbs });
    expect(error).toBeNull();
    expect(results).toHaveLength(3);
    results.forEach((r, i) => {
      const glb = glbs[i]!;
      expect(r).toMatchObject({
        Source: source,
        Destination: join(glb, 'RESYNC.GLB'),
        Length: data.length,
        Sha256: sha256(data),
        Verified: true,
        BackupPath: null,
        RequestorType: 'MSMail',
        Status: 'Copied',
        Error: null,
      });
      const po = join(glb, '..', '..');
      expect(r.NextStepCommands).toEqual([`import admin -p<password> -q -y -d${po}`, `rebuild -f -d${po}`]);
      expect(r.NextStep).toBe(r.NextStepCommands.join('\n'));
      expect(r.Note).toMatch(/error 203/);
      expect(readFileSync(join(glb, 'RESYNC.GLB')).equals(data)).toBe(true);
      expect(readdirSync(glb).sort()).toEqual(['REQTRANS.GLB', 'RESYNC.GLB', 'SRVTRANS.GLB']);
    });
    expect(reporter.messages('warning')).toEqual([]);
  });

  it('keeps an existing RESYNC.GLB under a stamped name, with a warning unless forced', async () => {
    const { glbs, source, data } = setup(2);
    writeFileSync(join(glbs[0]!, 'RESYNC.GLB'), 'the old one');
    writeFileSync(join(glbs[1]!, 'RESYNC.GLB'), 'the other old one');
    const handler = createCopyHandler({ now: () => FIXED });
    const first = await runHandler(handler, { path: source, destination: [glbs[0]] });
    expect(first.error).toBeNull();
    const backup = join(glbs[0]!, 'RESYNC.20261124T103005000Z.GLB');
    expect(first.results[0]!.BackupPath).toBe(backup);
    expect(readFileSync(backup, 'utf8')).toBe('the old one');
    expect(readFileSync(join(glbs[0]!, 'RESYNC.GLB')).equals(data)).toBe(true);
    expect(first.reporter.messages('warning').join('\n')).toContain(backup);

    // Same second again: the earlier backup is not overwritten; the new one gets -2.
    const again = await runHandler(handler, { path: source, destination: [glbs[0]] });
    expect(again.results[0]!.BackupPath).toBe(join(glbs[0]!, 'RESYNC.20261124T103005000Z-2.GLB'));
    expect(readFileSync(backup, 'utf8')).toBe('the old one');

    const forced = await runHandler(handler, { path: source, destination: [glbs[1]], force: true });
    expect(forced.results[0]!.BackupPath).toBe(join(glbs[1]!, 'RESYNC.20261124T103005000Z.GLB'));
    expect(readFileSync(forced.results[0]!.BackupPath!, 'utf8')).toBe('the other old one');
    expect(forced.reporter.messages('warning')).toEqual([]);
    expect(forced.reporter.messages('verbose').join('\n')).toContain('was kept as');
  });

  it('also keeps aside a differently cased resync.glb (case-sensitive file systems)', async () => {
    const { glbs, source, data } = setup(1);
    writeFileSync(join(glbs[0]!, 'resync.glb'), 'lower-case old');
    const { results, error } = await runHandler(createCopyHandler({ now: () => FIXED }), { path: source, destination: glbs, force: true });
    expect(error).toBeNull();
    const names = readdirSync(glbs[0]!).sort();
    expect(names).toContain('RESYNC.GLB');
    expect(names.filter((n) => n.toLowerCase() === 'resync.glb')).toEqual(['RESYNC.GLB']);
    expect(readFileSync(results[0]!.BackupPath!, 'utf8')).toBe('lower-case old');
    expect(readFileSync(join(glbs[0]!, 'RESYNC.GLB')).equals(data)).toBe(true);
  });

  it('reads the source once for 16 folders', async () => {
    const { glbs: _unused, root, source, data } = setup(0, 3 * 1024 * 1024 + 17);
    const glbs = postoffices(join(root, 'many'), 16);
    const counter = countingSource();
    const handler = createCopyHandler({ openSource: counter.open, chunkSize: 256 * 1024 });
    const { results, error } = await runHandler(handler, { path: source, destination: glbs, throttleLimit: 4 });
    expect(error).toBeNull();
    expect(counter.opens).toBe(1);
    expect(counter.bytesRead).toBe(data.length);
    expect(results.map((r) => r.Status)).toEqual(glbs.map(() => 'Copied'));
    for (const g of glbs) expect(sha256(readFileSync(join(g, 'RESYNC.GLB')))).toBe(sha256(data));
  });

  it('refuses a source that no longer matches its Sha256: nothing is written anywhere (SourceChanged)', async () => {
    const { root, glbs, source } = setup(3);
    writeFileSync(join(glbs[1]!, 'RESYNC.GLB'), 'keep me');
    const before = snapshot(root);
    const { results, error, reporter } = await runHandler(copyHandler, { path: source, destination: glbs, sha256: sha256('something else') });
    expect(error?.id).toBe('SourceChanged');
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r.Status).toBe('Failed');
      expect(r.Verified).toBe(false);
      expect(r.Error?.Id).toBe('SourceChanged');
      expect(r.Error?.Message).toMatch(/no longer matches/);
    }
    expect(snapshot(root)).toEqual(before);
    // The progress bar is completed on failure too.
    const last = reporter.events.filter((e) => e.kind === 'progress').at(-1);
    expect(last).toMatchObject({ id: COPY_PROGRESS_ID, completed: true });
  });

  it('accepts the expected Sha256 in lower case', async () => {
    const { glbs, source, data } = setup(1);
    const { error, results } = await runHandler(copyHandler, { path: source, destination: glbs, sha256: sha256(data).toLowerCase() });
    expect(error).toBeNull();
    expect(results[0]!.Sha256).toBe(sha256(data));
  });

  it('refuses a source that changes while it is read (SourceChanged), leaving nothing behind', async () => {
    const { root, glbs, source } = setup(2);
    const before = snapshot(root);
    let stats = 0;
    const handler = createCopyHandler({
      openSource: async (p) => {
        const inner = await openFileSource(p);
        return {
          ...inner,
          stat: async () => {
            const s = await inner.stat();
            return stats++ === 0 ? s : { ...s, mtimeMs: s.mtimeMs + 1000 };
          },
        };
      },
    });
    const { error, results } = await runHandler(handler, { path: source, destination: glbs });
    expect(error?.id).toBe('SourceChanged');
    expect(results.every((r) => r.Error?.Id === 'SourceChanged')).toBe(true);
    expect(snapshot(root)).toEqual(before);
  });

  it('what-if reports every write and rename and changes nothing', async () => {
    const { root, glbs, source } = setup(2);
    writeFileSync(join(glbs[0]!, 'RESYNC.GLB'), 'old');
    const before = snapshot(root);
    const { results, error, reporter } = await runHandler(copyHandler, { path: source, destination: glbs, whatIf: true });
    expect(error).toBeNull();
    expect(snapshot(root)).toEqual(before);
    expect(results.map((r) => r.Status)).toEqual(['WhatIf', 'WhatIf']);
    expect(results.every((r) => r.Verified === false && r.BackupPath === null)).toBe(true);
    const w = reporter.whatIfs();
    // PO1: temp write, keep old aside, rename; PO2: temp write, rename.
    expect(w).toHaveLength(5);
    expect(w[0]!.target.startsWith(join(glbs[0]!, 'RESYNC.GLB.'))).toBe(true);
    expect(w[1]).toMatchObject({ target: join(glbs[0]!, 'RESYNC.GLB') });
    expect(w[1]!.action).toMatch(/Keep the existing RESYNC\.GLB/);
    expect(w[2]).toMatchObject({ target: join(glbs[0]!, 'RESYNC.GLB') });
    expect(w[2]!.action).toMatch(/Rename/);
    expect(w[4]!.target).toBe(join(glbs[1]!, 'RESYNC.GLB'));
  });

  it('one bad folder does not stop the others; every folder gets a result; the handler throws after all', async () => {
    const { root, glbs, source, data } = setup(2);
    const missing = join(root, 'postoffices', 'NOPE', 'MAILDATA', 'GLB');
    const aFile = join(root, 'postoffices', 'PO1', 'MAILDATA', 'GLB', 'REQTRANS.GLB');
    const { results, error } = await runHandler(copyHandler, { path: source, destination: [glbs[0], missing, aFile, glbs[1]] });
    expect(results.map((r) => r.Status)).toEqual(['Copied', 'Failed', 'Failed', 'Copied']);
    expect(results[1]!.Error).toMatchObject({ Id: 'DestinationNotFound', Category: 'ObjectNotFound' });
    expect(results[2]!.Error).toMatchObject({ Id: 'InvalidPath', Category: 'InvalidArgument' });
    expect(results[2]!.Error!.Message).toMatch(/is a file, not a folder/);
    expect(existsSync(missing)).toBe(false);
    for (const g of glbs) expect(readFileSync(join(g, 'RESYNC.GLB')).equals(data)).toBe(true);
    expect(error).toBeInstanceOf(ResyncError);
    expect(error!.id).toBe('OperationFailed'); // two different ids
    expect(error!.details.failed).toEqual([
      { Destination: join(missing, 'RESYNC.GLB'), Id: 'DestinationNotFound', Message: results[1]!.Error!.Message },
      { Destination: join(aFile, 'RESYNC.GLB'), Id: 'InvalidPath', Message: results[2]!.Error!.Message },
    ]);
  });

  it('a single kind of failure is thrown with its own id', async () => {
    const { root, glbs, source } = setup(1);
    const { error } = await runHandler(copyHandler, { path: source, destination: [glbs[0], join(root, 'a'), join(root, 'b')] });
    expect(error?.id).toBe('DestinationNotFound');
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toMatch(/2 of 3 destinations failed/);
  });

  it('puts the earlier RESYNC.GLB back when the final rename fails, and leaves no temporary file', async () => {
    const { glbs, source } = setup(2);
    writeFileSync(join(glbs[0]!, 'RESYNC.GLB'), 'precious');
    const reporter = new MemoryReporter();
    const results = await deliver(
      {
        source,
        destinations: glbs,
        throttleLimit: 2,
        requestorType: 'MSMail',
        force: false,
        whatIf: false,
        now: () => FIXED,
        // Sabotage PO1 between verification and commit: its temporary file vanishes.
        beforeCommit: async (finalPath) => {
          if (finalPath.startsWith(glbs[0]!)) for (const n of tempFilesIn(glbs[0]!)) rmSync(join(glbs[0]!, n));
        },
      },
      reporter,
    );
    expect(results[0]!.Status).toBe('Failed');
    expect(results[0]!.BackupPath).toBeNull();
    expect(readFileSync(join(glbs[0]!, 'RESYNC.GLB'), 'utf8')).toBe('precious');
    expect(readdirSync(glbs[0]!).sort()).toEqual(['REQTRANS.GLB', 'RESYNC.GLB', 'SRVTRANS.GLB']);
    expect(results[1]!.Status).toBe('Copied');
    expect(tempFilesIn(glbs[1]!)).toEqual([]);
  });

  it('refuses to deliver onto the source file itself', async () => {
    const { glbs, data } = setup(1);
    const source = join(glbs[0]!, 'RESYNC.GLB');
    writeFileSync(source, data);
    const { results, error } = await runHandler(copyHandler, { path: source, destination: glbs });
    expect(error?.id).toBe('InvalidPath');
    expect(results[0]!.Error!.Message).toMatch(/holds the source file itself/);
    expect(readFileSync(source).equals(data)).toBe(true);
    expect(readdirSync(glbs[0]!)).toHaveLength(3);
  });

  it('writes a folder listed twice once, with a warning', async () => {
    const { glbs, source } = setup(1);
    const { results, reporter } = await runHandler(copyHandler, { path: source, destination: [glbs[0], `${glbs[0]}/`] });
    expect(results).toHaveLength(1);
    expect(reporter.messages('warning').join()).toMatch(/more than once/);
  });

  it('a missing source is SourceNotFound, thrown before any folder is touched', async () => {
    const { root, glbs } = setup(2);
    const before = snapshot(root);
    const { results, error } = await runHandler(copyHandler, { path: join(root, 'gone.glb'), destination: glbs });
    expect(error?.id).toBe('SourceNotFound');
    expect(results).toEqual([]);
    expect(snapshot(root)).toEqual(before);
  });

  it('a folder as the source is InvalidPath', async () => {
    const { root, glbs } = setup(1);
    const { error } = await runHandler(copyHandler, { path: root, destination: glbs });
    expect(error?.id).toBe('InvalidPath');
  });

  it('refuses a folder whose volume has clearly too little space before writing (DiskFull)', async () => {
    // A huge sparse source: larger than any free space here, yet it costs no disk.
    const root = tempDir();
    const glbs = postoffices(root, 1);
    const source = join(root, 'huge.glb');
    const { openSync, ftruncateSync, closeSync } = await import('node:fs');
    const fd = openSync(source, 'w');
    ftruncateSync(fd, 2 ** 40); // 1 TiB
    closeSync(fd);
    const before = snapshot(glbs[0]!);
    // Should the check ever regress, this source gives out after 1 MiB instead of filling the disk.
    const guarded = createCopyHandler({
      openSource: async (p) => {
        const inner = await openFileSource(p);
        return { ...inner, read: async (b, l, pos) => (pos > 1024 * 1024 ? Promise.reject(new Error('read past the guard')) : inner.read(b, l, pos)) };
      },
    });
    const { results, error } = await runHandler(guarded, { path: source, destination: glbs });
    expect(error?.id).toBe('DiskFull');
    expect(results[0]!.Error!.Message).toMatch(/bytes free; the file needs/);
    expect(snapshot(glbs[0]!)).toEqual(before);
  });

  it('cancellation removes every temporary file and reports Cancelled', async () => {
    const { root, glbs, source } = setup(2, 4 * 1024 * 1024);
    const before = snapshot(root);
    const controller = new AbortController();
    const handler = createCopyHandler({
      chunkSize: 64 * 1024,
      openSource: async (p) => {
        const inner = await openFileSource(p);
        return {
          ...inner,
          read: async (b, l, pos) => {
            if (pos >= 1024 * 1024) controller.abort(new Error('Interrupted (test)'));
            return inner.read(b, l, pos);
          },
        };
      },
    });
    const { results, error } = await runHandler(handler, { path: source, destination: glbs }, controller.signal);
    expect(error?.id).toBe('Cancelled');
    expect(results.every((r) => r.Error?.Id === 'Cancelled')).toBe(true);
    expect(snapshot(root)).toEqual(before);
  });
});

describe('copy: parameters', () => {
  const ok = { path: '/x.glb', destination: ['/d'] };
  it('has the documented defaults', () => {
    expect(readCopyParams(ok)).toMatchObject({ throttleLimit: 4, requestorType: 'MSMail', timeoutSec: 600, force: false, whatIf: false, restartService: false });
  });
  it.each([
    [{ ...ok, sha256: 'abc' }, /64 hexadecimal digits/],
    [{ ...ok, throttleLimit: 0 }, /between 1 and 64/],
    [{ ...ok, throttleLimit: 2.5 }, /whole number/],
    [{ ...ok, requestorType: 'Notes' }, /MSMail, Exchange/],
    [{ path: '/x.glb' }, /'destination' is required/],
    [{ destination: ['/d'] }, /'path' is required/],
    [{ ...ok, destination: [1] }, /element 0 must be a string/],
    [{ ...ok, restartService: true }, /Exchange requestor only/],
    [{ ...ok, requestorType: 'Exchange', restartService: true }, /needs labPath/],
  ])('refuses %j', (params, message) => {
    expect(() => readCopyParams(params as Record<string, unknown>)).toThrow(message);
    try {
      readCopyParams(params as Record<string, unknown>);
    } catch (e) {
      expect((e as ResyncError).id).toBe('Usage');
    }
  });
  it('takes a single destination string and the requestor type in any case', () => {
    expect(readCopyParams({ path: '/x', destination: '/d', requestorType: 'exchange' })).toMatchObject({ destination: ['/d'], requestorType: 'Exchange' });
  });
  it('a destination that is empty is InvalidPath for that folder only', async () => {
    const { glbs, source } = setup(1);
    mkdirSync(join(glbs[0]!, 'x'));
    const { results } = await runHandler(copyHandler, { path: source, destination: ['', glbs[0]] });
    expect(results.map((r) => [r.Status, r.Error?.Id ?? null])).toEqual([
      ['Failed', 'InvalidPath'],
      ['Copied', null],
    ]);
  });
});
