import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { fanOut, Semaphore, type ChunkSink, type ChunkSource } from '../../src/copy/fanout';

/** An in-memory source that counts every byte it hands out. */
class MemSource implements ChunkSource {
  reads = 0;
  bytesRead = 0;
  constructor(
    readonly data: Buffer,
    private readonly delayMs = 0,
  ) {}
  async read(buf: Buffer, length: number, position: number): Promise<number> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const n = Math.max(0, Math.min(length, this.data.length - position));
    this.data.copy(buf, 0, position, position + n);
    this.reads++;
    this.bytesRead += n;
    return n;
  }
}

/** A sink that assembles what it is given; can fail at a given chunk, and be slow. */
class MemSink implements ChunkSink {
  out: Buffer;
  writes = 0;
  constructor(
    size: number,
    private readonly opts: { failAtWrite?: number; delayMs?: number; onWrite?: (delta: 1 | -1) => void } = {},
  ) {
    this.out = Buffer.alloc(size);
  }
  async write(buf: Buffer, length: number, position: number): Promise<void> {
    this.opts.onWrite?.(1);
    try {
      if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
      if (this.opts.failAtWrite !== undefined && this.writes === this.opts.failAtWrite) {
        throw Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
      }
      buf.copy(this.out, position, 0, length);
      this.writes++;
    } finally {
      this.opts.onWrite?.(-1);
    }
  }
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex').toUpperCase();

describe('fanOut', () => {
  it('by default reads and writes in 4 MiB pieces at 4 MiB-aligned offsets, at most 16 MiB in flight', async () => {
    // Fewer, larger I/Os are what bring the copy near the disk's limit (bench/PERFORMANCE.md, "The copy").
    const size = 10 * 1024 * 1024 + 5;
    const data = randomBytes(size);
    const src = new MemSource(data);
    const lengths: number[] = [];
    const offsets: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const sink: ChunkSink = {
      async write(_buf, length, position) {
        inFlight += length;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        lengths.push(length);
        offsets.push(position);
        inFlight -= length;
      },
    };
    const r = await fanOut(src, [sink], { writeConcurrency: 4 });
    expect(r.sha256).toBe(sha(data));
    expect(src.reads).toBe(4); // 4 + 4 + 2 MiB + 5 bytes, then the read that returns 0
    expect(lengths).toEqual([4 << 20, 4 << 20, (2 << 20) + 5]);
    expect(offsets.every((o) => o % (4 << 20) === 0)).toBe(true);
    expect(peak).toBeLessThanOrEqual(16 << 20);
  });

  it('reads the source once and gives every writer the same bytes, hashed in the same pass', async () => {
    const data = randomBytes(300_001);
    const src = new MemSource(data);
    const sinks = Array.from({ length: 16 }, () => new MemSink(data.length));
    const r = await fanOut(src, sinks, { writeConcurrency: 4, chunkSize: 4096, buffers: 3 });
    expect(src.bytesRead).toBe(data.length);
    expect(src.reads).toBe(Math.ceil(data.length / 4096) + 1); // the last read returns 0
    expect(r.length).toBe(data.length);
    expect(r.complete).toBe(true);
    expect(r.sha256).toBe(sha(data));
    for (const s of sinks) expect(s.out.equals(data)).toBe(true);
    expect(r.written).toEqual(sinks.map(() => data.length));
    expect(r.failures.every((f) => f === undefined)).toBe(true);
  });

  it('keeps going for the other writers when one fails mid-copy, and records its error', async () => {
    const data = randomBytes(64 * 1024);
    const sinks = [new MemSink(data.length), new MemSink(data.length, { failAtWrite: 5 }), new MemSink(data.length)];
    const r = await fanOut(new MemSource(data), sinks, { writeConcurrency: 2, chunkSize: 1024 });
    expect(r.complete).toBe(true);
    expect((r.failures[1] as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(r.written[1]).toBe(5 * 1024);
    expect(sinks[0]!.out.equals(data)).toBe(true);
    expect(sinks[2]!.out.equals(data)).toBe(true);
    expect(r.failures[0]).toBeUndefined();
    expect(r.failures[2]).toBeUndefined();
  });

  it('stops reading early when every writer has failed', async () => {
    const data = randomBytes(256 * 1024);
    const src = new MemSource(data);
    const sinks = [new MemSink(data.length, { failAtWrite: 1 }), new MemSink(data.length, { failAtWrite: 2 })];
    const r = await fanOut(src, sinks, { writeConcurrency: 2, chunkSize: 1024, buffers: 2 });
    expect(r.complete).toBe(false);
    expect(src.bytesRead).toBeLessThan(data.length);
    expect(r.failures.every((f) => f !== undefined)).toBe(true);
  });

  it('never runs more writes at once than writeConcurrency, and does run them in parallel', async () => {
    const data = randomBytes(32 * 1024);
    let active = 0;
    let peak = 0;
    const onWrite = (d: 1 | -1): void => {
      active += d;
      peak = Math.max(peak, active);
    };
    const sinks = Array.from({ length: 8 }, () => new MemSink(data.length, { delayMs: 2, onWrite }));
    await fanOut(new MemSource(data), sinks, { writeConcurrency: 3, chunkSize: 4096 });
    expect(peak).toBe(3);
  });

  it('applies backpressure: the reader is never more than `buffers` chunks ahead of the slowest writer', async () => {
    const chunk = 1024;
    const data = randomBytes(chunk * 40);
    const src = new MemSource(data);
    let maxAhead = 0;
    const slow = new MemSink(data.length, { delayMs: 3 });
    const fast = new MemSink(data.length);
    const probe: ChunkSink = {
      write: async (buf, length, position) => {
        await slow.write(buf, length, position);
        // chunks read minus chunks the slow writer finished
        maxAhead = Math.max(maxAhead, src.reads - slow.writes);
      },
    };
    await fanOut(src, [probe, fast], { writeConcurrency: 2, chunkSize: chunk, buffers: 3 });
    expect(slow.out.equals(data)).toBe(true);
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(3);
  });

  it('rejects on abort only after every write in flight has settled', async () => {
    const data = randomBytes(1024 * 200);
    const controller = new AbortController();
    let active = 0;
    const sinks = [new MemSink(data.length, { delayMs: 2, onWrite: (d) => (active += d) })];
    const p = fanOut(new MemSource(data), sinks, {
      writeConcurrency: 1,
      chunkSize: 1024,
      signal: controller.signal,
      onRead: (n) => {
        if (n >= 10 * 1024) controller.abort(new Error('stop (test)'));
      },
    });
    await expect(p).rejects.toThrow('stop (test)');
    expect(active).toBe(0);
  });

  it('propagates a source read error after the writes settle', async () => {
    const src: ChunkSource = {
      read: async (_b, _l, position) => {
        if (position > 0) throw Object.assign(new Error('EIO (injected)'), { code: 'EIO' });
        return 10;
      },
    };
    await expect(fanOut(src, [new MemSink(10)], { writeConcurrency: 1, chunkSize: 10 })).rejects.toThrow('EIO');
  });

  it('property: any size, chunk size, pool and writer count gives exact copies and the right hash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (size, chunkSize, buffers, writers, concurrency) => {
          const data = randomBytes(size);
          const src = new MemSource(data);
          const sinks = Array.from({ length: writers }, () => new MemSink(size));
          const r = await fanOut(src, sinks, { writeConcurrency: concurrency, chunkSize, buffers });
          expect(src.bytesRead).toBe(size);
          expect(r.sha256).toBe(sha(data));
          for (const s of sinks) expect(s.out.equals(data)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Semaphore', () => {
  it('refuses a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
