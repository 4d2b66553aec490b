/**
 * The open-for-write probe opens Resync.glb denying writers (on Windows), so it must never run
 * while the DXA may still reopen or extend the file: only once the file has held still for the
 * quiet period, or once the DXA has removed the value (it is then done with the file, Q150976).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDss } from '../support/fake-dss';
import { runNewResync } from '../../src/core/procedure';
import { MemoryReporter } from '../../src/shared/reporter';
import { DEFAULT_WAIT } from '../../src/core/wait-for-file';

class ProbeRecordingDss extends FakeDss {
  /** For each probe: how long the file had had its current length when it was probed. */
  readonly stillForAtProbe: number[] = [];
  /** For each probe: whether ResyncConnectionRDNs was still there (the DXA not yet done). */
  readonly valueAtProbe: boolean[] = [];
  private firstSeen = new Map<number, number>();
  override async statFile(path: string) {
    const f = await super.statFile(path);
    if (f && !this.firstSeen.has(f.length)) this.firstSeen.set(f.length, Date.now());
    return f;
  }
  override async isOpenForWrite(path: string): Promise<boolean | null> {
    const f = this.files.get(path);
    if (f) {
      this.stillForAtProbe.push(Date.now() - (this.firstSeen.get(f.data.length) ?? Date.now()));
      this.valueAtProbe.push(this.value !== null);
    }
    return super.isOpenForWrite(path);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the open-for-write probe', () => {
  it('runs only once the file has held still for the quiet period or the DXA is done with it, never while it grows', async () => {
    const out = mkdtempSync(join(tmpdir(), 'resync-probe-'));
    dirs.push(out);
    const dss = new ProbeRecordingDss({ chunks: 12, chunkDelayMs: 40 });
    try {
      const result = await runNewResync(
        dss,
        { requestors: ['PO1'], outputPath: out, timeoutMs: 10_000, serviceTimeoutMs: 2_000, recognitionMs: 2_000, force: false, whatIf: false },
        new MemoryReporter(),
        new AbortController().signal,
      );
      expect(result?.Length).toBeGreaterThan(0);
      expect(dss.stillForAtProbe.length).toBeGreaterThan(0);
      const quiet = Math.min(DEFAULT_WAIT.quietMsNoWriter, DEFAULT_WAIT.quietMsUnknownWriter);
      // While the value is there the DXA may still write: a probe then only after the quiet period
      // (a few ms of slack for the timer that wakes the loop).
      const whileWriting = dss.stillForAtProbe.filter((_, i) => dss.valueAtProbe[i]);
      for (const stillFor of whileWriting) expect(stillFor).toBeGreaterThanOrEqual(quiet - 3);
    } finally {
      await dss.dispose();
    }
  });
});
