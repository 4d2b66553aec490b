// What the scripts that install test tools into the git-ignored .tools/ folder share (powershell-tools,
// windows-tools, windows-pshost): the folder, the environment for dotnet, and an install that is
// either finished or not there at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = join(ROOT, '.tools');

export const dotnetEnv = {
  ...process.env,
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  DOTNET_NOLOGO: '1',
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
  DOTNET_CLI_UI_LANGUAGE: 'en',
};

export const say = (m) => process.stderr.write(`${m}\n`);

/** Runs a dotnet (or other) command to completion with the dotnet environment; text output. */
export function runDotnet(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: dotnetEnv, timeout: 600_000, ...opts });
}

/**
 * Installs into a temporary folder and renames it into place, so a killed install never looks finished.
 * `install(tmp)` returns an error text, or nothing on success (a throw counts as its message).
 */
export function installAtomically(finalDir, install) {
  const tmp = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(finalDir), { recursive: true });
  let err;
  try {
    err = install(tmp);
  } catch (e) {
    err = e instanceof Error ? e.message : String(e);
  }
  if (err) {
    rmSync(tmp, { recursive: true, force: true });
    return err;
  }
  try {
    renameSync(tmp, finalDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Another run finished the same install first.
    if (!existsSync(finalDir)) return `could not move ${tmp} into place: ${e.message}`;
  }
  return null;
}
