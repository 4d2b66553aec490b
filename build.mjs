// Bundles the CLI (src/cli/main.ts) into one CommonJS file shipped inside the module:
// module/ResyncGlb/bin/resync-glb.cjs. It needs nothing from node_modules at run time;
// test/unit/bundle.test.ts checks that from the metafile this script writes.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = join(root, 'module', 'ResyncGlb', 'bin', 'resync-glb.cjs');
mkdirSync(dirname(outfile), { recursive: true });

const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  define: { __RESYNCGLB_VERSION__: JSON.stringify(pkg.version) },
  // debug's optional colour support is loaded inside try/catch; nothing else may stay external.
  external: ['supports-color'],
  metafile: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
writeFileSync(join(root, 'module', 'ResyncGlb', 'bin', 'meta.json'), JSON.stringify(result.metafile));

// The Windows operations' fixed scripts ship inside the module, beside the bundle's folder
// (src/operations/windows/scripts.ts finds them by walking up from the bundle).
const ps1Out = join(root, 'module', 'ResyncGlb', 'ps1');
rmSync(ps1Out, { recursive: true, force: true });
mkdirSync(ps1Out, { recursive: true });
for (const f of readdirSync(join(root, 'ps1'))) {
  if (f.endsWith('.ps1')) copyFileSync(join(root, 'ps1', f), join(ps1Out, f));
}
if (!process.argv.includes('--quiet')) {
  console.error(`built ${outfile.slice(root.length + 1)} (v${pkg.version})`);
}
