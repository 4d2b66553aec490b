// Child processes, timed: wall time from spawn to exit (hrtime), the exit instant (epoch ms, to
// compare with the lab DXA's log), stdout/stderr, a hard time limit, and peak RSS.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEFAULT_LIMIT_MS = 10 * 60_000;

/**
 * Runs `cmd args` to its end. Resolves { ms, code, signal, stdout, stderr, startedAt, exitedAt }.
 * Rejects when it runs past `limitMs` (the child is killed) or cannot start. A non-zero exit is
 * not an error here; `mustSucceed` turns it into one.
 */
export function timed(cmd, args, { env, cwd, input, limitMs = DEFAULT_LIMIT_MS, onLine, mustSucceed = true } = {}) {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let lineAt = null;
    child.stdout.on('data', (d) => {
      const s = d.toString('utf8');
      stdout += s;
      if (onLine) {
        pending += s;
        let i;
        while ((i = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, i);
          pending = pending.slice(i + 1);
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (onLine(line, { ms, at: Date.now(), child }) && lineAt === null) lineAt = ms;
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} ran longer than ${limitMs} ms and was killed.\n${stderr.slice(-2000)}`));
    }, limitMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const exitedAt = Date.now();
      // Let the pipes drain before resolving.
      child.on('close', () => {
        clearTimeout(timer);
        const r = { ms, code, signal, stdout, stderr, startedAt, exitedAt, lineMs: lineAt };
        if (mustSucceed && code !== 0) {
          reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}.\nstderr: ${stderr.slice(-3000)}\nstdout: ${stdout.slice(-1000)}`));
        } else resolve(r);
      });
    });
    if (input !== undefined) child.stdin.write(input);
    // With onLine the caller decides when stdin ends (the engine treats its end as a cancel).
    if (!onLine) child.stdin.end();
  });
}

const TIME_BIN = '/usr/bin/time';

/** True when GNU time (-f %M: peak RSS in KiB) can be used. */
export function hasGnuTime() {
  return existsSync(TIME_BIN);
}

/**
 * Runs `cmd args` and measures its peak resident set size (MiB): with GNU time when present,
 * else by polling /proc/<pid>/status VmHWM (the kernel's own high-water mark) every 10 ms.
 */
export async function peakRss(cmd, args, opts = {}) {
  if (hasGnuTime()) {
    const dir = mkdtempSync(join(tmpdir(), 'resync-bench-time-'));
    const out = join(dir, 'time.txt');
    try {
      const r = await timed(TIME_BIN, ['-f', '%M', '-o', out, cmd, ...args], opts);
      const kib = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
      return { mib: kib / 1024, ms: r.ms, method: 'GNU time %M', run: r };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let hwm = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* exiting */
      }
    }, 10);
    const t0 = process.hrtime.bigint();
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${cmd} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ mib: hwm / 1024, ms: Number(process.hrtime.bigint() - t0) / 1e6, method: '/proc VmHWM polling' });
    });
  });
}

/** Flushes the file system holding `dir` (not a cache drop), so no earlier write-back runs into a measurement. */
export async function syncFs(dir) {
  await timed('sync', ['-f', dir], { mustSucceed: false }).catch(() => undefined);
}

/**
 * Runs `cmd args` and samples its resident set size (VmRSS, MiB) every `everyMs` from
 * /proc/<pid>/status (Linux). Resolves { samples: [[ms, MiB]], ms }.
 */
export function rssSeries(cmd, args, { everyMs = 20, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    const t0 = process.hrtime.bigint();
    const samples = [];
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) samples.push([Number(process.hrtime.bigint() - t0) / 1e6, Number(m[1]) / 1024]);
      } catch {
        /* exiting */
      }
    }, everyMs);
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ samples, ms });
    });
  });
}

/** True when /proc/<pid>/status can be read (Linux). */
export function hasProcStatus() {
  return existsSync(`/proc/${process.pid}/status`);
}
