/** Shared setup for the lab integration tests: throwaway labs under os.tmpdir(), always cleaned up. */
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initLab, type InitLabOptions } from '../../src/lab/layout';
import { killLab } from '../../src/lab/control';
import { openLabOperations } from '../../src/operations/lab-adapter';
import type { DssOperations } from '../../src/operations/operations';

const labs: string[] = [];
const opened: DssOperations[] = [];

export async function makeLab(opts: InitLabOptions = {}): Promise<{ dir: string; ops: DssOperations }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'resync-lab-')), 'lab');
  labs.push(dir);
  await initLab(dir, {
    recipients: 60,
    ...opts,
    timing: { startMs: 100, stopMs: 50, chunkBytes: 1024, chunkDelayMs: 1, ...opts.timing },
  });
  const ops = await openLabOperations(dir);
  opened.push(ops);
  return { dir, ops };
}

export async function cleanupLabs(): Promise<void> {
  for (const ops of opened.splice(0)) await ops.dispose();
  for (const dir of labs.splice(0)) {
    await killLab(dir);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function dxaLog(dir: string): string {
  const f = join(dir, 'dxa.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}
