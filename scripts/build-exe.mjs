// The self-contained Windows engine, bin/win-x64/resync-glb.exe: node.exe (scripts/windows-tools.mjs) with the
// bundled engine bin/resync-glb.main.cjs injected as a single executable application (Node's SEA; docs/
// ARCHITECTURE.md, "The bundle"). build.mjs calls buildExe() on the module folder it is building.
//
//   - The SEA blob is made by this (Linux) Node, which must be node.exe's version: a blob is read only by
//     the Node that made it. No code cache or snapshot: those are bound to the platform that makes them.
//   - node.exe's Authenticode signature is removed first (as `signtool remove /s` does): the injection
//     changes the file, and a signature that no longer matches is worse than none.
//   - postject runs in a child process (its WebAssembly module installs process-wide handlers). It takes
//     seconds, so the finished exe is kept in dist/.sea/ under the hash of its inputs and copied from there
//     while the bundle does not change.
// Without node.exe (no network to npm) or with another Node, the exe is skipped, saying why in one line,
// and `npm run package` then refuses to pack; any other failure fails the build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_WIN_INTEGRITY, NODE_WIN_VERSION, ensureNodeExe } from './windows-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Work files of the exe build, outside the module folder: the SEA config, the blob, the last exe made. */
export const SEA_DIR = join(root, 'dist', '.sea');
/** Where the exe sits in the module folder. */
export const EXE_PATH = join('bin', 'win-x64', 'resync-glb.exe');
// Node's SEA fuse: the marker in node.exe that postject flips to say a blob is there (Node's SEA docs).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * A PE file without its Authenticode signature: the security data directory cleared and the certificate
 * table, which sits at the end of the file, cut off. A file without one is returned as it is.
 */
export function stripSignature(pe) {
  if (pe.readUInt16LE(0) !== 0x5a4d) throw new Error('not a PE file (no MZ header)');
  const header = pe.readUInt32LE(0x3c);
  if (pe.readUInt32LE(header) !== 0x00004550) throw new Error('not a PE file (no PE signature)');
  const optional = header + 24;
  const magic = pe.readUInt16LE(optional);
  if (magic !== 0x20b && magic !== 0x10b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  // Data directory 4 (IMAGE_DIRECTORY_ENTRY_SECURITY): a file offset and a size, not an RVA.
  const entry = optional + (magic === 0x20b ? 112 : 96) + 4 * 8;
  const offset = pe.readUInt32LE(entry);
  const size = pe.readUInt32LE(entry + 4);
  if (offset === 0 && size === 0) return pe;
  if (offset + size !== pe.length) throw new Error(`the certificate table (${offset}+${size}) does not end the file (${pe.length} bytes)`);
  const out = Buffer.from(pe.subarray(0, offset));
  out.writeUInt32LE(0, entry);
  out.writeUInt32LE(0, entry + 4);
  return out;
}

function postjectCli() {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('postject/package.json')), 'dist', 'cli.js');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}): ${(r.stderr || r.stdout || '').trim().slice(-600)}`);
  return r;
}

/**
 * Writes <moduleDir>/bin/win-x64/resync-glb.exe from <moduleDir>/bin/resync-glb.main.cjs. Returns
 * { exe } or { skipped: reason } (said on stderr in one line); throws when making the exe fails.
 */
export function buildExe(moduleDir, { quiet = false } = {}) {
  const skip = (why) => {
    process.stderr.write(`build: ${EXE_PATH.split('\\').join('/')} not built: ${why}\n`);
    return { skipped: why };
  };
  if (process.versions.node !== NODE_WIN_VERSION) {
    return skip(`its blob must be made by Node ${NODE_WIN_VERSION}, the version of node.exe, and this is Node ${process.versions.node}`);
  }
  const node = ensureNodeExe();
  if (node.reason) return skip(`no node.exe ${NODE_WIN_VERSION}: ${node.reason}`);

  mkdirSync(SEA_DIR, { recursive: true });
  const tag = `${process.pid}`;
  const blob = join(SEA_DIR, `resync-glb.blob.tmp-${tag}`);
  const config = join(SEA_DIR, `sea-config.json.tmp-${tag}`);
  try {
    // `main` relative to bin/: the blob keeps the path it is given, and this one is the same at every build
    // (the module is built in a temporary folder) and names no folder of the build machine.
    writeFileSync(config, JSON.stringify({ main: 'resync-glb.main.cjs', output: blob, disableExperimentalSEAWarning: true }, null, 2));
    run(process.execPath, ['--experimental-sea-config', config], { cwd: join(moduleDir, 'bin') });
    const postjectVersion = JSON.parse(readFileSync(join(dirname(postjectCli()), '..', 'package.json'), 'utf8')).version;
    const key = createHash('sha256').update(readFileSync(blob)).update(`\0${NODE_WIN_INTEGRITY}\0postject ${postjectVersion}\0`).digest('hex').slice(0, 16);
    const made = join(SEA_DIR, `resync-glb-${key}.exe`);
    if (!existsSync(made)) {
      const t0 = Date.now();
      const tmp = `${made}.tmp-${tag}`;
      writeFileSync(tmp, stripSignature(readFileSync(node.nodeExe)));
      run(process.execPath, [postjectCli(), tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, '--overwrite']);
      // Flipped, the fuse reads ...:1; node.exe runs a blob only then.
      if (!readFileSync(tmp).includes(`${SEA_FUSE}:1`)) throw new Error(`postject left the SEA fuse of ${tmp} unset`);
      renameSync(tmp, made);
      // Only the newest exe is kept: each is as big as node.exe.
      for (const f of readdirSync(SEA_DIR)) if (/^resync-glb-[0-9a-f]{16}\.exe$/.test(f) && join(SEA_DIR, f) !== made) rmSync(join(SEA_DIR, f), { force: true });
      if (!quiet) process.stderr.write(`built ${EXE_PATH} (node.exe ${NODE_WIN_VERSION} + SEA blob, ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
    const exe = join(moduleDir, EXE_PATH);
    mkdirSync(dirname(exe), { recursive: true });
    copyFileSync(made, exe);
    return { exe };
  } finally {
    rmSync(blob, { force: true });
    rmSync(config, { force: true });
    for (const f of existsSync(SEA_DIR) ? readdirSync(SEA_DIR) : []) if (f.endsWith(`.tmp-${tag}`)) rmSync(join(SEA_DIR, f), { force: true });
  }
}
