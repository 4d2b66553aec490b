// B6: start-up. Always: the bundle from spawn to its first protocol event (`hello` from
// `resync-glb rpc`) against `node -e 0` from spawn to exit. Where a pwsh is present: a fresh pwsh
// running `Import-Module ResyncGlb; Get-Command New-ResyncGlb` against a fresh pwsh importing an
// empty module (both whole processes, from spawn to exit).
import { interleave, ratioFigure } from '../lib/measure.mjs';
import { timed } from '../lib/proc.mjs';

export async function run(ctx) {
  const nodeVariants = [
    {
      name: 'bundle-hello',
      run: async () => {
        let hello = null;
        await timed(process.execPath, [ctx.bundle, 'rpc'], {
          onLine: (line, { ms, child }) => {
            if (hello === null && JSON.parse(line).event === 'hello') {
              hello = ms;
              child.stdin.end(); // no request: the engine ends with a ProtocolError, which is fine here
              return true;
            }
            return false;
          },
          mustSucceed: false,
        });
        if (hello === null) throw new Error('B6: the bundle sent no hello');
        return hello;
      },
    },
    { name: 'node-e-0', run: async () => (await timed(process.execPath, ['-e', '0'])).ms },
  ];
  const reps = ctx.quick ? 10 : 20;
  ctx.log(`  B6: bundle to hello vs node -e 0, ${reps} rounds`);
  const n = await interleave(nodeVariants, { reps, warmup: 2, log: () => undefined });
  const figs = [
    ratioFigure({
      id: 'B6',
      what: 'bundle start-up: spawn → `hello` from `resync-glb rpc`',
      tool: n['bundle-hello'].ms,
      baseline: n['node-e-0'].ms,
      toolName: 'node resync-glb.cjs rpc → hello',
      baselineName: 'node -e 0 → exit',
      target: 1.2,
      ran: 'node',
    }),
  ];
  if (ctx.pwsh.path) {
    const ps = (command) => async () => (await timed(ctx.pwsh.path, ['-NoProfile', '-NonInteractive', '-Command', command], { env: ctx.pwshEnv })).ms;
    const psVariants = [
      { name: 'import-resyncglb', run: ps('Import-Module ResyncGlb; $null = Get-Command New-ResyncGlb') },
      { name: 'import-empty', run: ps('Import-Module Empty') },
    ];
    const psReps = ctx.quick ? 3 : 10;
    ctx.log(`  B6: fresh pwsh importing ResyncGlb vs an empty module, ${psReps} rounds`);
    const p = await interleave(psVariants, { reps: psReps, warmup: 1, log: ctx.log });
    figs.push(
      ratioFigure({
        id: 'B6',
        what: 'fresh pwsh: `Import-Module ResyncGlb; Get-Command New-ResyncGlb`',
        tool: p['import-resyncglb'].ms,
        baseline: p['import-empty'].ms,
        toolName: 'pwsh -NoProfile -Command Import-Module ResyncGlb; Get-Command New-ResyncGlb',
        baselineName: 'pwsh -NoProfile -Command Import-Module Empty',
        target: 1.2,
        ran: 'pwsh',
      }),
    );
  }
  return figs;
}
