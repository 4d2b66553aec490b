// A PowerShell for Windows that runs under Wine, for the win32 suite: ResyncPsHost.exe, a small host of
// PowerShell 7.6.10 (NuGet Microsoft.PowerShell.SDK, pinned) published self-contained for win-x64 from
// test/win32/pshost/ into the git-ignored .tools/ folder on first use and reused once there. pwsh.exe itself
// cannot be used: its console host dies under Wine when its stdio are not a console.
//
//   import { ensureWindowsPowerShellHost, WINDOWS_PSHOST_EXE } from '../scripts/windows-pshost.mjs';
//   const h = ensureWindowsPowerShellHost();   // { exe } or { reason }
//   node scripts/windows-pshost.mjs            // publishes (if needed) and prints the path
//
// The folder's name carries the SDK version and a hash of the host's source, so a changed host is published
// afresh. This file only reads files when imported, so the win32 suite (node.exe) can import the path.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT as root, TOOLS_DIR, installAtomically, runDotnet, say } from './tools-common.mjs';

export { TOOLS_DIR };

/** The Microsoft.PowerShell.SDK version; the same as in ResyncPsHost.csproj. */
export const PSHOST_SDK_VERSION = '7.6.10';

/** The host's source: the project and its one C# file. */
export const PSHOST_SOURCE_DIR = join(root, 'test', 'win32', 'pshost');
const SOURCE_FILES = ['ResyncPsHost.csproj', 'Program.cs'];

function sourceHash() {
  const h = createHash('sha256');
  // Line endings do not change the program; a checkout with CRLF names the same folder.
  for (const f of SOURCE_FILES) h.update(`${f}\n`).update(readFileSync(join(PSHOST_SOURCE_DIR, f), 'utf8').replace(/\r\n/g, '\n'));
  return h.digest('hex').slice(0, 12);
}

export const PSHOST_DIR = join(TOOLS_DIR, `win-pshost-${PSHOST_SDK_VERSION}-${sourceHash()}`);
/** The published host; run it as `ResyncPsHost.exe <script.ps1> [-Name value | -Switch]...`. */
export const WINDOWS_PSHOST_EXE = join(PSHOST_DIR, 'ResyncPsHost.exe');

function run(cmd, args, opts = {}) {
  return runDotnet(cmd, args, { timeout: 900_000, ...opts });
}

function publish(out) {
  // Built from a copy, so bin/ and obj/ never appear in the source folder.
  const build = `${out}.src`;
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  for (const f of SOURCE_FILES) cpSync(join(PSHOST_SOURCE_DIR, f), join(build, f));
  try {
    const r = run('dotnet', ['publish', join(build, 'ResyncPsHost.csproj'), '-c', 'Release', '-o', out]);
    if (r.status !== 0) return `dotnet publish of the PowerShell host failed (exit ${r.status}): ${(r.stdout || r.stderr || '').trim().slice(-800)}`;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  if (!existsSync(join(out, 'ResyncPsHost.exe'))) return `dotnet publish left no ResyncPsHost.exe in ${out}`;
  // PowerShell looks for its built-in modules (Microsoft.PowerShell.Utility, Management, Security, ...) in
  // $PSHOME\Modules, the exe's folder; publish leaves them under runtimes/.
  const modules = join(out, 'runtimes', 'win', 'lib', 'net10.0', 'Modules');
  if (!existsSync(join(modules, 'Microsoft.PowerShell.Utility'))) return `the published host has no built-in modules at ${modules}`;
  cpSync(modules, join(out, 'Modules'), { recursive: true });
  return null;
}

/** Publishes the host when it is not there: { exe } or { reason } (no dotnet, or the publish failed). */
export function ensureWindowsPowerShellHost() {
  if (existsSync(WINDOWS_PSHOST_EXE)) return { exe: WINDOWS_PSHOST_EXE };
  if (run('dotnet', ['--version'], { timeout: 60_000 }).status !== 0) {
    return { reason: `the .NET SDK (dotnet) is not on PATH: it publishes the win32 suite's PowerShell host (Microsoft.PowerShell.SDK ${PSHOST_SDK_VERSION}) into .tools/` };
  }
  say(`tools: publishing the PowerShell ${PSHOST_SDK_VERSION} host for Windows into ${PSHOST_DIR} ...`);
  const err = installAtomically(PSHOST_DIR, publish);
  return err ? { reason: err } : { exe: WINDOWS_PSHOST_EXE };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const h = ensureWindowsPowerShellHost();
  if (h.reason) {
    say(`tools: PowerShell host for Windows not available: ${h.reason}`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`PowerShell ${PSHOST_SDK_VERSION} host for Windows: ${h.exe}\n`);
  }
}
