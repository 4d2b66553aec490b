/**
 * `resync-glb copy` through the built bundle: a real lab's `new` output delivered to the lab's
 * postoffice GLB folders, exit codes, JSON, what-if, and the Exchange-requestor path against the
 * lab's real DXA process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLabs, cli, dxadata, newLab, rpc, sha256 } from '../support/helpers';
import { snapshot } from '../support/copy-support';

afterAll(cleanupLabs);

function glb(lab: string, po: string): string {
  return join(lab, 'postoffices', po, 'MAILDATA', 'GLB');
}

describe('resync-glb copy (bundle)', () => {
  it('delivers the Resync.glb of a lab run to both postoffices, pipeline-style (Path and Sha256 from new)', () => {
    const lab = newLab();
    const made = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json', '--timeout', '60']);
    expect(made.code, made.stderr).toBe(0);
    const { Path: path, Sha256: hash } = made.json as { Path: string; Sha256: string };
    const r = cli(['copy', path, '--sha256', hash, '-d', glb(lab, 'PO1'), glb(lab, 'PO2'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = r.json as Array<Record<string, unknown>>;
    expect(results).toHaveLength(2);
    for (const [i, po] of ['PO1', 'PO2'].entries()) {
      expect(results[i]).toMatchObject({ Status: 'Copied', Verified: true, Sha256: hash, RequestorType: 'MSMail', Error: null });
      expect(sha256(join(glb(lab, po), 'RESYNC.GLB'))).toBe(hash);
      expect(results[i]!.NextStepCommands).toEqual([
        `import admin -p<password> -q -y -d${join(lab, 'postoffices', po)}`,
        `rebuild -f -d${join(lab, 'postoffices', po)}`,
      ]);
    }
  });

  it('exits non-zero after trying every folder, and the JSON error carries each folder\'s result', () => {
    const lab = newLab([], ['PO1']);
    const source = join(lab, 'some.glb');
    writeFileSync(source, 'x'.repeat(10_000));
    const missing = join(lab, 'postoffices', 'GONE', 'MAILDATA', 'GLB');
    const r = cli(['copy', source, '-d', missing, '-d', glb(lab, 'PO1'), '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('DestinationNotFound');
    expect(r.json.error.details.results.map((x: { Status: string }) => x.Status)).toEqual(['Failed', 'Copied']);
    expect(existsSync(join(glb(lab, 'PO1'), 'RESYNC.GLB'))).toBe(true);
  });

  it('text mode prints every folder\'s result before the error', () => {
    const lab = newLab([], ['PO1']);
    const source = join(lab, 'some.glb');
    writeFileSync(source, 'y'.repeat(1000));
    const r = cli(['copy', source, '-d', join(lab, 'nope'), '-d', glb(lab, 'PO1')]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/ResyncGlb\.CopyResult/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/Status\s+: Copied/);
    expect(r.stderr).toMatch(/error DestinationNotFound/);
  });

  it('a tampered source is refused with exit code 1 and nothing is written', () => {
    const lab = newLab([], ['PO1']);
    const source = join(lab, 'some.glb');
    writeFileSync(source, 'original');
    const hash = sha256(source);
    writeFileSync(source, 'tampered');
    const before = snapshot(glb(lab, 'PO1'));
    const r = cli(['copy', source, '--sha256', hash, '-d', glb(lab, 'PO1'), '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('SourceChanged');
    expect(snapshot(glb(lab, 'PO1'))).toEqual(before);
  });

  it('--what-if prints what it would do and changes nothing', () => {
    const lab = newLab([], ['PO1']);
    const source = join(lab, 'some.glb');
    writeFileSync(source, 'z');
    writeFileSync(join(glb(lab, 'PO1'), 'RESYNC.GLB'), 'old');
    const before = snapshot(lab);
    const r = cli(['copy', source, '-d', glb(lab, 'PO1'), '--what-if']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/What if: Performing the operation "Keep the existing RESYNC\.GLB/);
    expect(r.stderr).toMatch(/What if: Performing the operation "Rename the verified temporary file to RESYNC\.GLB"/);
    expect(snapshot(lab)).toEqual(before);
  });

  it('through the rpc protocol: one result event per folder (failed ones with Error), progress completed, exit code 1', async () => {
    const lab = newLab([], ['PO1', 'PO2']);
    const source = join(lab, 'some.glb');
    writeFileSync(source, Buffer.alloc(300_000, 7));
    const missing = join(lab, 'missing');
    const session = rpc({ protocol: 1, command: 'copy', params: { path: source, destination: [glb(lab, 'PO1'), missing, glb(lab, 'PO2')], throttleLimit: 2 } });
    const end = await Promise.race([
      session.waitFor((e) => e.event === 'end'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no end event within 60 s')), 60_000)),
    ]);
    session.child.stdin!.end();
    await session.done;
    expect(end.exitCode).toBe(1);
    const results = session.events.filter((e) => e.event === 'result');
    expect(results.map((e) => e.type)).toEqual(['ResyncGlb.CopyResult', 'ResyncGlb.CopyResult', 'ResyncGlb.CopyResult']);
    const data = results.map((e) => e.data as Record<string, unknown>);
    expect(data.map((d) => d.Status)).toEqual(['Copied', 'Failed', 'Copied']);
    expect(data[1]!.Error).toMatchObject({ Id: 'DestinationNotFound', Category: 'ObjectNotFound' });
    const progress = session.events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ id: 14, completed: true });
    // The per-folder failure travels on its result (the module makes it a non-terminating error);
    // the protocol layer does not repeat the aggregate as a terminating error event.
    expect(session.events.filter((e) => e.event === 'error')).toEqual([]);
  });

  it('usage errors exit 2', () => {
    const r = cli(['copy', '/nonexistent.glb', '-d', '/tmp', '--throttle-limit', '0', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error.id).toBe('Usage');
    const h = cli(['copy', '--help']);
    expect(h.stdout).toMatch(/Examples:/);
    expect(h.stdout).toMatch(/--restart-service/);
  });

  it('Exchange requestor: the lab DXA imports the Resync.glb placed in its Dxadata when the tool restarts it (Q156124)', () => {
    const lab = newLab([], ['PO1']);
    const made = cli(['new', '--lab', lab, '-r', 'PO1', '--json', '--timeout', '60']);
    expect(made.code, made.stderr).toBe(0);
    const { Path: path, Sha256: hash } = made.json as { Path: string; Sha256: string };
    const r = cli(['copy', path, '--sha256', hash, '--requestor-type', 'Exchange', '--restart-service', '--lab', lab, '--timeout', '60', '--json']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.json).toMatchObject({ Status: 'Copied', Verified: true, RequestorType: 'Exchange', Sha256: hash, Error: null });
    expect(r.json.Destination).toBe(join(dxadata(lab), 'Resync.glb'));
    expect(r.json.NextStep).toMatch(/^None: /);
    expect(existsSync(join(dxadata(lab), 'Resync.glb'))).toBe(false);
    const log = readFileSync(join(lab, 'dxa.log'), 'utf8');
    expect(log).toMatch(/Imported the Resync\.glb/);
    // The DXA's database placeholders are never touched (Q193378).
    for (const f of ['Xdir.edb', 'Edb.chk', 'Edb.log']) expect(existsSync(join(dxadata(lab), f))).toBe(true);
    expect(readFileSync(join(lab, 'audit.jsonl'), 'utf8')).toMatch(/"event":"service-restart"/);
  });

  it('Exchange requestor what-if against the lab changes nothing and restarts nothing', () => {
    const lab = newLab([], ['PO1']);
    const source = join(lab, 'incoming.glb');
    writeFileSync(source, 'q');
    mkdirSync(join(lab, 'scratch'), { recursive: true });
    const service = readFileSync(join(lab, 'service.json'), 'utf8');
    const before = readdirSync(dxadata(lab)).sort();
    const r = cli(['copy', source, '--requestor-type', 'Exchange', '--restart-service', '--lab', lab, '--what-if']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/What if: Performing the operation "Stop .*and start the service/);
    expect(readdirSync(dxadata(lab)).sort()).toEqual(before);
    expect(readFileSync(join(lab, 'service.json'), 'utf8')).toBe(service);
  });
});
