// The PowerShell engine suite: checks every PowerShell file and runs the module in the real engine
// (System.Management.Automation 7.6.9 from NuGet, hosted by test/engine/PsEngineHost; README.md here).
//
//   node test/engine/run.mjs [host] [checks] [behaviour]     (no argument: all three scripts)
//
// 1. Builds PsEngineHost with `dotnet build -c Release` when its sources changed (a stamp of the hash of the
//    csproj and every .cs file, plus the SDK version, sits next to the build output in the git-ignored bin/).
// 2. Runs host-selftest.ps1, checks.ps1 and module-behaviour.ps1, one host process each, side by side.
// 3. Parses their "TEST PASS|FAIL|SKIP <name>[ :: <reason>]" lines, prints a report and writes
//    test-results/engine.json = {suite:"engine", passed, failed, skipped, failures:[{name, reason}], skips, note}.
// Exit code: 1 when a test failed, a script crashed or timed out, or no test ran; 0 otherwise (also when
// `dotnet` is missing: then the suite is reported as skipped, with the reason).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const hostDir = join(here, 'PsEngineHost');
const binDir = join(hostDir, 'bin');
const dll = join(binDir, 'Release', 'net10.0', 'PsEngineHost.dll');
const stampFile = join(binDir, 'engine-build.stamp');
const lockDir = join(binDir, '.build-lock');
const resultsDir = join(root, 'test-results');
const resultFile = join(resultsDir, 'engine.json');
const scriptTimeoutSec = Number(process.env.ENGINE_TEST_TIMEOUT_SEC ?? 270);

const scripts = [
  { key: 'host', file: join(here, 'host-selftest.ps1') },
  { key: 'checks', file: join(here, 'checks.ps1') },
  { key: 'behaviour', file: join(here, 'module-behaviour.ps1') },
];

const dotnetEnv = {
  ...process.env,
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  DOTNET_NOLOGO: '1',
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
  DOTNET_CLI_UI_LANGUAGE: 'en',
};

const log = (msg) => process.stderr.write(`engine: ${msg}\n`);

function writeResult(result) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(resultFile, JSON.stringify({ suite: 'engine', ...result }, null, 2) + '\n');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** The hash that decides whether the host must be rebuilt. */
function sourceStamp(sdkVersion) {
  const h = createHash('sha256');
  h.update(`sdk ${sdkVersion}\n`);
  const files = readdirSync(hostDir)
    .filter((f) => f.endsWith('.csproj') || f.endsWith('.cs'))
    .sort();
  for (const f of files) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(hostDir, f)));
  }
  return h.digest('hex');
}

