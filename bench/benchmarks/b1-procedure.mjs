// B1: the whole procedure on the lab (fixed DXA start and write time), the tool with all its checks
// against scripts doing the same steps with none: an expert's event-driven one (inotifywait in bash,
// FileSystemWatcher in PowerShell) and a naive once-a-second poll. Every variant ends with the restart
// after generation (Q156063) that the tool does by default. CLI vs bash always; cmdlet (fresh pwsh,
// import included) vs PowerShell scripts where a pwsh is present.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../lib/lab.mjs';
import { interleave, ratioFigure } from '../lib/measure.mjs';
import { timed } from '../lib/proc.mjs';
import { runPwshScript, pwshArgs, SCRIPTS } from '../lib/pwsh.mjs';
import { scratchDir } from '../lib/files.mjs';
import { onPath } from '../lib/env.mjs';

/** The lab for B1: lab defaults for start/stop, and a write of ~0.5 MB in 64 KiB chunks, 10 ms apart. */
export const B1_LAB = { requestors: ['PO1', 'PO2'], recipients: 10_000, startMs: 1500, stopMs: 500, chunkBytes: 65_536, chunkDelayMs: 10 };

export async function run(ctx) {
  const work = scratchDir('b1');
  const lab = new Lab(ctx.bundle, join(work, 'lab'));
  try {
    await lab.init(B1_LAB);
    await lab.start();
    const out = join(work, 'naive-out.glb');
    const resetOutputs = () => {
      rmSync(out, { force: true });
      const o = join(lab.dir, 'output');
      if (existsSync(o)) for (const f of readdirSync(o)) if (f.endsWith('.glb')) rmSync(join(o, f), { force: true });
    };
    const closeToExit = [];
    const scriptArgs = [process.execPath, ctx.bundle, lab.dir, out, ctx.contract.resyncValue.name, ctx.contract.resyncFileName, ...B1_LAB.requestors];
    const pwshScriptArgs = ['-Node', process.execPath, '-Bundle', ctx.bundle, '-Lab', lab.dir, '-Out', out, '-ValueName', ctx.contract.resyncValue.name, '-FileName', ctx.contract.resyncFileName, ...B1_LAB.requestors];
    const hasInotify = Boolean(onPath('inotifywait'));
    const variants = [
      {
        name: 'cli',
        run: async () => {
          const off = lab.logOffset();
          const r = await lab.cli(['new', '--lab', lab.dir, ...B1_LAB.requestors.flatMap((n) => ['-r', n]), '--json']);
          const res = JSON.parse(r.stdout);
          if (!res.ValueRemoved || !(res.Length > 0)) throw new Error(`B1: the CLI run returned no verified file: ${r.stdout}`);
          const wrote = lab.logSince(off).find((e) => /^Wrote Resync\.glb/.test(e.message));
          if (wrote) closeToExit.push(r.exitedAt - wrote.at);
          return r.ms;
        },
      },
      {
        name: 'naive-bash',
        run: async () => {
          const r = await timed('bash', [join(SCRIPTS, 'naive-procedure.sh'), ...scriptArgs]);
          if (!existsSync(out)) throw new Error('B1: the naive bash script left no file');
          return r.ms;
        },
      },
    ];
    if (hasInotify) {
      variants.push({
        name: 'expert-bash',
        run: async () => {
          const r = await timed('bash', [join(SCRIPTS, 'expert-procedure.sh'), ...scriptArgs]);
          if (!existsSync(out)) throw new Error('B1: the expert bash script left no file');
          return r.ms;
        },
      });
    } else ctx.log('  B1: inotifywait not found (Debian: apt-get install inotify-tools): the expert bash baseline is not measured');
    if (ctx.pwsh.path) {
      variants.push(
        {
          name: 'cmdlet',
          run: async () => (await runPwshScript(ctx, 'new-resyncglb.ps1', ['-Lab', lab.dir, ...B1_LAB.requestors])).ms,
        },
        {
          name: 'naive-pwsh',
          run: async () => {
            const r = await timed(
              ctx.pwsh.path,
              pwshArgs('naive-procedure.ps1', pwshScriptArgs),
              { env: ctx.pwshEnv },
            );
            if (!existsSync(out)) throw new Error('B1: the naive PowerShell script left no file');
            return r.ms;
          },
        },
        {
          name: 'expert-pwsh',
          run: async () => {
            const r = await timed(ctx.pwsh.path, pwshArgs('expert-procedure.ps1', pwshScriptArgs), { env: ctx.pwshEnv });
            if (!existsSync(out)) throw new Error('B1: the expert PowerShell script left no file');
            return r.ms;
          },
        },
      );
    }
    ctx.log(`  B1: lab with ${B1_LAB.recipients} recipients, start ${B1_LAB.startMs} ms, stop ${B1_LAB.stopMs} ms; variants ${variants.map((v) => v.name).join(', ')}`);
    const s = await interleave(variants, { reps: ctx.reps, warmup: 1, before: resetOutputs, log: ctx.log });
    const what = `whole procedure on the lab (${B1_LAB.recipients} recipients, start ${B1_LAB.startMs} ms)`;
    const naiveNote = 'the naive script polls once a second until the file exists and the value is gone; no checks';
    const expertNote = 'the expert script waits on file-system events (no polling) and checks nothing';
    const figs = [];
    if (hasInotify) {
      figs.push(
        ratioFigure({
          id: 'B1',
          what: `${what}: CLI \`new --lab\` vs an expert's event-driven bash`,
          tool: s.cli.ms,
          baseline: s['expert-bash'].ms,
          toolName: 'resync-glb new --lab (all checks, restart after generation)',
          baselineName: 'expert bash: lab fault --pending-value, lab stop, lab start, inotifywait, mv, lab stop, lab start',
          target: 1.05,
          ran: 'node',
          notes: [expertNote],
        }),
      );
    }
    figs.push(
      ratioFigure({
        id: 'B1',
        what: `${what}: CLI \`new --lab\` vs a naive polling bash`,
        tool: s.cli.ms,
        baseline: s['naive-bash'].ms,
        toolName: 'resync-glb new --lab (all checks, restart after generation)',
        baselineName: 'naive bash: lab fault --pending-value, lab stop, lab start, sleep 1 polling, mv, lab stop, lab start',
        target: 0.7,
        ran: 'node',
        notes: [naiveNote],
      }),
    );
    if (ctx.pwsh.path) {
      figs.push(
        ratioFigure({
          id: 'B1',
          what: `${what}: cmdlet \`New-ResyncGlb -Force\`, fresh pwsh, import included, vs an expert's FileSystemWatcher script`,
          tool: s.cmdlet.ms,
          baseline: s['expert-pwsh'].ms,
          toolName: 'pwsh -File: Import-Module ResyncGlb; New-ResyncGlb -LabPath -Force',
          baselineName: 'pwsh -File: expert script (same steps, FileSystemWatcher + Wait-Event, Move-Item, restart)',
          target: 1.05,
          ran: 'pwsh',
          notes: [expertNote],
        }),
        ratioFigure({
          id: 'B1',
          what: `${what}: cmdlet \`New-ResyncGlb -Force\`, fresh pwsh, import included, vs a naive polling script`,
          tool: s.cmdlet.ms,
          baseline: s['naive-pwsh'].ms,
          toolName: 'pwsh -File: Import-Module ResyncGlb; New-ResyncGlb -LabPath -Force',
          baselineName: 'pwsh -File: naive script (same steps, Start-Sleep 1 polling, Move-Item, restart)',
          target: 0.7,
          ran: 'pwsh',
          notes: [naiveNote],
        }),
      );
    }
    ctx.extra.b1CloseToExitMs = closeToExit;
    return figs;
  } finally {
    await lab.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
