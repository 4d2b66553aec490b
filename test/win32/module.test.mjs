// The module on Windows x64 with no Node.js: PowerShell 7.6 for Windows imports dist/ResyncGlb and runs the
// lab procedure (New-ResyncLab, New-ResyncGlb, Copy-ResyncToRequestor) with no node on PATH and
// RESYNCGLB_NODE unset, so the only engine it can use is its own bin/win-x64/resync-glb.exe.
//
// PowerShell is ResyncPsHost.exe (test/win32/pshost, published by scripts/windows-pshost.mjs), a host that
// runs module-lab.ps1 in a runspace: under Wine pwsh.exe's console host dies when its stdio are not a
// console. On real Windows the same host runs; RESYNCGLB_WIN_PSHOST names another copy of it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Only constants are read from it: the host's path under .tools/ (the module runs nothing when imported).
import { WINDOWS_PSHOST_EXE } from '../../scripts/windows-pshost.mjs';
import { ENGINES, EXE, MODULE, cleanup, cli, tempDir } from './support.mjs';

const HOST = process.env.RESYNCGLB_WIN_PSHOST || WINDOWS_PSHOST_EXE;
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'module-lab.ps1');
const MANIFEST = join(MODULE, 'ResyncGlb.psd1');
const SERVICE_KEY = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDX';

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase();
const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();

/** A folder that holds something `Get-Command node` would find (PATHEXT's usual extensions). */
function holdsNode(dir) {
  return ['node.exe', 'node.cmd', 'node.bat', 'node.com', 'node'].some((f) => existsSync(join(dir, f)));
}

/** This environment without RESYNCGLB_NODE and with no PATH entry that holds a node (names compared as Windows does, without case). */
function envWithoutNode() {
  const env = {};
  let path = '';
  for (const [k, v] of Object.entries(process.env)) {
    if (k.toUpperCase() === 'RESYNCGLB_NODE') continue;
    if (k.toUpperCase() === 'PATH') path = v ?? '';
    else env[k] = v;
  }
  const nodeDir = dirname(process.execPath);
  env.Path = path
    .split(delimiter)
    .filter((d) => d && !same(d.replace(/\\+$/, ''), nodeDir) && !holdsNode(d))
    .join(delimiter);
  return env;
}

let lab = null;
let outcome = null;

/** Runs module-lab.ps1 in the host once; every test below reads the same run (or fails with its error). */
function procedure() {
  outcome ??= (() => {
    try {
      return { value: runProcedure() };
    } catch (error) {
      return { error };
    }
  })();
  if (outcome.error) throw outcome.error;
  return outcome.value;
}

