// Running PowerShell for the benchmarks: always a fresh `pwsh -NoProfile -NonInteractive`, scripts
// by file with their data as arguments (never spliced into script text).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './proc.mjs';

export const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts');

export function pwshArgs(script, args) {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', join(SCRIPTS, script), ...args];
}

/** Runs a script in a fresh pwsh; returns the timed run. */
export function runPwshScript(ctx, script, args, opts = {}) {
  return timed(ctx.pwsh.path, pwshArgs(script, args), { env: ctx.pwshEnv, ...opts });
}

/** Runs a script that prints one JSON document as its last stdout line; returns it parsed. */
export async function pwshJson(ctx, script, args, opts = {}) {
  const r = await runPwshScript(ctx, script, args, opts);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`${script} printed no JSON: ${r.stdout.slice(-1000)} ${r.stderr.slice(-1000)}`);
  }
}
