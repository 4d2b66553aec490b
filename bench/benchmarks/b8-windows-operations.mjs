// B8: the whole procedure through the Windows operations (node-powershell -> ps1/ scripts, Local
// transport) on the lab, against the same procedure through the lab operations, on the same lab (B1's
// size and timing), the same requestors, all checks on and the restart after generation (Q156063).
// On Linux the ps1/ scripts reach the lab through stand-ins for the Windows commands (registry,
// service control) that are backed by the lab's own store and service: test/ps/Shadow.WindowsCommands.ps1
// in its lab mode, loaded by test/ps/pwsh-with-shadows, served by the bundle's hidden `lab __shadow`
// (set up as test/integration/windows-operations-lab.test.ts does). Where a piece is missing, B8
// reports "not measured" with that piece, never a figure.
//
// Beside the ratio, each run's own time around the lab is read from dxa.log as in B7 (the lab's stop
// → file done → running again after the restart), so the extra cost of the Windows operations shows
// apart from the lab's work: ctx.extra.b8. The tool's reaction between two of the DXA's steps (the
// service seen stopped → the start issued) falls inside the lab's span there, so "around" understates
// the Windows side; bench/diag/b8-timeline.mjs shows every call. An info row gives the floor: the lab
// operations plus, in the same round, one fresh pwsh that starts, runs one ps1/ call and exits.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Lab, LOG, findEntry } from '../lib/lab.mjs';
import { infoFigure, interleave, notMeasuredFigure, ratioFigure } from '../lib/measure.mjs';
import { summarize } from '../lib/stats.mjs';
import { timed } from '../lib/proc.mjs';
import { scratchDir } from '../lib/files.mjs';
import { B1_LAB } from './b1-procedure.mjs';

const WHAT = 'whole procedure on the lab through the Windows operations (pwsh, Local transport) ÷ through the lab operations';
const TARGET = 1.5;

/** Why B8 cannot run here, or null when every piece it needs is present. */
export async function missingPiece(ctx) {
  if (!ctx.pwsh.path) return `no pwsh (${ctx.pwsh.reason})`;
  const shadows = join(ctx.repoRoot, 'test', 'ps', 'Shadow.WindowsCommands.ps1');
  if (!existsSync(shadows)) return 'test/ps/Shadow.WindowsCommands.ps1 (stand-ins for the Windows commands) is not in this tree';
  if (!/RESYNCGLB_SHADOW_LAB/.test(readFileSync(shadows, 'utf8'))) {
    return 'test/ps/Shadow.WindowsCommands.ps1 has no lab mode yet (registry and MSExchangeDX backed by a lab DSS); its stand-ins only simulate, so the procedure cannot run through them against a lab DXA';
  }
  if (!existsSync(join(ctx.repoRoot, 'test', 'ps', 'pwsh-with-shadows'))) return 'test/ps/pwsh-with-shadows (the pwsh that loads the stand-ins) is not in this tree';
  const help = await timed(process.execPath, [ctx.bundle, 'lab', '__shadow', '--help'], { mustSucceed: false });
  if (help.code !== 0) return "the bundle has no 'lab __shadow' (the lab's registry and service served to the stand-ins)";
  return null;
}

/**
 * The lab's own time in one run, from dxa.log entries written during it: the old DXA acting on the
 * stop, through the value's removal after the write, to the DXA running again after the restart.
 */
export function labOwnTime(entries, finalRestart) {
  const removed = findEntry(entries, LOG.removed);
  // The stop that led to the generation, not the one for the restart after it.
  const stopping = removed ? findEntry(entries.filter((e) => e.at <= removed.at), LOG.stopping) : null;
  if (!stopping || !removed) return null;
  if (finalRestart !== 'Restarted') return removed.at - stopping.at;
  const restarted = entries.filter((e) => LOG.started.test(e.message) && e.at >= removed.at).at(-1);
  return restarted ? restarted.at - stopping.at : null;
}

/**
 * What the bundle needs to run `new` through the Windows operations (Local) against `lab`: the
 * stand-ins' lab file, and the arguments and environment (test/integration/windows-operations-lab.test.ts).
 */
export function windowsTarget(ctx, lab, work) {
  const config = join(work, 'shadow-lab.json');
  writeFileSync(
    config,
    JSON.stringify({
      lab: lab.dir,
      node: process.execPath,
      bundle: ctx.bundle,
      transport: 'Local',
      cacheDir: work,
      windowsRoot: null,
      ssh: null,
      service: { name: ctx.contract.service.name, displayName: ctx.contract.service.displayName },
    }),
  );
  return {
    args: ['--transport', 'Local', '--dxadata-path', lab.dxadata, '-o', join(lab.dir, 'output'), '--log', join(lab.dir, 'audit.jsonl')],
    env: {
      ...process.env,
      // The wrapper is the pwsh the bundle starts; it loads the stand-ins, then runs the real pwsh.
      RESYNCGLB_PWSH: join(ctx.repoRoot, 'test', 'ps', 'pwsh-with-shadows'),
      RESYNCGLB_SHADOW_PWSH: ctx.pwsh.path,
      RESYNCGLB_SHADOW_LAB: config,
    },
  };
}

