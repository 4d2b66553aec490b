/**
 * The loop closed through the built bundle against real lab DXA processes: `new` -> `copy` ->
 * `lab import` at every postoffice (MS Mail's IMPORT -q, docs/domain.md). Each postoffice must end
 * holding exactly the addresses its export settings select; a file whose numbers came from the
 * named requestors only is refused with fatal error 14 when another requestor is ahead, and
 * imports once GlobalMaxSeqInResync was 1 for the generation (Q215505); two configuration groups
 * give two files (Q156063).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLabs, cli, cliAsync, labSnapshot, labStatus, labValue, newLab } from '../support/helpers';

afterAll(() => cleanupLabs());

interface Requestor {
  DisplayName: string;
  Postoffice: string;
  GlbPath: string;
  Containers: string[];
  TrustLevel: number;
  CustomRecipients: boolean;
  PostofficeSrvSeq: number;
}

function requestors(lab: string): Requestor[] {
  const r = cli(['lab', 'requestors', lab, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return Array.isArray(r.json) ? r.json : [r.json];
}

/** What a postoffice with these settings should hold, computed here from recipients.tsv. */
function expectedAddresses(lab: string, r: Requestor): string[] {
  const want = new Set(r.Containers.map((c) => c.toUpperCase()));
  return readFileSync(join(lab, 'recipients.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, , , container, trust, kind]) => want.has(String(container).toUpperCase()) && Number(trust) <= r.TrustLevel && (r.CustomRecipients || kind !== 'custom'))
    .map(([po, mailbox]) => `PCM:LABNET/${po}/${mailbox}`)
    .sort();
}

function heldAddresses(lab: string, r: Requestor): string[] {
  return readFileSync(join(lab, 'postoffices', r.Postoffice, 'MAILDATA', 'addresses.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0] as string)
    .sort();
}

function deliver(result: { Path: string; Sha256: string }, to: Requestor[]): void {
  const c = cli(['copy', result.Path, '--sha256', result.Sha256, ...to.flatMap((r) => ['--destination', r.GlbPath]), '--json']);
  expect(c.code, c.stderr).toBe(0);
}

describe('the DXA as documented, through the bundle and the lab', () => {
  it('new -> copy -> lab import at every postoffice: each holds exactly what its settings select, RESYNC.GLB deleted', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.FinalRestart).toBe('Restarted');
    expect(cli(['lab', 'status', lab, '--json']).json.RestartOwed).toBe(false);
    const pos = requestors(lab);
    deliver(r.json, pos);
    for (const po of pos) {
      const imp = cli(['lab', 'import', lab, po.Postoffice, '--json']);
      expect(imp.code, imp.stderr).toBe(0);
      expect(imp.json.FileDeleted).toBe(true);
      expect(existsSync(join(po.GlbPath, 'RESYNC.GLB'))).toBe(false);
      const held = heldAddresses(lab, po);
      expect(held.length).toBeGreaterThan(0);
      expect(held).toEqual(expectedAddresses(lab, po));
    }
    // Importing again without a new file: nothing there to import.
    expect(cli(['lab', 'import', lab, 'PO1']).code).not.toBe(0);
  });

  it('lab import refuses a RESYNC.GLB that is not whole and leaves the postoffice as it was', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const po1 = requestors(lab).find((x) => x.Postoffice === 'PO1') as Requestor;
    deliver(r.json, [po1]);
    const before = heldAddresses(lab, po1);
    const file = join(po1.GlbPath, 'RESYNC.GLB');
    truncateSync(file, Math.floor(r.json.Length / 2));
    const bad = cli(['lab', 'import', lab, 'PO1', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.error.id).toBe('ImportFailed');
    expect(bad.json.error.message).toMatch(/not whole/);
    expect(existsSync(file)).toBe(true);
    expect(heldAddresses(lab, po1)).toEqual(before);
    expect(cli(['lab', 'import', lab, 'NO SUCH PO']).code).toBe(2);
  });

  it('another requestor ahead: fatal error 14 without --global-max-seq; with it the file imports and the value is restored', () => {
    const lab = newLab([], ['PO1', 'PO2|||ahead=25']);
    const plain = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json.Warnings.join('\n')).toMatch(/Fatal error 14/);
    const po1 = requestors(lab).find((x) => x.Postoffice === 'PO1') as Requestor;
    deliver(plain.json, [po1]);
    const refused = cli(['lab', 'import', lab, 'PO1', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json.error.id).toBe('ImportFailed');
    expect(refused.json.error.details.fatal).toBe(14);
    expect(refused.json.error.message).toMatch(/Fatal error 14/);
    expect(existsSync(join(po1.GlbPath, 'RESYNC.GLB'))).toBe(true);

    const fixed = cli(['new', '--lab', lab, '-r', 'PO1', '--global-max-seq', '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.json.GlobalMaxSeqInResync).toBe(1);
    expect(fixed.json.Warnings.join('\n')).not.toMatch(/Fatal error 14/);
    expect(readFileSync(join(lab, 'registry.json'), 'utf8')).not.toMatch(/GlobalMaxSeqInResync/);
    deliver(fixed.json, [po1]);
    const ok = cli(['lab', 'import', lab, 'PO1', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.SrvSeq).toBe(po1.PostofficeSrvSeq);
    expect(heldAddresses(lab, po1)).toEqual(expectedAddresses(lab, po1));
  });

  it('an older DXA: the warning says the fix needs Exchange 5.5 SP3', () => {
    const lab = newLab(['--dxa-version', '5.5.2448'], ['PO1', 'PO2']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.DxaVersion).toBe('5.5.2448');
    expect(r.json.Warnings.join('\n')).toMatch(/5\.5 SP3/);
  });

  it('two groups with different settings: two files, each importing cleanly at its own postoffices; a mixed group is refused', () => {
    const lab = newLab([], ['Sales, North|SALESN|SALESN|containers=Sales;trust=50', 'PO2|||containers=Sales;trust=50', 'PO3|||containers=Recipients,Engineering;custom=no']);
    const before = labSnapshot(lab);
    const mixed = cli(['new', '--lab', lab, '-r', 'PO2', '-r', 'PO3', '--json']);
    expect(mixed.code).toBe(3);
    expect(mixed.json.error.id).toBe('MixedConfiguration');
    expect(mixed.json.error.message).toMatch(/containers/);
    expect(labSnapshot(lab)).toBe(before);

    const r = cli(['new', '--lab', lab, '--group', '["Sales, North","PO2"]', '--group', '["PO3"]', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toHaveLength(2);
    const [g1, g2] = r.json;
    expect(g1.Requestor).toEqual(['Sales, North', 'PO2']);
    expect(g2.Requestor).toEqual(['PO3']);
    expect(g1.Path).not.toBe(g2.Path);
    expect(g1.Sha256).not.toBe(g2.Sha256);
    const pos = requestors(lab);
    const group1 = pos.filter((p) => p.Postoffice !== 'PO3');
    const group2 = pos.filter((p) => p.Postoffice === 'PO3');
    deliver(g1, group1);
    deliver(g2, group2);
    for (const po of pos) {
      const imp = cli(['lab', 'import', lab, po.Postoffice]);
      expect(imp.code, imp.stderr).toBe(0);
      expect(heldAddresses(lab, po)).toEqual(expectedAddresses(lab, po));
    }
    expect(heldAddresses(lab, group1[0] as Requestor)).not.toEqual(heldAddresses(lab, group2[0] as Requestor));
  });

  it('groups stop at the first failed one: the error names the completed groups and the ones not run', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '--group', 'PO1', '--group', '["NO SUCH PO"]', '--group', 'PO2', '--recognition-timeout', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.json.error.id).toBe('RequestorNotRecognised');
    expect(r.json.error.details.failedGroup).toBe(2);
    expect(r.json.error.details.completedGroups).toHaveLength(1);
    expect(r.json.error.details.results).toHaveLength(1);
    expect(r.json.error.details.groupsNotRun).toEqual([['PO2']]);
    expect(r.json.error.message).toMatch(/Group 2 of 3/);
    expect(labValue(lab)).toBeNull();
  });

  it('--no-final-restart leaves the restart owed (lab status) and says so; -r and --group together are a usage error', () => {
    const lab = newLab();
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--no-final-restart', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.FinalRestart).toBe('Skipped');
    expect(r.json.Warnings.join('\n')).toMatch(/Q156063/);
    expect(cli(['lab', 'status', lab, '--json']).json.RestartOwed).toBe(true);
    const both = cli(['new', '--lab', lab, '-r', 'PO1', '--group', 'PO2', '--json']);
    expect(both.code).toBe(2);
    expect(both.json.error.id).toBe('Usage');
  });

  it('an engine killed while GlobalMaxSeqInResync is 1: recover puts it back as it was', async () => {
    const lab = newLab(['--global-max-seq', '0']);
    cli(['lab', 'fault', lab, '--slow-write', '20']);
    const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--global-max-seq', '--json']);
    const registry = (): string => readFileSync(join(lab, 'registry.json'), 'utf8');
    const deadline = Date.now() + 30_000;
    while (!/"GlobalMaxSeqInResync":\s*\{\s*"type":\s*"REG_DWORD",\s*"data":\s*1/.test(registry()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(registry()).toMatch(/"GlobalMaxSeqInResync":\s*\{\s*"type":\s*"REG_DWORD",\s*"data":\s*1/);
    run.child.kill('SIGKILL');
    await run.done;
    const rec = cli(['recover', '--lab', lab, '-v']);
    expect(rec.code, rec.stderr).toBe(0);
    expect(registry()).toMatch(/"GlobalMaxSeqInResync":\s*\{\s*"type":\s*"REG_DWORD",\s*"data":\s*0/);
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
  });
});