/** A directory lock, so two runs on one checkout do not build into the same obj/ at once. */
async function withBuildLock(fn) {
  mkdirSync(binDir, { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 600_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${relative(root, lockDir)} for over 5 minutes`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function ensureHost(sdkVersion) {
  return withBuildLock(async () => {
    const stamp = sourceStamp(sdkVersion);
    if (existsSync(dll) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) {
      log(`PsEngineHost is up to date (${relative(root, dll)})`);
      return;
    }
    log(`building PsEngineHost (dotnet build -c Release; restores System.Management.Automation 7.6.9 on first use) ...`);
    const started = Date.now();
    const r = spawnSync('dotnet', ['build', '-c', 'Release', '--nologo', '-v', 'q', '-clp:NoSummary;ErrorsOnly'], {
      cwd: hostDir,
      env: dotnetEnv,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status !== 0 || !existsSync(dll)) {
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
      throw new Error(`dotnet build failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${out}`);
    }
    writeFileSync(stampFile, stamp + '\n');
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

/** Runs one script in its own host process; resolves with its output lines and exit status. */
function runScript(script, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('dotnet', [dll, script.file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, scriptTimeoutSec * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ script, lines: [], stderr: String(e), code: -1, timedOut, seconds: 0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        script,
        lines: out.split(/\r?\n/).filter((l) => l.length > 0),
        stderr: err,
        code: code ?? (signal ? 128 : -1),
        timedOut,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** Stops any lab DXA left under `dir` (a killed script cannot) and removes the folder. */
function cleanupLabs(dir) {
  if (!existsSync(dir)) return;
  const bundle = join(root, 'module', 'ResyncGlb', 'bin', 'resync-glb.cjs');
  for (const name of readdirSync(dir)) {
    const lab = join(dir, name);
    const service = join(lab, 'service.json');
    if (!existsSync(service) || !existsSync(bundle)) continue;
    try {
      if (JSON.parse(readFileSync(service, 'utf8')).status === 'Stopped') continue;
    } catch {
      /* unreadable: try to stop it anyway */
    }
    log(`stopping the lab left running in ${lab}`);
    spawnSync(process.execPath, [bundle, 'lab', 'stop', lab], { stdio: 'ignore', timeout: 90_000 });
  }
  rmSync(dir, { recursive: true, force: true });
}

const testLine = /^TEST (PASS|FAIL|SKIP) (.*?)(?: :: (.*))?$/;

function report(runs) {
  const tally = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  for (const run of runs) {
    const name = relative(root, run.script.file);
    process.stdout.write(`\n${name}  (${run.seconds.toFixed(1)} s)\n`);
    let tests = 0;
    let failedHere = 0;
    for (const line of run.lines) {
      const m = testLine.exec(line);
      if (!m) {
        // Anything the script printed outside its tests that signals trouble is shown.
        if (/^(ERROR|WARNING): /.test(line)) process.stdout.write(`    ${line}\n`);
        continue;
      }
      tests++;
      const [, status, test, reason = ''] = m;
      if (status === 'PASS') {
        tally.passed++;
        process.stdout.write(`  ok    ${test}\n`);
      } else if (status === 'SKIP') {
        tally.skipped++;
        tally.skips.push({ name: test, reason });
        process.stdout.write(`  skip  ${test}  -- ${reason}\n`);
      } else {
        tally.failed++;
        failedHere++;
        tally.failures.push({ name: test, reason });
        process.stdout.write(`  FAIL  ${test}\n          ${reason}\n`);
      }
    }
    const problem = run.timedOut
      ? `timed out after ${scriptTimeoutSec} s (ENGINE_TEST_TIMEOUT_SEC)`
      : run.code !== 0 && !(run.code === 3 && failedHere > 0) // 3: the script reports failed tests (harness)
        ? `the host exited with code ${run.code}${run.stderr.trim() ? `: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`
        : tests === 0
          ? 'ran no test'
          : '';
    if (problem) {
      tally.failed++;
      tally.failures.push({ name: `${name} (script)`, reason: problem });
      process.stdout.write(`  FAIL  ${name}: ${problem}\n`);
    }
  }
  return tally;
}

async function main() {
  const wanted = process.argv.slice(2);
  const chosen = wanted.length ? scripts.filter((s) => wanted.includes(s.key)) : scripts;
  if (chosen.length === 0) {
    process.stderr.write(`usage: node test/engine/run.mjs [${scripts.map((s) => s.key).join('] [')}]\n`);
    process.exitCode = 2;
    return;
  }

  const probe = spawnSync('dotnet', ['--version'], { env: dotnetEnv, encoding: 'utf8', timeout: 60_000 });
  if (probe.error || probe.status !== 0) {
    const reason = probe.error?.code === 'ENOENT' ? 'dotnet is not installed (no `dotnet` on PATH)' : `dotnet --version failed: ${probe.error?.message ?? probe.stderr}`;
    log(`SKIPPED: ${reason}`);
    writeResult({ passed: 0, failed: 0, skipped: 1, failures: [], skips: [{ name: 'engine suite', reason }], note: `SKIPPED: ${reason}` });
    process.stdout.write(`engine: 0 passed, 0 failed, 1 skipped\n`);
    return;
  }
  const sdk = probe.stdout.trim();

  try {
    await ensureHost(sdk);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log(reason);
    writeResult({ passed: 0, failed: 1, skipped: 0, failures: [{ name: 'build PsEngineHost', reason }], skips: [], note: 'host build failed' });
    process.stdout.write(`engine: 0 passed, 1 failed, 0 skipped\n`);
    process.exitCode = 1;
    return;
  }

  log(`running ${chosen.map((s) => relative(root, s.file)).join(' and ')} (dotnet ${sdk}) ...`);
  const started = Date.now();
  // The labs of module-behaviour.ps1 live here, so they can be stopped even when the script had to be killed.
  const labsDir = join(tmpdir(), `resyncglb-engine-${process.pid}-${Date.now().toString(36)}`);
  const env = { ...dotnetEnv, ENGINE_TEST_TEMP: labsDir };
  let runs;
  try {
    runs = await Promise.all(chosen.map((s) => runScript(s, env)));
  } finally {
    cleanupLabs(labsDir);
  }
  const tally = report(runs);
  const total = tally.passed + tally.failed + tally.skipped;
  if (total === 0) {
    tally.failed++;
    tally.failures.push({ name: 'engine suite', reason: 'no test ran' });
  }
  writeResult({
    passed: tally.passed,
    failed: tally.failed,
    skipped: tally.skipped,
    failures: tally.failures,
    skips: tally.skips,
    note: `System.Management.Automation 7.6.9 on dotnet ${sdk}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  });
  process.stdout.write(`\nresults: ${relative(root, resultFile)}\n`);
  process.stdout.write(`engine: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`);
  process.exitCode = tally.failed > 0 ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`engine: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
