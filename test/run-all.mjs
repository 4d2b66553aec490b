// `npm test`: runs every suite and ends with one line `N passed, N failed, N skipped` covering all.
//   0. pwsh 7.6.9 and Pester 5.9.1 from NuGet into .tools/ on first use (scripts/powershell-tools.mjs);
//      RESYNCGLB_PWSH names another pwsh instead.
//   1. vitest (unit + integration projects; the suites that drive the real pwsh get it through
//      RESYNCGLB_PWSH)                                           -> test-results/vitest.json
//   2. node:test over bench/test (the benchmark's own helpers)   -> test-results/bench-helpers.tap
//   3. Pester (test/run-pester.ps1) in that pwsh                 -> test-results/pester.json
//   4. node:test over test/win32 in node.exe 20.20.2 under Wine (Windows tools into .tools/ on first use,
//      scripts/windows-tools.mjs; PowerShell for Windows for the module's test, scripts/windows-pshost.mjs)
//                                                                -> test-results/win32.tap (+ win32.spec.txt)
// Without the .NET SDK the PowerShell tools cannot be installed: the Pester tests are then counted as
// skipped, with the reason, and so are the vitest suites that need a pwsh. Without Wine the win32 tests
// are counted as skipped, with the reason.
// Exit code: non-zero if anything failed, or if a suite that ran found zero tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePowerShellTools, powerShellEnv } from '../scripts/powershell-tools.mjs';
import { ensureWindowsTools, runWindows, stopWine, toWindowsPath } from '../scripts/windows-tools.mjs';
import { ensureWindowsPowerShellHost } from '../scripts/windows-pshost.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- vitest bench pester`
const want = (s) => only.length === 0 || only.includes(s);
const suites = [];
// Every failed test, repeated just above the closing line so that a log's tail names what failed.
const failures = [];

