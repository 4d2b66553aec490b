/** Helpers for integration tests: the built bundle as a child process, and throwaway labs. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'ResyncGlb', 'bin', 'resync-glb.cjs');

export function ensureBundle(): void {
  if (!existsSync(BUNDLE)) throw new Error(`The bundle ${BUNDLE} is not built; run 'node build.mjs' (npm test does).`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function cli(args: string[], input?: string): CliResult {
  ensureBundle();
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', input, timeout: 120_000 });
  let json: unknown = undefined;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    /* not JSON */
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/** Starts the CLI without waiting; resolves with its result when it exits. */
export function cliAsync(args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  ensureBundle();
  const child = spawn(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    }),
  );
  return { child, done };
}

export interface RpcSession {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  /** Resolves when an event matching the predicate arrives (or rejects on exit without it). */
  waitFor(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  done: Promise<{ code: number | null; events: Array<Record<string, unknown>> }>;
  send(line: string): void;
}

export function rpc(request: unknown, keepStdinOpen = true): RpcSession {
  ensureBundle();
  const child = spawn(process.execPath, [BUNDLE, 'rpc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<{ pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const e = JSON.parse(l) as Record<string, unknown>;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  child.stdin!.write(`${typeof request === 'string' ? request : JSON.stringify(request)}\n`);
  if (!keepStdinOpen) child.stdin!.end();
  const done = new Promise<{ code: number | null; events: Array<Record<string, unknown>> }>((resolve) =>
    child.on('close', (code) => {
      for (const w of waiters.splice(0)) w.reject(new Error('rpc exited before the awaited event'));
      resolve({ code, events });
    }),
  );
  return {
    child,
    events,
    done,
    send: (line) => child.stdin!.write(`${line}\n`),
    waitFor: (pred) => {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}

const labs: string[] = [];

export function newLab(extra: string[] = [], requestors = ['PO1', 'PO2']): string {
  const dir = mkdtempSync(join(tmpdir(), 'resync-it-'));
  rmSync(dir, { recursive: true });
  labs.push(dir);
  const r = cli(['lab', 'init', dir, ...requestors.flatMap((n) => ['--requestor', n]), '--recipients', '60', '--start-ms', '100', '--stop-ms', '50', '--chunk-bytes', '1024', '--chunk-delay-ms', '1', ...extra]);
  if (r.code !== 0) throw new Error(`lab init failed: ${r.stderr}`);
  if (!extra.includes('--no-service')) {
    const s = cli(['lab', 'start', dir]);
    if (s.code !== 0) throw new Error(`lab start failed: ${s.stderr}`);
  }
  return dir;
}

export function cleanupLabs(): void {
  for (const dir of labs.splice(0)) dropLab(dir);
}

/** Stops and removes one lab, even one a test left hanging: clear faults, stop, then kill what is left. */
export function dropLab(dir: string): void {
  cli(['lab', 'fault', dir, '--clear']);
  cli(['lab', 'stop', dir, '--timeout', '10']);
  try {
    const s = JSON.parse(readFileSync(join(dir, 'service.json'), 'utf8')) as { pid?: number };
    if (s.pid) process.kill(s.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  rmSync(dir, { recursive: true, force: true });
}

export function labValue(dir: string): string[] | null {
  const doc = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')) as { keys: Record<string, Record<string, { type: string; data: string[] }>> };
  for (const [k, values] of Object.entries(doc.keys)) {
    if (/Services\\MSExchangeDX$/i.test(k) && values.ResyncConnectionRDNs) return values.ResyncConnectionRDNs.data;
  }
  return null;
}

export function labStatus(dir: string): string {
  const r = cli(['lab', 'status', dir, '--json']);
  return String(r.json?.Status);
}

export function dxadata(dir: string): string {
  return join(dir, 'exchsrvr', 'Dxadata');
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase();
}

/** Every byte the lab's DSS side holds: the registry store, Dxadata's files, the service status. */
export function labSnapshot(dir: string): string {
  const files = readdirSync(dxadata(dir))
    .sort()
    .map((f) => `${f}:${statSync(join(dxadata(dir), f)).size}:${sha256(join(dxadata(dir), f))}`);
  return [readFileSync(join(dir, 'registry.json'), 'utf8'), ...files, labStatus(dir)].join('\n');
}
