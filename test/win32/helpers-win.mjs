// Helpers of the win32 suite's fault, interruption, delivery and path files, beside the shared
// support.mjs: the lab's DSS state read from its files, engines run in the background, rpc sessions,
// reader processes that hold a file open, and a shared lab that is replaced when a test left it dirty.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cli, makeLab, start } from './support.mjs';

/** The lab's Dxadata folder (lab layout: <lab>/exchsrvr/Dxadata). */
export function dxadata(lab) {
  return join(lab, 'exchsrvr', 'Dxadata');
}

/** ResyncConnectionRDNs as the lab's registry store holds it, or null when absent. */
export function labValue(lab) {
  const doc = JSON.parse(readFileSync(join(lab, 'registry.json'), 'utf8'));
  for (const [k, values] of Object.entries(doc.keys)) {
    if (/Services\\MSExchangeDX$/i.test(k) && values.ResyncConnectionRDNs) return values.ResyncConnectionRDNs.data;
  }
  return null;
}

/** The service status as `lab status` derives it (a dead DXA process is Stopped). */
export function labStatus(lab) {
  const r = cli(['lab', 'status', lab, '--json'], { timeoutMs: 60_000 });
  return String(r.json?.Status);
}

/** The status the lab DXA last recorded itself (StartPending while it starts). */
export function recordedStatus(lab) {
  try {
    return JSON.parse(readFileSync(join(lab, 'service.json'), 'utf8')).status;
  } catch {
    return undefined; // being replaced at this instant
  }
}

export function dxadataFiles(lab) {
  return readdirSync(dxadata(lab));
}

/** Whether Dxadata holds a Resync.glb under any spelling (one file on Windows). */
export function resyncInDxadata(lab) {
  return dxadataFiles(lab).some((f) => f.toLowerCase() === 'resync.glb');
}

export function outputFiles(lab) {
  const d = join(lab, 'output');
  return existsSync(d) ? readdirSync(d) : [];
}

export function lockFile(lab) {
  return join(lab, '.resyncglb', 'run.lock');
}

export function sha256(fileOrBuffer) {
  const data = Buffer.isBuffer(fileOrBuffer) ? fileOrBuffer : readFileSync(fileOrBuffer);
  return createHash('sha256').update(data).digest('hex').toUpperCase();
}

export function auditEvents(lab) {
  const f = join(lab, 'audit.jsonl');
  if (!existsSync(f)) return [];
  const out = [];
  for (const l of readFileSync(f, 'utf8').split('\n')) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l));
    } catch {
      // a line being appended at this instant
    }
  }
  return out;
}

/** Lengths the lab DXA reports having written ("Wrote Resync.glb: N bytes."). */
export function writtenLengths(lab) {
  const f = join(lab, 'dxa.log');
  const log = existsSync(f) ? readFileSync(f, 'utf8') : '';
  return [...log.matchAll(/Wrote Resync\.glb: (\d+) bytes\./g)].map((m) => Number(m[1]));
}

export function inspectComplete(file) {
  return cli(['inspect', file, '--json'], { timeoutMs: 60_000 }).json?.Complete ?? null;
}

/** A short description of the lab's DSS state, for failure messages. */
export function labState(lab) {
  let value;
  try {
    value = JSON.stringify(labValue(lab));
  } catch (e) {
    value = `unreadable (${e.message})`;
  }
  return `value=${value} recorded=${recordedStatus(lab)} dxadata=[${existsSync(dxadata(lab)) ? dxadataFiles(lab).join(', ') : 'gone'}] lock=${existsSync(lockFile(lab))}`;
}

const children = new Set();

/** Remembers a child process so that killChildren() ends it (TerminateProcess on win32). */
export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Ends every child process started through this file that is still running. */
export function killChildren() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/**
 * Starts the engine in the background: { child, done } where done resolves with
 * { status, stdout, stderr, json } when it exits.
 */
export function runAsync(args, opts) {
  const child = track(start(args, opts));
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) =>
    child.on('close', (status, signal) => {
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = null;
      }
      resolve({ status, signal, stdout, stderr, json });
    }),
  );
  return { child, done };
}

/**
 * An rpc session: writes the request line (none when it is null), keeps stdin open (unless keepOpen is false) and collects
 * the NDJSON events. waitFor(pred) resolves with the first matching event, or rejects when the
 * engine exits without one.
 */
export function rpcSession(request, { keepOpen = true } = {}) {
  const child = track(start(['rpc']));
  const events = [];
  const waiters = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout }).on('line', (line) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      e = { event: 'garbage', line };
    }
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const done = new Promise((resolve) =>
    child.on('close', (status) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the engine exited (${status}) without the awaited event; stderr: ${stderr}`));
      resolve({ status, events, stderr });
    }),
  );
  if (request !== null) child.stdin.write(`${typeof request === 'string' ? request : JSON.stringify(request)}\n`);
  if (!keepOpen) child.stdin.end();
  return {
    child,
    events,
    done,
    get stderr() {
      return stderr;
    },
    send: (line) => child.stdin.write(`${line}\n`),
    waitFor(pred) {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}

/**
 * A separate node.exe that opens `file` for reading and keeps the handle for `ms` (a reader such as
 * an antivirus scan or Explorer's preview). Resolves once the file is open. Node opens files with
 * FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE on win32, as most such readers do;
 * `exclusive` opens with share mode 0 instead (libuv's UV_FS_O_EXLOCK; win32 only, plain elsewhere).
 */
export async function holdOpen(file, ms = 120_000, { exclusive = false } = {}) {
  const flags = exclusive && process.platform === 'win32' ? String(0x10000000) : "'r'";
  const code = `const fs=require('fs');const fd=fs.openSync(process.argv[1],${flags});process.stdout.write('open\\n');setTimeout(()=>fs.closeSync(fd),Number(process.argv[2]));`;
  const child = track(spawn(process.execPath, ['-e', code, file, String(ms)], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true }));
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('open') && resolve());
    child.on('exit', (c) => reject(new Error(`the reader exited (${c}) before it opened ${file}: ${err}`)));
  });
  return child;
}

/** An unrelated live node.exe that only waits (a process that got a dead run's pid). */
export async function idleProcess(ms = 180_000) {
  const child = track(spawn(process.execPath, ['-e', `process.stdout.write('up\\n');setTimeout(()=>{},${ms})`], { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true }));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', () => resolve());
    child.on('exit', (c) => reject(new Error(`the idle process exited (${c})`)));
  });
  return child;
}

export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.on('exit', () => resolve()));
}

/**
 * Whether a lab is as a finished run must leave it: no value, service Running, no Resync.glb in
 * Dxadata, no run lock.
 */
export function labIsClean(lab) {
  try {
    return labValue(lab) === null && !resyncInDxadata(lab) && !existsSync(lockFile(lab)) && labStatus(lab) === 'Running';
  } catch {
    return false;
  }
}

/**
 * One lab shared by the tests of a file while each leaves it clean (faults cleared in between); a
 * test that left it dirty (a product failure) gets the next test a fresh lab, so one failure does
 * not become the next test's.
 */
export function sharedLab(options) {
  let lab = null;
  return () => {
    if (lab && labIsClean(lab)) {
      cli(['lab', 'fault', lab, '--clear'], { timeoutMs: 60_000 });
      return lab;
    }
    lab = makeLab(options);
    return lab;
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What a failed assertion shows: the engine's exit code and output, and the lab's state. */
export function why(r, l) {
  return `exit ${r.status}\n${r.stdout ?? ''}\n${r.stderr ?? ''}\nlab: ${l ? labState(l) : ''}`;
}
