/**
 * Resync.glb held open by a reader (antivirus scan-on-close, indexer, backup agent, Explorer
 * preview) when the run deletes it from Dxadata: through the built bundle against a real lab DXA
 * with the hold-open fault. A short hold is waited out; a long one is FileInUse, never Busy, and
 * the verified copy keeps its name (it is never relabelled as incomplete).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLabs, cli, dxadata, ensureBundle, labStatus, labValue, newLab, sha256 } from '../support/helpers';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());

describe('Resync.glb held open by a reader', () => {
  it('a reader that closes the file within the retry time: the run waits and succeeds', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--hold-open', '1500']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.Sha256).toBe(sha256(r.json.Path));
    expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
    expect(labStatus(lab)).toBe('Running');
  }, 120_000);

  it('a reader that keeps it open: FileInUse (exit 5, not Busy), the verified copy keeps its name, nothing relabelled', () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--hold-open', '120000']);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code, r.stderr).toBe(5);
    const err = r.json.error;
    expect(err.id).toBe('FileInUse');
    expect(err.message).toMatch(/kept it open/);
    expect(err.message).not.toMatch(/another run/);
    const copy = err.details.copiedTo as string;
    expect(copy).toMatch(/Resync-LABDSS-.*\.glb$/);
    expect(copy).not.toMatch(/incomplete/);
    // The copy is the file the DXA wrote, byte for byte; the original is still in Dxadata for the admin to delete.
    const left = join(dxadata(lab), 'Resync.glb');
    expect(existsSync(left)).toBe(true);
    expect(sha256(copy)).toBe(sha256(left));
    expect(err.details.manualSteps.join(' ')).toContain(left);
    expect(readdirSync(join(lab, 'output')).some((f) => f.includes('incomplete'))).toBe(false);
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    const audit = readFileSync(join(lab, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({ event: 'outcome', result: 'failed', errorId: 'FileInUse' });
  }, 180_000);
});
