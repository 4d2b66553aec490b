/**
 * One read of the source, fanned out to N writers, hashed (SHA-256) in the same pass.
 *
 * - The source is read once, in chunks, into a fixed pool of buffers: memory stays flat whatever
 *   the file size (pool = chunkSize x buffers).
 * - Each chunk is hashed as it is read, then handed to every writer that is still alive. Writes to
 *   one writer stay in order; at most `writeConcurrency` writes run at once over all writers.
 * - Backpressure: a buffer returns to the pool only when every writer has written it, so the reader
 *   waits for the slowest writer, never piling chunks up in memory.
 * - A writer that fails is dropped (its error kept); the others go on. When all have failed the
 *   reader stops early.
 */
import { createHash } from 'node:crypto';
import { abortReason } from '../shared/sleep';

export interface ChunkSource {
  /** Reads up to `length` bytes at `position` into `buf` (from offset 0); 0 at the end. */
  read(buf: Buffer, length: number, position: number): Promise<number>;
}

export interface ChunkSink {
  /** Writes `buf[0..length)` at `position`; rejects on failure. */
  write(buf: Buffer, length: number, position: number): Promise<void>;
}

export interface FanOutOptions {
  /** Most writes in flight over all writers (throttleLimit). */
  writeConcurrency: number;
  /** Bytes per read; default 4 MiB. */
  chunkSize?: number;
  /** Buffers in the pool (chunks in flight); default 4. */
  buffers?: number;
  signal?: AbortSignal;
  /** Called after each chunk is read and handed out, with the bytes read so far. */
  onRead?: (bytesRead: number) => void;
}

export interface FanOutResult {
  /** Bytes read from the source. */
  length: number;
  /** Uppercase hex SHA-256 of those bytes. */
  sha256: string;
  /** False when the reader stopped early because every writer had failed. */
  complete: boolean;
  /** Per writer: the error that dropped it, or undefined. */
  failures: unknown[];
  /** Per writer: bytes written. */
  written: number[];
}

// 4 MiB reads and writes at 4 MiB-aligned offsets, four in flight (16 MiB of pool): against 1 MiB x 8,
// a quarter of the system calls and promise hops per byte, which measured less than half the CPU time
// per copy and about a quarter of it for 16 folders (bench/diag/copy-ways.mjs; bench/PERFORMANCE.md,
// "The copy").
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
export const DEFAULT_BUFFERS = 4;

/** A counting semaphore with FIFO wake-up. */
export class Semaphore {
  private queue: Array<() => void> = [];
  private active = 0;
  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('Semaphore limit must be at least 1');
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export async function fanOut(source: ChunkSource, sinks: readonly ChunkSink[], opts: FanOutOptions): Promise<FanOutResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const bufferCount = Math.max(1, opts.buffers ?? DEFAULT_BUFFERS);
  const sem = new Semaphore(Math.max(1, opts.writeConcurrency));
  const hash = createHash('sha256');
  const failures: unknown[] = sinks.map(() => undefined);
  const failed: boolean[] = sinks.map(() => false);
  const written: number[] = sinks.map(() => 0);
  const chains: Array<Promise<void>> = sinks.map(() => Promise.resolve());

  const free: Buffer[] = [];
  for (let i = 0; i < bufferCount; i++) free.push(Buffer.allocUnsafeSlow(chunkSize));
  const waiters: Array<() => void> = [];
  const takeBuffer = async (): Promise<Buffer> => {
    while (free.length === 0) await new Promise<void>((r) => waiters.push(r));
    return free.pop()!;
  };
  const giveBuffer = (b: Buffer): void => {
    free.push(b);
    const w = waiters.shift();
    if (w) w();
  };

  let position = 0;
  let complete = false;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (sinks.length > 0 && failed.every(Boolean)) break;
      const buf = await takeBuffer();
      let n: number;
      try {
        n = await source.read(buf, chunkSize, position);
      } catch (e) {
        giveBuffer(buf);
        throw e;
      }
      if (n === 0) {
        giveBuffer(buf);
        complete = true;
        break;
      }
      hash.update(buf.subarray(0, n));
      const at = position;
      position += n;
      const forChunk = sinks.map((sink, i) => {
        const next = chains[i]!.then(async () => {
          if (failed[i]) return;
          try {
            await sem.run(() => sink.write(buf, n, at));
            written[i]! += n;
          } catch (e) {
            failed[i] = true;
            failures[i] = e;
          }
        });
        chains[i] = next;
        return next;
      });
      // Never rejects: each writer's errors are caught above.
      void Promise.all(forChunk).then(() => giveBuffer(buf));
      opts.onRead?.(position);
    }
  } finally {
    // Whatever happens, no write may still be running when the caller cleans up.
    await Promise.all(chains);
  }
  return { length: position, sha256: hash.digest('hex').toUpperCase(), complete, failures, written };
}
