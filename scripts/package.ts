// `npm run package` (after `node build.mjs`): packs the built module (dist/ResyncGlb) into dist/packages/ as
//   ResyncGlb.<version>.nupkg  - a NuGet package in the PowerShell Gallery layout that Install-Module /
//                                Install-PSResource accept from a local (folder) repository (package/nupkg.ts)
//   ResyncGlb-<version>.zip    - the module folder (ResyncGlb/<files>) for unzipping into a Modules folder
//   SHA256SUMS                 - the SHA-256 of both, for Get-FileHash on the admin's side
//
// The module folder is read and checked in package/module-folder.ts (its manifest with the data-language
// reader in package/psd1.ts); the archives are written by yazl (package/zip.ts). Deterministic: entry
// times come from SOURCE_DATE_EPOCH or the newest module file, so the same inputs give the same bytes.
//
// Usage: ts-node scripts/package.ts [--module <module folder>] [--out <folder>]
//        (node --require ts-node/register/transpile-only scripts/package.ts ... does the same)
// Exit code 0 on success; 1 with "package: <reason>" on stderr when anything is wrong.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { PackageError } from './package/errors';
import { collectModule } from './package/module-folder';
import { nupkgEntries } from './package/nupkg';
import { buildZip } from './package/zip';

const ROOT = resolve(__dirname, '..');

export interface PackageOptions {
  moduleDir: string;
  outDir: string;
}

export interface PackageResult {
  id: string;
  version: string;
  files: string[];
  outputs: Array<{ file: string; length: number }>;
  /** The SHA256SUMS text. */
  sums: string;
}

function writeAtomic(file: string, data: Buffer | string): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  if (typeof version !== 'string') throw new PackageError('package.json has no version');
  return version;
}

export async function packageModule({ moduleDir, outDir }: PackageOptions): Promise<PackageResult> {
  const info = collectModule(moduleDir, packageVersion());
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const fromEpoch = epoch !== undefined && /^\d+$/.test(epoch);
  const when = fromEpoch ? new Date(Number(epoch) * 1000) : new Date(Math.max(...info.files.map((f) => f.mtime.getTime())));
  for (const f of info.files) {
    if (fromEpoch) f.mtime = when;
    // Only "executable or not" survives, so the umask of the build machine does not change the bytes.
    f.mode = f.mode & 0o111 ? 0o755 : 0o644;
  }

  const nupkg = await buildZip(nupkgEntries(info, when));
  const zip = await buildZip(info.files.map((f) => ({ ...f, name: `${info.id}/${f.name}` })));
  mkdirSync(outDir, { recursive: true });
  const outputs = [
    { file: join(outDir, `${info.id}.${info.version}.nupkg`), data: nupkg },
    { file: join(outDir, `${info.id}-${info.version}.zip`), data: zip },
  ];
  for (const o of outputs) writeAtomic(o.file, o.data);
  const sums = outputs.map((o) => `${createHash('sha256').update(o.data).digest('hex').toUpperCase()}  ${basename(o.file)}\n`).join('');
  writeAtomic(join(outDir, 'SHA256SUMS'), sums);
  return {
    id: info.id,
    version: info.version,
    files: info.files.map((f) => f.name),
    outputs: outputs.map((o) => ({ file: o.file, length: o.data.length })),
    sums,
  };
}

function parseArgs(argv: readonly string[]): PackageOptions {
  const opts: PackageOptions = { moduleDir: join(ROOT, 'dist', 'ResyncGlb'), outDir: join(ROOT, 'dist', 'packages') };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = (): string => {
      if (k + 1 >= argv.length) throw new PackageError(`${a} needs a value`);
      return argv[++k];
    };
    if (a === '--module') opts.moduleDir = resolve(next());
    else if (a === '--out') opts.outDir = resolve(next());
    else throw new PackageError(`unknown argument '${a}' (use --module <folder> and --out <folder>)`);
  }
  return opts;
}

async function main(): Promise<void> {
  // A ZIP entry's DOS date and time are local time; in UTC they are the same wherever the package is built.
  process.env.TZ = 'UTC';
  const r = await packageModule(parseArgs(process.argv.slice(2)));
  process.stdout.write(`packed ${r.id} ${r.version}: ${r.files.length} module files\n`);
  for (const o of r.outputs) process.stdout.write(`  ${relative(process.cwd(), o.file) || o.file}  (${o.length} bytes)\n`);
  process.stdout.write(`SHA-256:\n${r.sums.replace(/^/gm, '  ').trimEnd()}\nInstall: docs/INSTALL.md\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`package: ${e instanceof PackageError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
