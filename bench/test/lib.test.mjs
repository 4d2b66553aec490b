// Checks of the bench's own helpers (not part of npm test): node --test bench/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, pairedRatios, summarize } from '../lib/stats.mjs';
import { parseDxaLog, findEntry, LOG } from '../lib/lab.mjs';
import { parseArgs } from '../lib/args.mjs';
import { interleave, ratioFigure, absoluteFigure, notMeasuredFigure } from '../lib/measure.mjs';
import { textTable, markdownTable } from '../lib/table.mjs';

test('median of odd and even counts, ignoring non-finite values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 5, Infinity, 1]), 3);
  assert.ok(Number.isNaN(median([])));
});

test('summarize gives median, min, max and n', () => {
  const s = summarize([10, 30, 20]);
  assert.deepEqual([s.median, s.min, s.max, s.n], [20, 10, 30, 3]);
});

test('paired ratios divide round by round, not medians by medians', () => {
  // Per round: 0.5, 2, 0.5 -> median 0.5; a ratio of medians would give 3 / 5 = 0.6.
  const r = pairedRatios([1, 10, 3], [2, 5, 6]);
  assert.deepEqual([r.median, r.min, r.max], [0.5, 0.5, 2]);
});

test('dxa.log lines parse to epoch ms, pid and message; markers match the DXA wording', () => {
  const text = [
    '2026-11-24T10:55:42.154Z MSExchangeDX[21539] Wrote Resync.glb: 48235 bytes.',
    '2026-11-24T10:55:42.159Z MSExchangeDX[21539] Removed ResyncConnectionRDNs (Q150976).',
    'garbage line',
    '2026-11-24T10:55:42.560Z MSExchangeDX[21539] Service stopping.',
  ].join('\n');
  const e = parseDxaLog(text);
  assert.equal(e.length, 3);
  assert.equal(e[0].at, Date.UTC(2026, 10, 24, 10, 55, 42, 154));
  assert.equal(e[0].pid, 21539);
  assert.equal(findEntry(e, LOG.wrote)?.at, e[0].at);
  assert.equal(findEntry(e, LOG.removed)?.at, e[1].at);
  assert.equal(findEntry(e, LOG.stopping)?.at, e[2].at);
  assert.equal(findEntry(e, LOG.generating), null);
});

test('arguments: --only keeps the canonical order, --quick lowers the rounds, bad input is refused', () => {
  assert.deepEqual(parseArgs(['--only', 'b4,B3']).only, ['B3', 'B4']);
  assert.equal(parseArgs([]).reps, 5);
  assert.equal(parseArgs(['--quick']).reps, 3);
  assert.equal(parseArgs(['--quick', '--reps=7']).reps, 7);
  assert.throws(() => parseArgs(['--only', 'B9']), /unknown benchmark B9/);
  assert.throws(() => parseArgs(['--reps', '0']), /--reps/);
  assert.throws(() => parseArgs(['--fast']), /unknown argument --fast/);
});

test('interleave discards warm-ups and rotates the order every round', async () => {
  const calls = [];
  const v = (name, ms) => ({ name, run: async () => (calls.push(name), ms) });
  const s = await interleave([v('a', 1), v('b', 2)], { reps: 2, warmup: 1 });
  assert.deepEqual(calls, ['a', 'b', 'a', 'b', 'b', 'a']);
  assert.deepEqual(s.a.ms, [1, 1]);
  assert.deepEqual(s.b.ms, [2, 2]);
});

test('figures judge the median against the target, and the table shows the verdict', () => {
  const ok = ratioFigure({ id: 'BX', what: 'w', tool: [1, 1, 1], baseline: [2, 2, 2], toolName: 't', baselineName: 'b', target: 0.6, ran: 'node' });
  const miss = absoluteFigure({ id: 'BY', what: 'w', values: [120, 130, 110], name: 'n', unit: 'ms', target: 100, ran: 'node' });
  assert.equal(ok.pass, true);
  assert.equal(miss.pass, false);
  const t = textTable([ok, miss]);
  assert.match(t, /BX .*PASS/);
  assert.match(t, /BY .*MISS/);
  assert.match(markdownTable([ok]), /^\| id \| what/);
});

test('a ratio median that rounds to its target is shown with three decimals', () => {
  const f = ratioFigure({ id: 'BZ', what: 'w', tool: [1.1003, 1.1003, 1.1003], baseline: [1, 1, 1], toolName: 't', baselineName: 'b', target: 1.1, ran: 'node' });
  assert.equal(f.pass, false);
  assert.match(textTable([f]), /1\.100 \(1\.10–1\.10\).*MISS/);
});

