/** Helpers for the copy tests: lab-like postoffice folders, tree snapshots, and running the handler. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MemoryReporter } from '../../src/shared/reporter';
import { isResyncError, type ResyncError } from '../../src/shared/errors';
import type { CommandHandler } from '../../src/protocol/context';
import type { CopyResult } from '../../src/copy/types';
import { openFileSource, type OpenSource } from '../../src/copy/deliver';

const dirs: string[] = [];

export function tempDir(prefix = 'resync-copy-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** <root>/postoffices/PO<i>/MAILDATA/GLB with the dirsync files a postoffice has (names from Q96060). */
export function postoffices(root: string, count: number): string[] {
  const glbs: string[] = [];
  for (let i = 1; i <= count; i++) {
    const glb = join(root, 'postoffices', `PO${i}`, 'MAILDATA', 'GLB');
    mkdirSync(glb, { recursive: true });
    writeFileSync(join(glb, 'REQTRANS.GLB'), Buffer.alloc(49, i));
    writeFileSync(join(glb, 'SRVTRANS.GLB'), `srvtrans of PO${i}`);
    glbs.push(glb);
  }
  return glbs;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex').toUpperCase();
}

/** Every file under `dir` with its hash (and every folder), for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${relative(dir, p)}/`] = 'dir';
        walk(p);
      } else out[relative(dir, p)] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export interface RunOutcome {
  results: CopyResult[];
  error: ResyncError | null;
  reporter: MemoryReporter;
}

export async function runHandler(handler: CommandHandler, params: Record<string, unknown>, signal?: AbortSignal): Promise<RunOutcome> {
  const reporter = new MemoryReporter();
  const results: CopyResult[] = [];
  let error: ResyncError | null = null;
  try {
    await handler(params, {
      reporter,
      signal: signal ?? new AbortController().signal,
      emitResult: (type, data) => {
        if (type !== 'ResyncGlb.CopyResult') throw new Error(`unexpected result type ${type}`);
        results.push(data as unknown as CopyResult);
      },
    });
  } catch (e) {
    if (!isResyncError(e)) throw e;
    error = e;
  }
  return { results, error, reporter };
}

/** A source opener that counts opens and bytes read (to prove the source is read once). */
export function countingSource(): { open: OpenSource; opens: number; bytesRead: number } {
  const counter = {
    opens: 0,
    bytesRead: 0,
    open: (async (path: string) => {
      counter.opens++;
      const inner = await openFileSource(path);
      return {
        ...inner,
        read: async (buf: Buffer, length: number, position: number) => {
          const n = await inner.read(buf, length, position);
          counter.bytesRead += n;
          return n;
        },
      };
    }) as OpenSource,
  };
  return counter;
}
