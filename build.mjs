// Builds the module that ships into dist/ResyncGlb, outside the source tree:
//   - the module's own files, copied from module/ResyncGlb (manifest, root module, Public/, Private/, format, help);
//   - bin/resync-glb.main.cjs: the CLI (src/cli/main.ts) bundled into one CommonJS file that needs nothing
//     from node_modules at run time (test/unit/bundle.test.ts checks that from bin/meta.json, written here),
//     ending with its build id; bin/resync-glb.main.cjs.v8cache: V8's code cache for it, made by running
//     the entry point once (`--version`) in this very Node (scripts/v8-cache-hook.cjs); bin/resync-glb.cjs: the entry point that runs the bundle
//     with that cache (scripts/bundle-loader.cjs; docs/ARCHITECTURE.md, "The bundle");
//   - bin/win-x64/resync-glb.exe: the self-contained Windows engine, node.exe with bin/resync-glb.main.cjs
//     injected as a single executable application (scripts/build-exe.mjs; skipped, saying why, without node.exe);
//   - ps1/: the Windows operations' fixed scripts (src/operations/windows/scripts.ts finds them beside bin/),
//     with _Common.ps1 written as one file holding its parts (assembleCommon, below).
// Nothing is written under module/ or ps1/, so an edit there is never overwritten by a build.
//
//   node build.mjs [--quiet]          import { buildModule, MODULE_OUT } from './build.mjs'
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExe } from './scripts/build-exe.mjs';

const root = dirname(fileURLToPath(import.meta.url));
/** Where the built module lands: import dist/ResyncGlb/ResyncGlb.psd1, run dist/ResyncGlb/bin/resync-glb.cjs. */
export const MODULE_OUT = join(root, 'dist', 'ResyncGlb');

const COMMON = '_Common.ps1';
const PART_LINE = /^\. \(Join-Path \$DssCommonFolder '([A-Za-z]+\.ps1)'\)$/;

/**
 * ps1/_Common.ps1 as it ships: one file, so each script on the DSS side loads one file and no parts folder
 * ships. The source file dot-sources its parts (ps1/common/*.ps1), one line each, in order; here each such
 * line becomes the part's text, and the lines that only find the parts folder (naming $DssCommonFolder)
 * are dropped. Every part is named exactly once, or the build fails.
 */
export function assembleCommon(ps1Dir) {
  const partsDir = join(ps1Dir, 'common');
  const parts = readdirSync(partsDir).filter((f) => f.endsWith('.ps1')).sort();
  const used = [];
  const out = [];
  for (const line of readFileSync(join(ps1Dir, COMMON), 'utf8').split('\n')) {
    const part = PART_LINE.exec(line.trimEnd());
    if (part) {
      if (!parts.includes(part[1]) || used.includes(part[1])) throw new Error(`${COMMON}: part ${part[1]} is missing from ps1/common or named twice`);
      used.push(part[1]);
      out.push(readFileSync(join(partsDir, part[1]), 'utf8').trimEnd(), '');
    } else if (!line.includes('DssCommonFolder')) {
      out.push(line);
    }
  }
  const unused = parts.filter((p) => !used.includes(p));
  if (unused.length > 0) throw new Error(`${COMMON} does not load ps1/common/${unused.join(', ')}`);
  return out.join('\n').trimEnd() + '\n';
}

const MAIN = 'resync-glb.main.cjs';

// Runs the entry point once (`--version`) with scripts/v8-cache-hook.cjs preloaded, which saves V8's
// code cache of the very compile the entry point makes, prefixed with the build id the bundle now ends
// with. The entry point uses a cache only when the ids match; V8 itself refuses one made by another Node.
function writeCodeCache(binDir) {
  const main = join(binDir, MAIN);
  const id = createHash('sha256').update(readFileSync(main)).digest('hex');
  appendFileSync(main, `// resyncglb-build ${id}\n`);
  copyFileSync(join(root, 'scripts', 'bundle-loader.cjs'), join(binDir, 'resync-glb.cjs'));
  const r = spawnSync(process.execPath, ['-r', join(root, 'scripts', 'v8-cache-hook.cjs'), join(binDir, 'resync-glb.cjs'), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, RESYNCGLB_V8_CACHE_OUT: `${main}.v8cache`, RESYNCGLB_V8_CACHE_ID: id },
  });
  if (r.status !== 0 || !existsSync(`${main}.v8cache`)) throw new Error(`making the code cache for ${MAIN} failed (exit ${r.status}): ${r.stderr}`);
}

export async function buildModule({ quiet = false } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // Built beside the final folder and renamed into place, so a reader never sees half a module.
  const tmp = `${MODULE_OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(join(root, 'module', 'ResyncGlb'), tmp, { recursive: true });

  const result = await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: join(tmp, 'bin', MAIN),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { __RESYNCGLB_VERSION__: JSON.stringify(pkg.version) },
    // debug's optional colour support is loaded inside try/catch; nothing else may stay external.
    external: ['supports-color'],
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(join(tmp, 'bin', 'meta.json'), JSON.stringify(result.metafile));
  writeCodeCache(join(tmp, 'bin'));
  buildExe(tmp, { quiet });

  mkdirSync(join(tmp, 'ps1'), { recursive: true });
  for (const f of readdirSync(join(root, 'ps1'))) {
    if (f === COMMON) writeFileSync(join(tmp, 'ps1', f), assembleCommon(join(root, 'ps1')));
    else if (f.endsWith('.ps1')) copyFileSync(join(root, 'ps1', f), join(tmp, 'ps1', f));
  }

  rmSync(MODULE_OUT, { recursive: true, force: true });
  renameSync(tmp, MODULE_OUT);
  if (!quiet) console.error(`built ${MODULE_OUT.slice(root.length + 1)} (v${pkg.version})`);
  return MODULE_OUT;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildModule({ quiet: process.argv.includes('--quiet') });
}
