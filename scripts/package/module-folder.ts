// The module folder being packed: which files ship, and the manifest checks the PowerShell Gallery
// and Install-Module rely on (docs/INSTALL.md). Anything unexpected stops the packing, so nothing
// unplanned ships and nothing the manifest promises is missing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { PackageError } from './errors';
import { asList, field, parsePsd1, type Psd1Table, type Psd1Value } from './psd1';

/** One file of the module: its path inside the module folder ('/'-separated), bytes, time and permission bits. */
export interface ModuleFile {
  name: string;
  data: Buffer;
  mtime: Date;
  mode: number;
}

export interface ModuleInfo {
  /** The module's name: the folder's name, which is also the manifest's and the package's. */
  id: string;
  /** ModuleVersion in NuGet's normalized form. */
  version: string;
  manifest: Psd1Table;
  functions: string[];
  tags: string[];
  /** PrivateData.PSData, where the Gallery's metadata lives. */
  psData: Psd1Value | undefined;
  files: ModuleFile[];
}

/** NuGet's normalized form of a 2-4 part version: three parts at least, a zero fourth part dropped. */
export function normalizeVersion(v: Psd1Value | undefined): string {
  const s = String(v);
  if (!/^\d+(\.\d+){1,3}$/.test(s)) throw new PackageError(`ModuleVersion '${s}' is not a version of 2 to 4 numbers`);
  const parts = s.split('.').map((p) => String(Number(p)));
  while (parts.length < 3) parts.push('0');
  if (parts.length === 4 && parts[3] === '0') parts.pop();
  return parts.join('.');
}

// Left out on purpose: esbuild's metafile, dotfiles, tests, TypeScript and source maps.
const EXCLUDED = [/^bin\/meta\.json$/, /(^|\/)\./, /\.Tests\.ps1$/i, /\.ts$/i, /\.map$/i];
// What a ResyncGlb module folder may hold. Anything else stops the packing, so nothing unexpected ships.
const ALLOWED = [
  /^[^/]+\.(psd1|psm1|ps1xml)$/i, // manifest, root module, format and type files
  /^(Public|Private)\/.+\.ps1$/, // one function per file
  /^[a-z]{2}(-[A-Za-z]{2,4})?\/[^/]+\.(txt|xml)$/, // about_ help topics and MAML help per culture
  /^bin\/resync-glb\.cjs$/, // the engine's entry point
  /^bin\/resync-glb\.main\.cjs(\.v8cache)?$/, // the bundled engine and its V8 code cache
  /^bin\/win-x64\/resync-glb\.exe$/, // the self-contained Windows engine (scripts/build-exe.mjs)
  /^ps1\/[^/]+\.ps1$/, // the Windows operations' fixed scripts (copied from ps1/ by build.mjs)
];

/** The self-contained engine every package carries (docs/ARCHITECTURE.md, "The bundle"). */
export const WINDOWS_ENGINE = 'bin/win-x64/resync-glb.exe';

function walk(dir: string, base: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, base, out);
    else if (e.isFile()) out.push(relative(base, full).split(sep).join('/'));
    else throw new PackageError(`${full} is neither a file nor a folder (links are not packed)`);
  }
  return out;
}

const inFolder = (has: ReadonlySet<string>, f: Psd1Value): boolean => has.has(String(f).replace(/\\/g, '/'));

/**
 * Reads and checks the module folder. `packageVersion` is package.json's version: the bundle reports
 * that one, so the manifest must say the same.
 */
