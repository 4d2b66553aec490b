/**
 * Deliveries racing into one folder, through the built bundle as separate processes: every
 * RESYNC.GLB that was ever in place survives, the one in place last as RESYNC.GLB and every earlier
 * one under its timestamped name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync, ensureBundle, sha256 } from '../support/helpers';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('two deliveries into one folder', () => {
  it('both report Copied and Verified, and no delivered RESYNC.GLB is lost (the earlier ones keep their timestamped names)', async () => {
    ensureBundle();
    const root = mkdtempSync(join(tmpdir(), 'resync-race-'));
    roots.push(root);
    // Several rounds: the race needs both runs to check the folder before either commits. An empty
    // folder is the sharpest case (neither run sees a file to keep); one round starts with a file.
    for (let round = 0; round < 4; round++) {
      const glb = join(root, `round${round}`, 'GLB');
      mkdirSync(glb, { recursive: true });
      const earlier = round === 3 ? randomBytes(4096) : null;
      if (earlier) writeFileSync(join(glb, 'RESYNC.GLB'), earlier);
      const a = join(root, `a${round}.glb`);
      const b = join(root, `b${round}.glb`);
      writeFileSync(a, randomBytes(12 * 1024 * 1024));
      writeFileSync(b, randomBytes(12 * 1024 * 1024));
      const runs = [cliAsync(['copy', a, '-d', glb, '--force', '--json']), cliAsync(['copy', b, '-d', glb, '--force', '--json'])];
      const [ra, rb] = await Promise.all(runs.map((r) => r.done));
      for (const r of [ra!, rb!]) {
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(Array.isArray(r.json) ? r.json[0] : r.json).toMatchObject({ Status: 'Copied', Verified: true });
      }
      const inFolder = readdirSync(glb).map((f) => sha256(join(glb, f))).sort();
      expect(inFolder, readdirSync(glb).join(', ')).toEqual([sha256(a), sha256(b), ...(earlier ? [sha256Buf(earlier)] : [])].sort());
      expect(readdirSync(glb).filter((f) => f === 'RESYNC.GLB')).toHaveLength(1);
    }
  }, 120_000);
});

function sha256Buf(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').toUpperCase();
}
