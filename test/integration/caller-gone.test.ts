/**
 * The caller going away for good: a closed or killed PowerShell window closes the engine's stdin
 * AND its stdout (and stderr). The engine must still finish the rollback, drop what it would have
 * written to the caller, and record everything in the audit log. Driven through the built bundle
 * against real lab DXA processes, with both pipes destroyed at each step boundary of a run.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BUNDLE, cleanupLabs, cli, ensureBundle, labSnapshot, labStatus, labValue, newLab } from '../support/helpers';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());

/** The verbose line the engine writes as it finishes each step (src/core/procedure.ts). */
const BOUNDARIES = ['Preflight on', 'Backed up', 'Wrote ResyncConnectionRDNs', 'Stopped MSExchangeDX', 'Started MSExchangeDX', 'Resync.glb is complete', 'Moved Resync.glb'];

/** Boundaries after which the run may already be past its last cancellation point. */
const LATE = ['Resync.glb is complete', 'Moved Resync.glb'];

function audit(lab: string): Array<Record<string, unknown>> {
  return readFileSync(join(lab, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Runs `rpc new` and destroys stdin, stdout and stderr as soon as the verbose line starting with `at` arrives. */
async function runAndVanish(lab: string, at: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrBefore: string }> {
  const child = spawn(process.execPath, [BUNDLE, 'rpc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderrBefore = '';
  child.stderr!.on('data', (d) => (stderrBefore += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const seen = new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      const e = JSON.parse(l) as Record<string, unknown>;
      if (e.event === 'verbose' && String(e.message).startsWith(at)) resolve();
      if (e.event === 'end') reject(new Error(`the run ended before "${at}"`));
    });
  });
  child.stdin!.write(`${JSON.stringify({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['PO1'], force: true } })}\n`);
  await seen;
  // The window is gone: every pipe to the caller closes at once.
  child.stdin!.destroy();
  child.stdout!.destroy();
  child.stderr!.destroy();
  const { code, signal } = await exited;
  return { code, signal, stderrBefore };
}

describe('caller gone (both pipes closed)', () => {
  for (const at of BOUNDARIES) {
    it(`after "${at}": the engine finishes the rollback, the lab ends as before the run, the audit log has the outcome`, async () => {
      const lab = newLab(['--recipients', '800']);
      // Slow enough that each boundary is reached while the run is still in progress.
      cli(['lab', 'fault', lab, '--start-delay', '1500', '--slow-write', '20']);
      const before = labSnapshot(lab);
      const r = await runAndVanish(lab, at);
      expect(r.signal, r.stderrBefore).toBeNull();
      expect(labValue(lab)).toBeNull();
      expect(labStatus(lab)).toBe('Running');
      expect(labSnapshot(lab)).toBe(before);
      const entries = audit(lab);
      const outcome = entries.at(-1)!;
      if (LATE.includes(at) && outcome.result === 'success') {
        // Gone once the file was complete: taking it out is the safe end of the run (no rollback
        // would relabel a verified file); the log says where it is.
        expect(r.code).toBe(0);
        expect(outcome).toMatchObject({ event: 'outcome', result: 'success' });
        expect(readFileSync(String(outcome.path)).length).toBe(outcome.length);
      } else {
        expect(r.code, r.stderrBefore).toBe(1);
        expect(outcome).toMatchObject({ event: 'outcome', result: 'failed', errorId: 'Cancelled' });
        expect(String(outcome.message)).toContain('caller');
      }
      // Every change the run made is in the log, and the outcome lists what was undone.
      const changes = entries.filter((e) => e.runId === outcome.runId).map((e) => e.event);
      expect(changes[0]).toBe('start');
      if (outcome.result === 'failed' && changes.includes('value-written')) expect((outcome.undone as string[]).length).toBeGreaterThan(0);
      // Nothing is left behind: no run lock holds the DSS (a new run proceeds at once).
      const again = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
      expect(again.code, again.stderr).toBe(0);
    }, 120_000);
  }
});