export async function run(ctx) {
  const reason = await missingPiece(ctx);
  if (reason) {
    ctx.log(`  B8: not measured: ${reason}`);
    return [notMeasuredFigure({ id: 'B8', what: WHAT, ran: 'pwsh', reason, target: { max: TARGET, of: 'median ratio' } })];
  }
  const work = scratchDir('b8');
  const lab = new Lab(ctx.bundle, join(work, 'lab'));
  try {
    await lab.init(B1_LAB);
    await lab.start();
    // Both variants keep their state (run lock, default logs) out of the user's folders, in the same way.
    const state = join(work, 'state');
    mkdirSync(state, { recursive: true });
    const win = windowsTarget(ctx, lab, work);
    win.env.XDG_STATE_HOME = state;
    const labEnv = { ...process.env, XDG_STATE_HOME: state };
    const requestors = B1_LAB.requestors.flatMap((n) => ['-r', n]);
    const resetOutputs = () => {
      const o = join(lab.dir, 'output');
      if (existsSync(o)) for (const f of readdirSync(o)) if (f.endsWith('.glb')) rmSync(join(o, f), { force: true });
    };
    const once = async (name, args, env) => {
      const off = lab.logOffset();
      const r = await timed(process.execPath, [ctx.bundle, 'new', ...args, ...requestors, '--json'], { env, cwd: work });
      const res = JSON.parse(r.stdout);
      if (!res.ValueRemoved || !(res.Length > 0)) throw new Error(`B8 ${name}: no verified file: ${r.stdout}`);
      if (res.FinalRestart !== 'Restarted') throw new Error(`B8 ${name}: the run did not restart the service after the generation: ${r.stdout}`);
      const entries = lab.logSince(off);
      const own = labOwnTime(entries, res.FinalRestart);
      if (own === null) throw new Error(`B8 ${name}: dxa.log lacks the stop/remove/start lines:\n${entries.map((e) => e.message).join('\n')}`);
      return { ms: r.ms, lab: own };
    };
    // The floor: what pwsh itself costs before any check runs: a fresh pwsh (no stand-ins) that starts,
    // runs one ps1/ call (its first script pays the engine's warm-up) and exits.
    const floorScript = join(dirname(dirname(ctx.bundle)), 'ps1', 'Get-DssFileInfo.ps1');
    const floorRequest = Buffer.from(JSON.stringify({ transport: 'Local', path: join(lab.dxadata, ctx.contract.resyncFileName) }), 'utf8').toString('base64');
    const variants = [
      { name: 'lab', run: () => once('lab', ['--lab', lab.dir], labEnv) },
      { name: 'windows', run: () => once('windows', win.args, win.env) },
      {
        name: 'pwsh-floor',
        run: async () => {
          const r = await timed(ctx.pwsh.path, ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', floorScript, floorRequest], { env: ctx.pwshEnv });
          if (!/"ok":true/.test(r.stdout)) throw new Error(`B8 pwsh-floor: ${floorScript} did not answer ok: ${r.stdout} ${r.stderr}`);
          return r.ms;
        },
      },
    ];
    ctx.log(`  B8: lab with ${B1_LAB.recipients} recipients, start ${B1_LAB.startMs} ms, stop ${B1_LAB.stopMs} ms; variants ${variants.map((v) => v.name).join(', ')}`);
    const s = await interleave(variants, { reps: ctx.reps, warmup: 1, before: resetOutputs, log: ctx.log });
    const around = (v) => s[v].ms.map((t, i) => t - s[v].extra[i].lab);
    ctx.extra.b8 = {
      lab: { totalMs: summarize(s.lab.ms), labOwnMs: summarize(s.lab.extra.map((e) => e.lab)), aroundMs: summarize(around('lab')) },
      windows: { totalMs: summarize(s.windows.ms), labOwnMs: summarize(s.windows.extra.map((e) => e.lab)), aroundMs: summarize(around('windows')) },
      extraAroundMs: summarize(around('windows').map((w, i) => w - around('lab')[i])),
      pwshFloorMs: summarize(s['pwsh-floor'].ms),
    };
    return [
      ratioFigure({
        id: 'B8',
        what: `${WHAT} (${B1_LAB.recipients} recipients, start ${B1_LAB.startMs} ms)`,
        tool: s.windows.ms,
        baseline: s.lab.ms,
        toolName: 'resync-glb new --transport Local --dxadata-path <lab Dxadata>, RESYNCGLB_PWSH=test/ps/pwsh-with-shadows (lab mode), spawn → exit',
        baselineName: 'resync-glb new --lab, spawn → exit',
        target: TARGET,
        ran: 'pwsh',
        notes: [
          `time around the lab's own work (dxa.log stop → running again): lab operations ${fmt(ctx.extra.b8.lab.aroundMs.median)}, Windows operations ${fmt(ctx.extra.b8.windows.aroundMs.median)} (medians)`,
          'the Windows commands under ps1/ are stand-ins served by the lab (test/ps/Shadow.WindowsCommands.ps1): each registry or service call is one round trip to a `lab __shadow` child',
        ],
      }),
      infoFigure(
        ratioFigure({
          id: 'B8',
          what: 'the floor: the lab operations plus one fresh pwsh that starts, runs one ps1/ call and exits (no stand-ins) ÷ the lab operations',
          tool: s.lab.ms.map((t, i) => t + s['pwsh-floor'].ms[i]),
          baseline: s.lab.ms,
          toolName: 'new --lab + pwsh -NoProfile -File ps1/Get-DssFileInfo.ps1, same round',
          baselineName: 'resync-glb new --lab, spawn → exit',
          target: TARGET,
          ran: 'pwsh',
          notes: ['what the Windows operations cannot go below on this machine: one PowerShell child per run and its first script'],
        }),
      ),
    ];
  } finally {
    await lab.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

const fmt = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—');
