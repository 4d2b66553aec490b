import { describe, expect, it } from 'vitest';
import nodePath from 'node:path';
import { waitForCompleteFile, DEFAULT_WAIT } from '../../src/core/wait-for-file';
import type { DssOperations, FileInfo } from '../../src/operations/operations';
import type { Reporter } from '../../src/shared/reporter';

/** Just what the wait reads: a running service, the value, the file and whether a writer holds it. */
function fakeOps(state: { value: string[] | null; file: FileInfo | null; writer: boolean | null }) {
  const calls = { statFile: 0 };
  const ops = {
    computerName: 'LABDSS',
    path: nodePath,
    getService: async () => ({ name: 'MSExchangeDX', status: 'Running' }),
    getResyncValue: async () => state.value,
    statFile: async () => {
      calls.statFile++;
      return state.file;
    },
    isOpenForWrite: async () => state.writer,
    watch: () => ({ close: () => undefined }),
  } as unknown as DssOperations;
  return { ops, calls };
}

const quiet: Reporter = { verbose: () => undefined, warning: () => undefined, progress: () => undefined, whatIf: () => undefined } as unknown as Reporter;
const file: FileInfo = { path: '/dx/Resync.glb', length: 490_407, lastWriteTimeUtc: '2026-11-30T06:00:00.000Z' };
const opts = { ...DEFAULT_WAIT, quietMsNoWriter: 60_000, quietMsUnknownWriter: 60_000, pollMs: 60_000, timeoutMs: 120_000, recognitionMs: 60_000, progressId: 2 };

describe('waitForCompleteFile', () => {
  it('reports a closed file at the first look once the DXA has removed the value (no quiet time owed)', async () => {
    const { ops, calls } = fakeOps({ value: null, file, writer: false });
    const r = await waitForCompleteFile(ops, file.path, '/dx', opts, quiet, new AbortController().signal);
    expect(r).toMatchObject({ kind: 'complete', file });
    expect(calls.statFile).toBe(1);
  });

  it('does not report a file a writer still holds, even with the value gone', async () => {
    const { ops, calls } = fakeOps({ value: null, file, writer: true });
    const ac = new AbortController();
    const waiting = waitForCompleteFile(ops, file.path, '/dx', { ...opts, pollMs: 5 }, quiet, ac.signal);
    while (calls.statFile < 3) await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error('enough'));
    await expect(waiting).rejects.toThrow();
  });

  it('with the value still present a closed, quiet file is never reported: the names were not recognised', async () => {
    const { ops, calls } = fakeOps({ value: ['PO1'], file, writer: false });
    const waiting = waitForCompleteFile(ops, file.path, '/dx', { ...opts, pollMs: 5, quietMsNoWriter: 5, recognitionMs: 50 }, quiet, new AbortController().signal);
    await expect(waiting).rejects.toMatchObject({ id: 'RequestorNotRecognised' });
    expect(calls.statFile).toBeGreaterThan(1);
  });
});

describe('waitForCompleteFile when the generated file vanished', () => {
  it('the DXA says it wrote its file and removed the value, and Dxadata has none: GenerationFailed at the first look, not the timeout', async () => {
    const ops = {
      computerName: 'LABDSS',
      path: nodePath,
      getService: async () => ({ name: 'MSExchangeDX', status: 'Running' }),
      getResyncValue: async () => null,
      statFile: async () => null,
      generationStatus: async () => ({ state: 'done', fileId: '1:2:3', length: 2984 }),
      resolveDxadata: async () => ({ path: '/dx' }),
      isOpenForWrite: async () => false,
      watch: () => ({ close: () => undefined }),
    } as unknown as DssOperations;
    // Polls and timeout of minutes: only an answer at the first look ends this test in time.
    const err = await waitForCompleteFile(ops, '/dx/Resync.glb', '/dx', opts, quiet, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ id: 'GenerationFailed', message: expect.stringContaining('no longer in /dx') });
  });
});
