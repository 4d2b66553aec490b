// `npm run bench` (bench/PERFORMANCE.md): B1–B7 against the lab and big temp files; each figure is a median
// with min–max over >= 5 rounds after a warm-up, and ratios are paired against a baseline measured
// in the same run. Prints a table; writes bench/results/<time>.json and bench/results/latest.json.
//
//   node bench/run.mjs [--quick] [--only B3,B4] [--reps N] [--no-pwsh] [--markdown] [--module DIR]
//
// PowerShell figures run in the pinned pwsh 7.6.9 (installed into .tools/ on first use; RESYNCGLB_PWSH overrides).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPwsh, machineInfo, pwshEnv, shellTools, snapshotModule } from './lib/env.mjs';
import { hasGnuTime } from './lib/proc.mjs';
import { markdownTable, textTable } from './lib/table.mjs';
import { parseArgs, BENCHMARKS } from './lib/args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(`${opts.usage}\n`);
    return 0;
  }
  const log = (m) => process.stderr.write(`${m}\n`);
  const started = new Date();
  const machine = machineInfo();
  const pwsh = opts.noPwsh ? { path: null, reason: '--no-pwsh' } : findPwsh();
  const snapshot = snapshotModule(repoRoot, opts.module);
  const contract = JSON.parse(readFileSync(join(repoRoot, 'src', 'shared', 'dss-contract.json'), 'utf8'));
  const ctx = {
    repoRoot,
    bundle: snapshot.bundle,
    snapshot,
    contract,
    pwsh,
    pwshEnv: pwshEnv(snapshot),
    quick: opts.quick,
    reps: opts.reps,
    tools: shellTools(),
    gnuTime: hasGnuTime(),
    log,
    extra: {},
  };
  log(`ResyncGlb benchmarks${opts.quick ? ' (quick)' : ''}: ${opts.only.join(', ')}; ${opts.reps} rounds after a warm-up`);
  if (opts.module) log(`module under test: ${opts.module} (not the repository's build)`);
  log(`machine: ${machine.nproc} CPU (${machine.cpuModel}), ${machine.ramMiB} MiB RAM, node ${machine.node}, load ${machine.loadAverageAtStart?.join(' ') ?? '?'}`);
  log(pwsh.path ? `pwsh: ${pwsh.path} ${pwsh.version} (from ${pwsh.source}): PowerShell figures run too` : `pwsh: none (${pwsh.reason}): Node/shell figures only`);

  const figures = [];
  const failures = [];
  try {
    for (const id of opts.only) {
      const t0 = Date.now();
      log(`${id}: ${BENCHMARKS[id].title}`);
      try {
        const mod = await import(BENCHMARKS[id].module);
        figures.push(...(await mod.run(ctx)));
      } catch (e) {
        failures.push({ id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
        log(`${id} FAILED: ${e instanceof Error ? e.message : String(e)}`);
      }
      log(`${id}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(snapshot.root, { recursive: true, force: true });
  }

  const doc = {
    kind: 'ResyncGlb.Bench',
    version: 1,
    started: started.toISOString(),
    durationSec: Math.round((Date.now() - started.getTime()) / 1000),
    options: { quick: opts.quick, reps: opts.reps, only: opts.only, module: opts.module ?? null },
    machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverageAtStart },
    powershell: pwsh.path ? { ran: true, path: pwsh.path, version: pwsh.version, source: pwsh.source } : { ran: false, reason: pwsh.reason },
    tools: { ...ctx.tools, gnuTime: ctx.gnuTime },
    figures,
    extra: ctx.extra,
    failures,
  };
  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(doc, null, 2)}\n`);

  process.stdout.write(`\n${opts.markdown ? markdownTable(figures) : textTable(figures)}\n\n`);
  process.stdout.write(
    pwsh.path
      ? `PowerShell: ${pwsh.path} ${pwsh.version} — PowerShell baselines and cmdlets ran (rows "pwsh").\n`
      : `PowerShell: not present (${pwsh.reason}) — only the Node/shell figures ran (rows "node").\n`,
  );
  for (const f of figures) if (f.flush) process.stdout.write(`${f.id} flush: ${f.flush}\n`);
  const judged = figures.filter((f) => !f.info);
  const unmeasured = judged.filter((f) => f.notMeasured);
  const missed = judged.filter((f) => !f.pass && !f.notMeasured);
  for (const f of unmeasured) process.stdout.write(`${f.id} not measured: ${f.reason}\n`);
  process.stdout.write(`\n${judged.length - missed.length - unmeasured.length} of ${judged.length} targets met${missed.length ? `; missed: ${missed.map((f) => f.id).join(', ')}` : ''}${unmeasured.length ? `; not measured: ${unmeasured.map((f) => f.id).join(', ')}` : ''}${failures.length ? `; ${failures.length} benchmark(s) failed to run: ${failures.map((f) => f.id).join(', ')}` : ''}.\n`);
  process.stdout.write(`Results: ${file}\n`);
  for (const f of failures) process.stderr.write(`\n${f.id} failed:\n${f.error}\n`);
  // Missed targets are findings, not errors; a benchmark that could not run is an error.
  return failures.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
