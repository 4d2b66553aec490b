// The PowerShell the test suites and benchmarks run in: pwsh 7.6.9 (a .NET tool) and Pester 5.9.1, installed
// on first use from NuGet into the git-ignored .tools/ folder, pinned, and reused once there.
//
//   import { ensurePowerShellTools } from '../scripts/powershell-tools.mjs';
//   const t = ensurePowerShellTools();   // { pwsh, modulePath, pester } or { reason }
//   node scripts/powershell-tools.mjs    // installs (if needed) and prints the paths
//
// RESYNCGLB_PWSH names another pwsh (>= 7.2) to use instead of the pinned one; Pester is still the pinned copy.
// A machine without the .NET SDK gets { reason } and the callers skip the PowerShell suites, saying why:
// `npm install` itself never needs the SDK.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS_DIR, installAtomically, runDotnet, say } from './tools-common.mjs';

export { TOOLS_DIR };

export const PWSH_VERSION = '7.6.9';
export const PESTER_VERSION = '5.9.1';

const pwshDir = join(TOOLS_DIR, `pwsh-${PWSH_VERSION}`);
const nugetDir = join(TOOLS_DIR, 'nuget');
/** A folder for PSModulePath: Pester/<version>/Pester.psd1, the layout Import-Module looks for. */
export const MODULES_DIR = join(TOOLS_DIR, 'modules');
const pesterDir = join(MODULES_DIR, 'Pester', PESTER_VERSION);

const run = runDotnet;

function hasDotnet() {
  const r = run('dotnet', ['--version'], { timeout: 60_000 });
  return r.status === 0;
}

/** The pwsh executable inside a tool folder (an apphost; Windows adds .exe). */
function pwshIn(dir) {
  return join(dir, process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
}

function installPwsh() {
  if (existsSync(pwshIn(pwshDir))) return null;
  say(`tools: installing PowerShell ${PWSH_VERSION} (dotnet tool) into ${pwshDir} ...`);
  return installAtomically(pwshDir, (tmp) => {
    const r = run('dotnet', ['tool', 'install', 'PowerShell', '--version', PWSH_VERSION, '--tool-path', tmp]);
    if (r.status !== 0) return `dotnet tool install PowerShell ${PWSH_VERSION} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-400)}`;
    return existsSync(pwshIn(tmp)) ? null : `dotnet tool install left no ${pwshIn(tmp)}`;
  });
}

function installPester() {
  if (existsSync(join(pesterDir, 'Pester.psd1'))) return null;
  say(`tools: installing Pester ${PESTER_VERSION} (NuGet package) into ${pesterDir} ...`);
  return installAtomically(pesterDir, (tmp) => {
    // A project that only downloads the package: the NuGet client the SDK has, with the machine's sources.
    const proj = join(TOOLS_DIR, 'restore');
    mkdirSync(proj, { recursive: true });
    writeFileSync(
      join(proj, 'restore.csproj'),
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[${PESTER_VERSION}]" /></ItemGroup>
</Project>
`,
    );
    const r = run('dotnet', ['restore', join(proj, 'restore.csproj'), '--packages', nugetDir]);
    if (r.status !== 0) return `dotnet restore of Pester ${PESTER_VERSION} failed (exit ${r.status}): ${(r.stdout || r.stderr || '').trim().slice(-400)}`;
    // The package keeps the module under tools/ (a chocolatey-style layout).
    const from = join(nugetDir, 'pester', PESTER_VERSION, 'tools');
    if (!existsSync(join(from, 'Pester.psd1'))) return `the Pester package has no tools/Pester.psd1 under ${from}`;
    cpSync(from, tmp, { recursive: true });
    return null;
  });
}

/** The version "major.minor" a pwsh reports, or null. */
function pwshVersion(exe) {
  const r = spawnSync(exe, ['-NoProfile', '-NonInteractive', '-Command', '$PSVersionTable.PSVersion.ToString()'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TERM: 'dumb' },
  });
  const m = /^(\d+)\.(\d+)/m.exec(r.stdout ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]), text: (r.stdout ?? '').trim() } : null;
}

/**
 * Installs what is missing and returns { pwsh, modulePath, pester, pwshVersion } or { reason } when
 * PowerShell cannot be had here.
 */
export function ensurePowerShellTools() {
  const override = process.env.RESYNCGLB_PWSH;
  const needDotnet = !override || !existsSync(join(pesterDir, 'Pester.psd1'));
  if ((needDotnet && !existsSync(pwshIn(pwshDir))) || !existsSync(join(pesterDir, 'Pester.psd1'))) {
    if (!hasDotnet()) {
      return {
        reason: `the .NET SDK (dotnet) is not on PATH: it installs PowerShell ${PWSH_VERSION} and Pester ${PESTER_VERSION} from NuGet into .tools/`,
      };
    }
  }
  let pwsh = override;
  if (!pwsh) {
    const err = installPwsh();
    if (err) return { reason: err };
    pwsh = pwshIn(pwshDir);
  } else if (!existsSync(pwsh)) {
    return { reason: `RESYNCGLB_PWSH names ${pwsh}, which does not exist` };
  }
  const err = installPester();
  if (err) return { reason: err };
  const v = pwshVersion(pwsh);
  if (!v) return { reason: `${pwsh} did not answer a version probe` };
  if (v.major < 7 || (v.major === 7 && v.minor < 2)) return { reason: `${pwsh} is PowerShell ${v.text}; the suites need 7.2 or later` };
  return { pwsh, modulePath: MODULES_DIR, pester: PESTER_VERSION, pwshVersion: v.text };
}

/** An environment for a pwsh child: the pinned Pester first on PSModulePath, and no terminal escapes. */
export function powerShellEnv(tools, base = process.env) {
  const sep = process.platform === 'win32' ? ';' : ':';
  return {
    ...base,
    TERM: 'dumb',
    RESYNCGLB_PWSH: tools.pwsh,
    PSModulePath: [tools.modulePath, base.PSModulePath].filter(Boolean).join(sep),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = ensurePowerShellTools();
  if (t.reason) {
    say(`tools: PowerShell not available: ${t.reason}`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`pwsh ${t.pwshVersion}: ${t.pwsh}\nPester ${t.pester}: ${join(t.modulePath, 'Pester', t.pester)}\n`);
  }
}