test('a figure that could not be measured shows its reason, is judged, and never passes', () => {
  const f = notMeasuredFigure({ id: 'B8', what: 'w', ran: 'pwsh', reason: 'no stand-ins here', target: { max: 1.5 } });
  assert.equal(f.pass, false);
  assert.equal(f.info, false);
  const t = textTable([f]);
  assert.match(t, /not measured: no stand-ins here/);
  assert.match(t, /B8 .*not measured$/m);
});

test('B8 is a known benchmark, last in the canonical order', () => {
  assert.deepEqual(parseArgs(['--only', 'B8,B1']).only, ['B1', 'B8']);
});

test("B8: the lab's own time runs from the stop to the DXA running again after the restart, or to the removal without it", async () => {
  const { labOwnTime } = await import('../benchmarks/b8-windows-operations.mjs');
  const e = parseDxaLog(
    [
      '2026-11-30T09:00:00.000Z MSExchangeDX[1] Service stopping.',
      '2026-11-30T09:00:01.000Z MSExchangeDX[2] The Microsoft Exchange Directory Synchronization service started (lab).',
      '2026-11-30T09:00:02.000Z MSExchangeDX[2] Wrote Resync.glb: 10 bytes.',
      '2026-11-30T09:00:02.500Z MSExchangeDX[2] Removed ResyncConnectionRDNs (Q150976).',
      '2026-11-30T09:00:03.000Z MSExchangeDX[2] Service stopping.',
      '2026-11-30T09:00:05.250Z MSExchangeDX[3] The Microsoft Exchange Directory Synchronization service started (lab).',
    ].join('\n'),
  );
  assert.equal(labOwnTime(e, 'Restarted'), 5250);
  assert.equal(labOwnTime(e, 'Skipped'), 2500);
  // No start after the removal: a restarted run's own time cannot be read.
  assert.equal(labOwnTime(e.slice(0, 5), 'Restarted'), null);
  assert.equal(labOwnTime(e.slice(1), 'Restarted'), null);
});

test('B8: the Windows operations run Local over the lab through pwsh-with-shadows, with the stand-ins in lab mode', async () => {
  const { windowsTarget } = await import('../benchmarks/b8-windows-operations.mjs');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const work = mkdtempSync(join(tmpdir(), 'resync-bench-test-'));
  try {
    const lab = { dir: join(work, 'lab'), dxadata: join(work, 'lab', 'exchsrvr', 'Dxadata') };
    const ctx = { repoRoot: '/repo', bundle: '/snap/bin/resync-glb.cjs', pwsh: { path: '/opt/pwsh' }, contract: { service: { name: 'MSExchangeDX', displayName: 'D' } } };
    const t = windowsTarget(ctx, lab, work);
    assert.deepEqual(t.args.slice(0, 4), ['--transport', 'Local', '--dxadata-path', lab.dxadata]);
    assert.ok(!t.args.includes('--lab'));
    assert.equal(t.env.RESYNCGLB_PWSH, '/repo/test/ps/pwsh-with-shadows');
    assert.equal(t.env.RESYNCGLB_SHADOW_PWSH, '/opt/pwsh');
    const shadow = JSON.parse(readFileSync(t.env.RESYNCGLB_SHADOW_LAB, 'utf8'));
    assert.deepEqual(
      { lab: shadow.lab, bundle: shadow.bundle, transport: shadow.transport, windowsRoot: shadow.windowsRoot, service: shadow.service.name },
      { lab: lab.dir, bundle: ctx.bundle, transport: 'Local', windowsRoot: null, service: 'MSExchangeDX' },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('B8 without a pwsh names why and gives no figure', async () => {
  const b8 = await import('../benchmarks/b8-windows-operations.mjs');
  const logs = [];
  const ctx = { pwsh: { path: null, reason: '--no-pwsh' }, repoRoot: '/nowhere', log: (m) => logs.push(m) };
  assert.equal(await b8.missingPiece(ctx), 'no pwsh (--no-pwsh)');
  const [f] = await b8.run(ctx);
  assert.equal(f.notMeasured, true);
  assert.equal(f.pass, false);
  assert.equal(f.reason, 'no pwsh (--no-pwsh)');
  assert.equal(f.tool, undefined);
});
