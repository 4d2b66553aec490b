// `npm test`: runs every suite and ends with one line `N passed, N failed, N skipped` covering all.
//   1. vitest (unit + integration projects)  -> test-results/vitest.json
//   2. the PowerShell engine checks (test/engine/run.mjs, real System.Management.Automation) -> test-results/engine.json
//   3. Pester (test/run-pester.ps1) where a pwsh >= 7.2 with Pester >= 5 is found (RESYNCGLB_PWSH or PATH);
//      otherwise its tests are counted as skipped, with the reason.
// Exit code: non-zero if anything failed, or if a suite that ran found zero tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- vitest engine`
const want = (s) => only.length === 0 || only.includes(s);
const suites = [];

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

// 1. vitest
if (want('vitest')) {
  const out = join(results, 'vitest.json');
  rmSync(out, { force: true });
  const r = run(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  const j = readJson(out);
  if (!j) {
    suites.push({ suite: 'vitest', passed: 0, failed: 1, skipped: 0, note: `no report (exit ${r.status})` });
  } else {
    // A test file that fails to load has no tests but counts as a failed suite.
    const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    suites.push({
      suite: 'vitest',
      passed: j.numPassedTests,
      failed: j.numFailedTests + brokenFiles + (j.numTotalTests === 0 ? 1 : 0),
      skipped: j.numPendingTests + j.numTodoTests,
      note: j.numTotalTests === 0 ? 'zero tests found' : brokenFiles ? `${brokenFiles} file(s) failed to load` : '',
    });
  }
}

// 2. engine checks
if (want('engine')) {
  const out = join(results, 'engine.json');
  rmSync(out, { force: true });
  const r = run(process.execPath, [join(root, 'test', 'engine', 'run.mjs')]);
  const j = readJson(out);
  if (!j) suites.push({ suite: 'engine', passed: 0, failed: 1, skipped: 0, note: `no report (exit ${r.status})` });
  else suites.push({ suite: 'engine', passed: j.passed, failed: j.failed + (r.status !== 0 && j.failed === 0 ? 1 : 0), skipped: j.skipped, note: j.note ?? '' });
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

function findPwsh() {
  const candidates = [];
  if (process.env.RESYNCGLB_PWSH) candidates.push(process.env.RESYNCGLB_PWSH);
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['pwsh', 'pwsh.exe']) if (d) candidates.push(join(d, name));
  }
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const probe = spawnSync(c, ['-NoProfile', '-NonInteractive', '-Command',
      '$v=$PSVersionTable.PSVersion; $p=Get-Module -ListAvailable Pester | Sort-Object Version -Descending | Select-Object -First 1; "$($v.Major).$($v.Minor)|$($p.Version)"'],
      { encoding: 'utf8', timeout: 60_000 });
    const m = /^(\d+)\.(\d+)\|(\d+)?/m.exec(probe.stdout ?? '');
    if (!m) return { reason: `${c} did not answer a version probe` };
    const [maj, min] = [Number(m[1]), Number(m[2])];
    if (maj < 7 || (maj === 7 && min < 2)) return { reason: `${c} is PowerShell ${maj}.${min}; the Pester suites need 7.2 or later` };
    if (!m[3] || Number(m[3]) < 5) return { reason: `${c} has no Pester 5 or later (Install-Module Pester -MinimumVersion 5.0)` };
    return { exe: c };
  }
  return { reason: 'no pwsh found (looked at RESYNCGLB_PWSH and PATH); this machine cannot install PowerShell from its package registries' };
}

if (want('pester')) {
  const found = findPwsh();
  const its = countPesterIts();
  if (!found.exe) {
    suites.push({ suite: 'pester', passed: 0, failed: 0, skipped: its, note: `SKIPPED ${its} Pester test(s) (It blocks; data-driven cases counted once): ${found.reason}` });
  } else {
    const out = join(results, 'pester.json');
    rmSync(out, { force: true });
    const r = run(found.exe, ['-NoProfile', '-NonInteractive', '-File', join(root, 'test', 'run-pester.ps1'), '-OutFile', out], {
      env: { ...process.env, TERM: 'dumb' },
    });
    const j = readJson(out);
    if (!j) suites.push({ suite: 'pester', passed: 0, failed: 1, skipped: 0, note: `no report (exit ${r.status})` });
    else suites.push({ suite: 'pester', passed: j.passed, failed: j.failed, skipped: j.skipped, note: `pwsh ${j.pwsh}, Pester ${j.pester}` });
  }
}

const total = suites.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
process.stdout.write('\nSuites:\n');
for (const s of suites) process.stdout.write(`  ${s.suite.padEnd(7)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.note ? `  (${s.note})` : ''}\n`);
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = total.failed > 0 ? 1 : 0;
