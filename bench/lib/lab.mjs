// Lab DSS helpers for the benchmarks, all through the bundle's own `lab` subcommands, plus reading
// the lab DXA's log (dxa.log: "<ISO time> MSExchangeDX[<pid>] <message>").
import { existsSync, openSync, readSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './proc.mjs';

export class Lab {
  constructor(bundle, dir) {
    this.bundle = bundle;
    this.dir = dir;
  }

  get dxadata() {
    return join(this.dir, 'exchsrvr', 'Dxadata');
  }

  get log() {
    return join(this.dir, 'dxa.log');
  }

  cli(args, opts = {}) {
    return timed(process.execPath, [this.bundle, ...args], opts);
  }

  /** `lab init` with explicit timing (ms) and recipients; the service is left Stopped. */
  async init({ requestors = ['PO1', 'PO2'], recipients, startMs, stopMs, chunkBytes, chunkDelayMs }) {
    const args = ['lab', 'init', this.dir, '--force', '--recipients', String(recipients)];
    for (const r of requestors) args.push('--requestor', r);
    if (startMs !== undefined) args.push('--start-ms', String(startMs));
    if (stopMs !== undefined) args.push('--stop-ms', String(stopMs));
    if (chunkBytes !== undefined) args.push('--chunk-bytes', String(chunkBytes));
    if (chunkDelayMs !== undefined) args.push('--chunk-delay-ms', String(chunkDelayMs));
    await this.cli(args);
    this.requestors = requestors;
  }

  start() {
    return this.cli(['lab', 'start', this.dir]);
  }

  /** Stops the lab DXA; kills it if it does not stop (only the DXA this lab's service.json names). */
  async dispose() {
    if (!existsSync(this.dir)) return;
    await this.cli(['lab', 'stop', this.dir, '--timeout', '20'], { mustSucceed: false }).catch(() => undefined);
    try {
      const s = JSON.parse(readFileSync(join(this.dir, 'service.json'), 'utf8'));
      if (s.pid) process.kill(s.pid, 'SIGKILL');
    } catch {
      /* stopped */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Current size of dxa.log, to read only what a later run adds. */
  logOffset() {
    try {
      return statSync(this.log).size;
    } catch {
      return 0;
    }
  }

  /** dxa.log entries written since `offset`: [{ at (epoch ms), pid, message }]. */
  logSince(offset) {
    let text = '';
    try {
      const size = statSync(this.log).size;
      const fd = openSync(this.log, 'r');
      try {
        const buf = Buffer.alloc(Math.max(0, size - offset));
        readSync(fd, buf, 0, buf.length, offset);
        text = buf.toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch {
      return [];
    }
    return parseDxaLog(text);
  }
}

export function parseDxaLog(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) MSExchangeDX\[(\d+)\] (.*)$/.exec(line);
    if (m) out.push({ at: Date.parse(m[1]), pid: Number(m[2]), message: m[3] });
  }
  return out;
}

/** The first entry whose message matches `re`, or null. */
export function findEntry(entries, re) {
  return entries.find((e) => re.test(e.message)) ?? null;
}

/** The lab DXA's own markers in one run (see src/lab/dxa-service.ts). */
export const LOG = {
  stopping: /^Service stopping\.$/,
  starting: /^Service starting /,
  started: /service started \(lab\)\.$/,
  generating: /^Generating Resync\.glb /,
  /** Logged right after the file handle is closed (fsync, close, then this line). */
  wrote: /^Wrote Resync\.glb: \d+ bytes\.$/,
  removed: /^Removed ResyncConnectionRDNs /,
};