function run(cmd, args, opts = {}) {
  process.stderr.write(`\n> ${cmd} ${args.join(' ')}\n`);
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const tools = ensurePowerShellTools();
if (tools.reason) process.stderr.write(`PowerShell suites will be skipped: ${tools.reason}\n`);
else process.stderr.write(`PowerShell: pwsh ${tools.pwshVersion} (${tools.pwsh}), Pester ${tools.pester}\n`);
// Without tools, RESYNCGLB_PWSH is left unset so the pwsh-driven vitest suites skip with their reason.
const env = tools.reason ? { ...process.env } : powerShellEnv(tools);

// 1. vitest
if (want('vitest')) {
  const out = join(results, 'vitest.json');
  rmSync(out, { force: true });
  const r = run(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`], { env });
  const j = readJson(out);
  if (!j) {
    suites.push({ suite: 'vitest', passed: 0, failed: 1, skipped: 0, note: `no report (exit ${r.status})` });
  } else {
    // A test file that fails to load has no tests but counts as a failed suite.
    const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    for (const f of j.testResults ?? []) {
      const file = f.name.slice(root.length + 1);
      const tests = f.assertionResults ?? [];
      if (f.status === 'failed' && tests.length === 0) failures.push({ suite: 'vitest', name: file, reason: f.message ?? '' });
      for (const a of tests) if (a.status === 'failed') failures.push({ suite: 'vitest', name: `${file} > ${a.fullName ?? a.title}`, reason: (a.failureMessages ?? [])[0] ?? '' });
    }
    suites.push({
      suite: 'vitest',
      passed: j.numPassedTests,
      failed: j.numFailedTests + brokenFiles + (j.numTotalTests === 0 ? 1 : 0),
      skipped: j.numPendingTests + j.numTodoTests,
      note: j.numTotalTests === 0 ? 'zero tests found' : brokenFiles ? `${brokenFiles} file(s) failed to load` : '',
    });
  }
}

/**
 * A node:test suite's result from its TAP report: the counts from the closing comments, and every failed
 * test with the first lines of its error (the YAML block under `not ok`). `where` prefixes the test names.
 */
function tapSuite(suite, where, file, status, extraNote = '') {
  const tap = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? NaN);
  const [pass, fail, cancelled, skipped, todo] = ['pass', 'fail', 'cancelled', 'skipped', 'todo'].map(count);
  if (!Number.isFinite(pass)) {
    suites.push({ suite, passed: 0, failed: 1, skipped: 0, note: `no report (exit ${status})${extraNote ? `; ${extraNote}` : ''}` });
    return;
  }
  const lines = tap.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*not ok \d+ - (.*)$/.exec(line);
    if (!m) return;
    // The YAML block under it: `error: 'text'` or `error: |-` followed by indented lines.
    let reason = '';
    for (let k = i + 1; k < lines.length && !/^\s*\.\.\.$/.test(lines[k]); k++) {
      const e = /^\s*error: (.*)$/.exec(lines[k]);
      if (!e) continue;
      reason = /^[|>]-?$/.test(e[1]) ? lines.slice(k + 1, k + 6).map((l) => l.trim()).filter(Boolean).join(' ') : e[1];
      break;
    }
    failures.push({ suite, name: `${where} > ${m[1]}`, reason });
  });
  const total = pass + fail + cancelled + skipped + todo;
  suites.push({
    suite,
    passed: pass,
    failed: fail + cancelled + (total === 0 ? 1 : 0),
    skipped: skipped + todo,
    note: [total === 0 ? 'zero tests found' : 'node:test', extraNote].filter(Boolean).join('; '),
  });
}

// 2. The benchmark's own helpers (node:test; the benchmarks themselves stay out of npm test)
if (want('bench')) {
  const out = join(results, 'bench-helpers.tap');
  rmSync(out, { force: true });
  const r = run(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stderr', '--test-reporter=tap', `--test-reporter-destination=${out}`, join(root, 'bench', 'test')], { env });
  tapSuite('bench', 'bench/test', out, r.status);
}

// 3. Pester
function countPesterIts() {
  const dir = join(root, 'test', 'ps');
  let n = 0;
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!f.endsWith('.Tests.ps1')) continue;
    n += (readFileSync(join(dir, f), 'utf8').match(/^\s*It\s+['"]/gm) ?? []).length;
  }
  return n;
}

if (want('pester')) {
  if (tools.reason) {
    const its = countPesterIts();
    suites.push({ suite: 'pester', passed: 0, failed: 0, skipped: its, note: `SKIPPED ${its} Pester test(s) (It blocks; data-driven cases counted once): ${tools.reason}` });
  } else {
    const out = join(results, 'pester.json');
    rmSync(out, { force: true });
    const r = run(tools.pwsh, ['-NoProfile', '-NonInteractive', '-File', join(root, 'test', 'run-pester.ps1'), '-OutFile', out, '-PesterVersion', tools.pester], { env });
    const j = readJson(out);
    if (!j) suites.push({ suite: 'pester', passed: 0, failed: 1, skipped: 0, note: `no report (exit ${r.status})` });
    else {
      for (const f of j.failures ?? []) failures.push({ suite: 'pester', name: f.name, reason: f.reason ?? '' });
      suites.push({ suite: 'pester', passed: j.passed, failed: j.failed, skipped: j.skipped, note: `pwsh ${j.pwsh}, Pester ${j.pester}` });
    }
  }
}

// 4. win32: test/win32/*.test.mjs in node.exe under Wine (scripts/windows-tools.mjs), with node:test; vitest's
// native addons do not load there. Wine 8 gives a Windows process that has Unix pipes as its standard handles
// EBADF, so its output goes to files, shown here once it ends.
function countNodeTests(dir) {
  let n = 0;
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (f.endsWith('.test.mjs')) n += (readFileSync(join(dir, f), 'utf8').match(/^\s*(?:test|it)\(/gm) ?? []).length;
  }
  return n;
}

if (want('win32')) {
  const dir = join(root, 'test', 'win32');
  const win = ensureWindowsTools();
  if (win.noWine) {
    const n = countNodeTests(dir);
    suites.push({ suite: 'win32', passed: 0, failed: 0, skipped: n, note: `SKIPPED ${n} win32 test(s) (test()/it() calls; one in a loop counted once): ${win.reason}` });
  } else if (win.reason) {
    // With Wine there, a node.exe or prefix that cannot be had is a failure, not a reason to skip.
    failures.push({ suite: 'win32', name: 'test/win32 (Windows tools)', reason: win.reason });
    suites.push({ suite: 'win32', passed: 0, failed: 1, skipped: 0, note: `the Windows tools: ${win.reason}` });
  } else {
    // The PowerShell for Windows the module's win32 test runs in (test/win32/module.test.mjs). Without it
    // that test fails, naming the remedy; it is never skipped.
    const host = ensureWindowsPowerShellHost();
    if (host.reason) process.stderr.write(`PowerShell for Windows (test/win32/module.test.mjs will fail): ${host.reason}\n`);
    const file = (name) => join(results, name);
    const [tap, spec, stdout, stderr] = ['win32.tap', 'win32.spec.txt', 'win32.stdout.txt', 'win32.stderr.txt'].map(file);
    for (const f of [tap, spec, stdout, stderr]) rmSync(f, { force: true });
    const args = ['--test', '--test-reporter=tap', `--test-reporter-destination=${toWindowsPath(tap)}`, '--test-reporter=spec', `--test-reporter-destination=${toWindowsPath(spec)}`, toWindowsPath(dir)];
    process.stderr.write(`\n> wine ${win.nodeExe} ${args.join(' ')}\n`);
    // A hang must not eat the CI run: the whole suite gets 20 minutes, then everything in the prefix ends.
    const r = runWindows(win.nodeExe, args, { stdoutFile: stdout, stderrFile: stderr, timeoutMs: 20 * 60_000, cwd: root, tools: win });
    stopWine(win);
    for (const f of [spec, stdout, stderr]) if (existsSync(f)) process.stderr.write(readFileSync(f, 'utf8'));
    const notes = [r.timedOut ? 'TIMED OUT after 20 min' : '', r.error ? `wine did not start: ${r.error.message}` : ''].filter(Boolean).join('; ');
    if (r.timedOut) failures.push({ suite: 'win32', name: 'test/win32', reason: `node.exe --test did not finish in 20 minutes; its Wine prefix was stopped (${spec})` });
    tapSuite('win32', 'test/win32', tap, r.status, notes);
  }
}

const total = suites.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
if (failures.length > 0) {
  process.stdout.write('\nFailed:\n');
  for (const f of failures) {
    const reason = String(f.reason).split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 3).join(' | ');
    process.stdout.write(`  [${f.suite}] ${f.name}\n      ${reason.slice(0, 400)}\n`);
  }
}
process.stdout.write('\nSuites:\n');
for (const s of suites) process.stdout.write(`  ${s.suite.padEnd(7)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.note ? `  (${s.note})` : ''}\n`);
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = total.failed > 0 ? 1 : 0;
