// Shared set-up for the win32 suite. These files run inside Node.js for Windows (node.exe under Wine in CI,
// or on a real Windows machine) with node:test, in plain JavaScript: vitest's native addons do not load
// under Wine (docs/TESTING.md, "Windows under Wine"). They drive the built bundle and real lab DXA processes through
// Windows pipes, as an admin's PowerShell does.
//
//   import { engines, cli, makeLab, cleanup, until } from './support.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODULE = join(ROOT, 'dist', 'ResyncGlb');
export const BUNDLE = join(MODULE, 'bin', 'resync-glb.cjs');
/** The self-contained engine for Windows (Node's single executable application), built by build.mjs. */
export const EXE = join(MODULE, 'bin', 'win-x64', 'resync-glb.exe');

/**
 * The two ways the module runs the engine on Windows: the self-contained exe, and node.exe with the bundle.
 * Each is { name, command, prefix }: run `command` with `[...prefix, ...args]`.
 */
export const ENGINES = {
  node: { name: 'node.exe', command: process.execPath, prefix: [BUNDLE] },
  exe: { name: 'resync-glb.exe', command: EXE, prefix: [] },
};

/** The default engine for a test that is not about the engine itself. */
export const ENGINE = ENGINES.node;

/**
 * Runs the engine to completion and returns { status, stdout, stderr, json } (json: stdout parsed when it
 * is one JSON document, else null). `input` goes to stdin; `env` is added to the environment.
 */
export function cli(args, { engine = ENGINE, input, env, timeoutMs = 240_000, cwd } = {}) {
  const r = spawnSync(engine.command, [...engine.prefix, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, ...env },
    cwd,
    timeout: timeoutMs,
    windowsHide: true,
  });
  if (r.error) throw r.error;
  let json = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = null;
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json };
}

/** Starts the engine without waiting: a ChildProcess with stdio pipes (for cancel, kill and rpc). */
export function start(args, { engine = ENGINE, env, cwd } = {}) {
  return spawn(engine.command, [...engine.prefix, ...args], { env: { ...process.env, ...env }, cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
}

/** Like cli() but fails the test, with the engine's stderr, unless it exits 0. */
export function ok(args, opts) {
  const r = cli(args, opts);
  if (r.status !== 0) throw new Error(`resync-glb ${args.join(' ')} exited ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r;
}

const made = [];

/** A fresh folder under the Windows temp folder (removed by cleanup()). */
export function tempDir(prefix = 'rg-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push({ dir: d });
  return d;
}

/**
 * A lab DSS with fast timings, started unless { start: false }. Returns its folder. `requestors` and any
 * extra `lab init` arguments (`args`) are passed through; `dir` puts it at a given path.
 */
export function makeLab({ requestors = ['PO1', 'PO2'], recipients = 60, args = [], dir, start: startIt = true } = {}) {
  const lab = dir ?? join(tempDir('rg-lab-'), 'lab');
  made.push({ lab });
  ok(['lab', 'init', lab, ...requestors.flatMap((r) => ['--requestor', r]), '--recipients', String(recipients), '--start-ms', '100', '--stop-ms', '50', '--chunk-bytes', '1024', '--chunk-delay-ms', '1', '--force', ...args]);
  if (startIt) ok(['lab', 'start', lab]);
  return lab;
}

/** Stops every lab made here (faults cleared first, so a hanging stop is not one) and removes the folders. */
export function cleanup() {
  for (const m of made.splice(0).reverse()) {
    let stopped = 'not a lab';
    if (m.lab && existsSync(join(m.lab, 'lab.json'))) {
      cli(['lab', 'fault', m.lab, '--clear'], { timeoutMs: 60_000 });
      stopped = `lab stop exited ${cli(['lab', 'stop', m.lab, '--timeout', '20'], { timeoutMs: 60_000 }).status}`;
    }
    const d = m.dir ?? (m.lab ? dirname(m.lab) : null);
    if (!d) continue;
    try {
      rmSync(d, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch (e) {
      // Under Wine a lab DXA whose spawning engine was killed while creating it can hang in start-up
      // before it runs any code (Windows starts such a child normally), still holding dxa.log open, so
      // its folder cannot be removed. The runner ends every process of the prefix after the suite; a
      // folder left in the Wine prefix's temp is no test's result, so it is reported, not failed.
      const left = readdirSync(d, { recursive: true }).slice(0, 20).join(', ');
      process.stderr.write(`cleanup: left ${d} (${stopped}; still there: ${left}): ${e.message}\n`);
    }
  }
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function until(what, check, timeoutMs = 60_000, everyMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function dxaLog(lab) {
  const f = join(lab, 'dxa.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}