export function collectModule(moduleDir: string, packageVersion: string): ModuleInfo {
  const id = basename(moduleDir);
  const manifestName = `${id}.psd1`;
  let manifestText: string;
  try {
    manifestText = readFileSync(join(moduleDir, manifestName), 'utf8');
  } catch {
    throw new PackageError(`no manifest ${manifestName} in ${moduleDir}`);
  }
  const manifest = parsePsd1(manifestText, manifestName);
  const names: string[] = [];
  const unexpected: string[] = [];
  for (const f of walk(moduleDir, moduleDir, []).sort()) {
    if (EXCLUDED.some((r) => r.test(f))) continue;
    if (ALLOWED.some((r) => r.test(f))) names.push(f);
    else unexpected.push(f);
  }
  if (unexpected.length) {
    throw new PackageError(
      `unexpected file(s) in ${moduleDir}: ${unexpected.join(', ')}. Remove them, or add a rule in scripts/package/module-folder.ts if they belong in the module.`,
    );
  }
  const has = new Set(names);
  const problems: string[] = [];

  const version = normalizeVersion(field(manifest, 'ModuleVersion') ?? '');
  for (const key of ['Author', 'Description']) {
    const v = field(manifest, key);
    if (typeof v !== 'string' || !v.trim()) problems.push(`the manifest has no ${key} (the Gallery requires it)`);
  }
  const rootModule = field(manifest, 'RootModule');
  if (typeof rootModule !== 'string' || !inFolder(has, rootModule)) problems.push(`RootModule '${String(rootModule)}' is not in the module folder`);
  for (const f of [...asList(field(manifest, 'FormatsToProcess')), ...asList(field(manifest, 'TypesToProcess'))]) {
    if (!inFolder(has, f)) problems.push(`'${String(f)}' (FormatsToProcess/TypesToProcess) is not in the module folder`);
  }
  // Windows runs the engine as the exe; a package without it would not work there.
  if (!has.has(WINDOWS_ENGINE)) problems.push(`the Windows engine ${WINDOWS_ENGINE} is not in the module folder (node build.mjs makes it from node.exe, which it installs from npm)`);
  for (const f of asList(field(manifest, 'FileList'))) {
    if (!inFolder(has, f)) problems.push(`FileList entry '${String(f)}' is not in the module folder${String(f).startsWith('bin/') ? " (run 'node build.mjs' first)" : ''}`);
  }
  const functions = asList(field(manifest, 'FunctionsToExport')).map(String);
  if (functions.some((f) => /[*?]/.test(f))) problems.push('FunctionsToExport has a wildcard; list every function (the tags and command discovery need the names)');
  const publicFunctions = names.filter((f) => /^Public\/[^/]+\.ps1$/.test(f)).map((f) => f.slice('Public/'.length, -'.ps1'.length));
  for (const fn of functions) if (!publicFunctions.includes(fn)) problems.push(`FunctionsToExport names ${fn} but there is no Public/${fn}.ps1`);
  for (const fn of publicFunctions) if (!functions.includes(fn)) problems.push(`Public/${fn}.ps1 is not in FunctionsToExport`);
  if (asList(field(manifest, 'RequiredModules')).length) problems.push('RequiredModules are not supported by this packer (no nuspec dependencies are written)');
  const psData = field(field(manifest, 'PrivateData'), 'PSData');
  const tags = asList(field(psData, 'Tags')).map(String);
  for (const t of tags) if (!t || /\s/.test(t)) problems.push(`tag '${t}' is empty or has white space (nuspec tags are space-separated)`);
  if (field(psData, 'Prerelease')) problems.push('PSData.Prerelease is not supported by this packer');
  if (normalizeVersion(packageVersion) !== version) {
    problems.push(
      `ModuleVersion ${String(field(manifest, 'ModuleVersion'))} does not match package.json version ${packageVersion} (the bundle reports the package.json one); make them equal`,
    );
  }
  if (problems.length) throw new PackageError(problems.join('; '));

  const files = names.map((name): ModuleFile => {
    const full = join(moduleDir, ...name.split('/'));
    const stat = statSync(full);
    return { name, data: readFileSync(full), mtime: stat.mtime, mode: stat.mode & 0o777 };
  });
  return { id, version, manifest, functions, tags, psData, files };
}
