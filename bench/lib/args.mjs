// Command line of bench/run.mjs.

export const BENCHMARKS = {
  B1: { title: 'whole procedure on the lab vs a naive script', module: '../benchmarks/b1-procedure.mjs' },
  B2: { title: 'delay from the DXA closing Resync.glb to the run returning', module: '../benchmarks/b2-return-delay.mjs' },
  B3: { title: 'verified copy of a 256 MiB file', module: '../benchmarks/b3-copy.mjs' },
  B4: { title: 'delivery to 16 destinations', module: '../benchmarks/b4-fanout.mjs' },
  B5: { title: 'peak memory while copying', module: '../benchmarks/b5-memory.mjs' },
  B6: { title: 'start-up: bundle to hello, module import', module: '../benchmarks/b6-startup.mjs' },
  B7: { title: '100,000 recipients: the procedure around the lab', module: '../benchmarks/b7-large-lab.mjs' },
  B8: { title: 'the procedure through the Windows operations on the lab vs the lab operations', module: '../benchmarks/b8-windows-operations.mjs' },
};
for (const b of Object.values(BENCHMARKS)) b.module = new URL(b.module, import.meta.url).href;

const USAGE = `usage: node bench/run.mjs [--quick] [--only B1,B3] [--reps N] [--no-pwsh] [--markdown]
  --quick      fewer rounds (3) and smaller sizes (B5 without 1 GiB, B4 with 16 MiB); not for the README
  --only IDS   run only these benchmarks (comma-separated: ${Object.keys(BENCHMARKS).join(',')})
  --reps N     rounds after the warm-up (default 5; quick 3)
  --no-pwsh    skip the PowerShell figures even where a pwsh is present
  --markdown   print the table as Markdown
  --module DIR measure another build of the module (a ResyncGlb folder with bin/resync-glb.cjs),
               e.g. a prototype of a proposed fix; default: the repository's build, dist/ResyncGlb`;

export function parseArgs(argv) {
  const o = { quick: false, only: Object.keys(BENCHMARKS), reps: undefined, noPwsh: false, markdown: false, module: undefined, help: false, usage: USAGE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--no-pwsh') o.noPwsh = true;
    else if (a === '--markdown') o.markdown = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const ids = value()
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean);
      const bad = ids.filter((id) => !BENCHMARKS[id]);
      if (bad.length || ids.length === 0) throw new Error(`--only: unknown benchmark ${bad.join(', ') || '(none given)'}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
      o.only = Object.keys(BENCHMARKS).filter((id) => ids.includes(id));
    } else if (a === '--reps' || a.startsWith('--reps=')) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error('--reps must be a whole number from 1 to 100');
      o.reps = n;
    } else if (a === '--module' || a.startsWith('--module=')) {
      o.module = value();
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  o.reps ??= o.quick ? 3 : 5;
  return o;
}
