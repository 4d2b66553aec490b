// What the benchmarks run on: the machine, the tools present, a pwsh if any, and a private copy of
// the built module (so a rebuild by someone else during the run cannot change what is measured).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, release, platform } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { ensurePowerShellTools } from '../../scripts/powershell-tools.mjs';

/** `name` found on PATH as an executable file, or null. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * The pwsh to measure: RESYNCGLB_PWSH when set, else the pinned pwsh 7.6.9 that `npm test` uses, installed into
 * .tools/ on first use (scripts/powershell-tools.mjs). Returns { path, version, source } or { path: null, reason }.
 */
export function findPwsh() {
  const tools = ensurePowerShellTools();
  if (tools.reason) return { path: null, reason: tools.reason };
  return { path: tools.pwsh, version: tools.pwshVersion, source: process.env.RESYNCGLB_PWSH ? 'RESYNCGLB_PWSH' : '.tools (pinned)' };
}

export function machineInfo() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* not Linux */
  }
  let load = null;
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    /* not Linux */
  }
  return {
    platform: `${platform()} ${release()}`,
    nproc: cpus().length,
    cpuModel,
    ramMiB: Math.round(totalmem() / 1048576),
    node: process.version,
    loadAverageAtStart: load,
  };
}

/** Which of the shell tools the baselines use are present. */
export function shellTools() {
  const tools = {};
  for (const t of ['bash', 'cp', 'sha256sum', 'sync', 'grep', 'mv']) tools[t] = onPath(t);
  return tools;
}

/**
 * Copies the built module (dist/ResyncGlb, or `moduleDir`; bundle included) to a private folder
 * <tmp>/Modules/ResyncGlb, beside an empty module <tmp>/Modules/Empty for B6's baseline.
 * Returns { root, modules, bundle, psd1 }.
 */
export function snapshotModule(repoRoot, moduleDir) {
  const src = moduleDir ? resolve(moduleDir) : join(repoRoot, 'dist', 'ResyncGlb');
  const bundleSrc = join(src, 'bin', 'resync-glb.cjs');
  if (!existsSync(bundleSrc)) throw new Error(`${bundleSrc} is not built; run: npm run bench (it builds first) or node build.mjs`);
  const root = mkdtempSync(join(tmpdir(), 'resync-bench-'));
  const modules = join(root, 'Modules');
  cpSync(src, join(modules, 'ResyncGlb'), { recursive: true });
  const empty = join(modules, 'Empty');
  mkdirSync(empty, { recursive: true });
  writeFileSync(join(empty, 'Empty.psm1'), '');
  writeFileSync(
    join(empty, 'Empty.psd1'),
    "@{\n    RootModule        = 'Empty.psm1'\n    ModuleVersion     = '1.0.0'\n    GUID              = '00000000-0000-4000-8000-000000000001'\n    FunctionsToExport = @()\n    CmdletsToExport   = @()\n    VariablesToExport = @()\n    AliasesToExport   = @()\n}\n",
  );
  return { root, modules, bundle: join(modules, 'ResyncGlb', 'bin', 'resync-glb.cjs'), psd1: join(modules, 'ResyncGlb', 'ResyncGlb.psd1') };
}

/** Environment for a pwsh child: our module folder first on PSModulePath, and this very node for the module. */
export function pwshEnv(snapshot) {
  const env = { ...process.env };
  env.PSModulePath = [snapshot.modules, env.PSModulePath].filter(Boolean).join(delimiter);
  env.RESYNCGLB_NODE = process.execPath;
  env.POWERSHELL_TELEMETRY_OPTOUT = '1';
  env.POWERSHELL_UPDATECHECK = 'Off';
  env.DOTNET_CLI_TELEMETRY_OPTOUT = '1';
  return env;
}