function runProcedureOnce() {
  assert.ok(
    existsSync(EXE),
    `The module has no ${EXE}: the build makes it only when node.exe for Windows is in .tools/. Run 'node scripts/windows-tools.mjs', then 'node build.mjs'.`,
  );
  assert.ok(
    existsSync(HOST),
    `No PowerShell host for Windows at ${HOST}. Run 'node scripts/windows-pshost.mjs' (needs the .NET SDK), or set RESYNCGLB_WIN_PSHOST to a published ResyncPsHost.exe.`,
  );
  const dir = tempDir('rg-module-');
  lab = join(dir, 'lab');
  const summaryFile = join(dir, 'summary.json');
  const outFile = join(dir, 'host.out');
  const errFile = join(dir, 'host.err');
  // The host writes to files, not pipes: the lab DXA, started by the engine, inherits the host's standard
  // handles (through .NET's Process.Start and then Node's spawn, both inheriting every inheritable handle)
  // and would hold a pipe open until the lab stops.
  const fds = [openSync(outFile, 'w'), openSync(errFile, 'w')];
  let r;
  try {
    // The timeout only stops a hung run from holding the suite; it is not a performance limit.
    r = spawnSync(HOST, [SCRIPT, '-ModuleManifest', MANIFEST, '-LabPath', lab, '-SummaryPath', summaryFile], {
      // A larger first GC generation: fewer collections in this short run (see CLR_CRASH below).
      env: { ...envWithoutNode(), DOTNET_GCgen0size: '0x10000000' },
      stdio: ['ignore', fds[0], fds[1]],
      timeout: 600_000,
      windowsHide: true,
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  r.stdout = readFileSync(outFile, 'utf8');
  r.stderr = readFileSync(errFile, 'utf8');
  const said = `host exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  if (r.status === CLR_CRASH && /Internal CLR error/.test(r.stderr)) return { crashed: said };
  assert.equal(r.status, 0, `module-lab.ps1 failed: ${said}`);
  assert.ok(existsSync(summaryFile), `module-lab.ps1 wrote no summary: ${said}`);
  return { summary: JSON.parse(readFileSync(summaryFile, 'utf8').replace(/^\uFEFF/, '')), said };
}

/**
 * 0xC0000602, the runtime's fail-fast: under Wine the .NET runtime of the PowerShell host has died now and
 * then with "Internal CLR error (0x80131506)" in its finalizer thread (System.Reflection.Emit.DynamicResolver),
 * after the script's work was done. That is the test host under Wine, not the module: such a run is made once
 * more in a fresh lab, and the crash is written to the test's output. Any other failure fails at once.
 */
const CLR_CRASH = 0xc0000602;

function runProcedure() {
  const first = runProcedureOnce();
  if (!first.crashed) return first;
  process.stderr.write(`module.test: the PowerShell host's runtime crashed under Wine; running the procedure once more.\n${first.crashed}\n`);
  if (lab && existsSync(join(lab, 'lab.json'))) cli(['lab', 'stop', lab, '--timeout', '20'], { engine: existsSync(EXE) ? ENGINES.exe : ENGINES.node, timeoutMs: 120_000 });
  const second = runProcedureOnce();
  assert.ok(!second.crashed, `the PowerShell host's runtime crashed twice under Wine:\n${second.crashed}`);
  return second;
}

after(() => {
  if (lab && existsSync(join(lab, 'lab.json'))) {
    cli(['lab', 'stop', lab, '--timeout', '20'], { engine: existsSync(EXE) ? ENGINES.exe : ENGINES.node, timeoutMs: 120_000 });
  }
  cleanup();
});

test('PowerShell for Windows imports the module and runs the lab procedure with no node on PATH', () => {
  const { summary, said } = procedure();
  assert.equal(summary.PSEdition, 'Core', said);
  assert.match(summary.PSVersion, /^7\./);
  assert.ok(same(summary.ModuleBase, MODULE), `imported from ${summary.ModuleBase}, not ${MODULE}`);
  assert.deepEqual(summary.NodeOnPath, [], 'the host saw a node on PATH');
});

test('New-ResyncGlb -Verbose says it ran the self-contained resync-glb.exe from the module', () => {
  const { summary, said } = procedure();
  assert.equal(summary.EngineLines.length, 1, `expected one 'Engine:' verbose line: ${said}`);
  const line = summary.EngineLines[0];
  assert.match(line, /^Engine: resync-glb\.exe \(self-contained\) at /);
  assert.ok(line.toLowerCase().includes(EXE.toLowerCase()), `the engine line names another exe: ${line}`);
  assert.doesNotMatch(line, /node/i);
});

test('Resync.glb is where the result says, with the SHA-256 it reports, and ResyncConnectionRDNs is gone', () => {
  const { summary } = procedure();
  const result = summary.Result;
  assert.deepEqual(result.Requestor, ['PO1', 'PO2']);
  assert.ok(existsSync(result.Path), `no file at the result's Path ${result.Path}`);
  assert.ok(result.Path.toLowerCase().startsWith(join(lab, 'output').toLowerCase()), `${result.Path} is not in the lab's output folder`);
  assert.equal(readFileSync(result.Path).length, result.Length);
  assert.match(result.Sha256, /^[0-9A-F]{64}$/);
  assert.equal(sha256(result.Path), result.Sha256);
  assert.equal(result.ValueRemoved, true);
  assert.equal(result.FinalRestart, 'Restarted');
  // The lab's registry, read directly: the service key is there and the value is not.
  const registry = JSON.parse(readFileSync(join(lab, 'registry.json'), 'utf8'));
  const key = Object.entries(registry.keys).find(([k]) => same(k, SERVICE_KEY))?.[1];
  assert.ok(key && 'ImagePath' in key, `the lab registry has no ${SERVICE_KEY}`);
  assert.deepEqual(
    Object.keys(key).filter((v) => same(v, 'ResyncConnectionRDNs')),
    [],
    'ResyncConnectionRDNs is still in the lab registry',
  );
});

test('Copy-ResyncToRequestor delivers a verified RESYNC.GLB to both lab postoffices', () => {
  const { summary } = procedure();
  const want = summary.Result.Sha256;
  const folders = summary.Lab.Requestors.map((r) => r.GlbPath);
  assert.equal(folders.length, 2);
  assert.equal(summary.Copies.length, 2);
  for (const [i, folder] of folders.entries()) {
    const copy = summary.Copies[i];
    assert.ok(same(copy.Destination, join(folder, 'RESYNC.GLB')), `copy ${i + 1} went to ${copy.Destination}, not ${folder}`);
    assert.equal(copy.Status, 'Copied');
    assert.equal(copy.Verified, true);
    assert.equal(copy.Sha256, want);
    assert.equal(sha256(join(folder, 'RESYNC.GLB')), want, `${folder}\\RESYNC.GLB differs from the result`);
  }
});
