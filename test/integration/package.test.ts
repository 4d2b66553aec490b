/**
 * `scripts/package.ts` (npm run package): the .nupkg in the PowerShell Gallery layout and the
 * module zip, opened with a ZIP reader written here (and `unzip -t` where it exists), checked against
 * the manifest; plus the packer's refusals on broken module folders.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { crc32 as zlibCrc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'package.ts');
// The packer is TypeScript, run the way `npm run package` runs it (ts-node, no type checking at run time).
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only.js');
const MODULE = join(ROOT, 'dist', 'ResyncGlb');
const PKG_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const HAS_UNZIP = spawnSync('unzip', ['-v'], { encoding: 'utf8' }).status === 0;

// ---------------------------------------------------------------------------------------------
// A ZIP reader independent of the writer: end record -> central directory -> local headers;
// inflates each entry and checks its CRC-32 (node:zlib's) and sizes.
// ---------------------------------------------------------------------------------------------
interface ZipEntry {
  name: string;
  method: number;
  madeBy: number;
  externalAttr: number;
  data: Buffer;
}

function readZip(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > buf.length) throw new Error('no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  let p = buf.readUInt32LE(eocd + 16);
  if (p + cdSize !== eocd) throw new Error(`central directory ends at ${p + cdSize}, the end record is at ${eocd}`);
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central header signature at ${p}`);
    const madeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const externalAttr = buf.readUInt32LE(p + 38);
    const lho = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString(flags & 0x0800 ? 'utf8' : 'latin1');
    p += 46 + nlen + xlen + clen;

    if (buf.readUInt32LE(lho) !== 0x04034b50) throw new Error(`bad local header signature for ${name}`);
    if (buf.readUInt16LE(lho + 8) !== method || buf.readUInt32LE(lho + 14) !== crc) throw new Error(`local header of ${name} disagrees with the central directory`);
    if (buf.readUInt16LE(lho + 6) & 0x0008) throw new Error(`${name} uses a data descriptor`);
    const lname = buf.subarray(lho + 30, lho + 30 + buf.readUInt16LE(lho + 26)).toString(flags & 0x0800 ? 'utf8' : 'latin1');
    if (lname !== name) throw new Error(`local name ${lname} != central name ${name}`);
    const start = lho + 30 + buf.readUInt16LE(lho + 26) + buf.readUInt16LE(lho + 28);
    const raw = buf.subarray(start, start + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`${name}: method ${method}`);
    if (data.length !== usize) throw new Error(`${name}: ${data.length} bytes, header says ${usize}`);
    if (zlibCrc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    out.push({ name, method, madeBy, externalAttr, data });
  }
  return out;
}

function runPackager(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--require', TS_NODE, SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join('/')],
  );
}

/** The manifest facts the tests compare against, read with plain regular expressions (not the packer's reader). */
function manifestFacts(manifestText: string): { version: string; description: string; author: string; fileList: string[]; functions: string[]; tags: string[] } {
  const one = (key: string): string => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*'([^']*)'`, 'im').exec(manifestText);
    if (!m) throw new Error(`no ${key} in the manifest`);
    return m[1];
  };
  const list = (key: string): string[] => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*@\\(([^)]*)\\)`, 'im').exec(manifestText);
    if (!m) throw new Error(`no ${key} list in the manifest`);
    return [...m[1].replace(/#.*$/gm, '').matchAll(/'([^']*)'/g)].map((x) => x[1]);
  };
  return { version: one('ModuleVersion'), description: one('Description'), author: one('Author'), fileList: list('FileList'), functions: list('FunctionsToExport'), tags: list('Tags') };
}

const tag = (xml: string, name: string): string => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!m) throw new Error(`no <${name}>`);
  return m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'resync-package-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the packages built from a copy of the built module (dist/ResyncGlb)', () => {
  let copy: string;
  let out: string;
  let facts: ReturnType<typeof manifestFacts>;
  let nupkg: ZipEntry[];
  let zip: ZipEntry[];
  let version: string;
  let firstRun: { nupkg: Buffer; zip: Buffer };

  beforeAll(() => {
    if (!existsSync(join(MODULE, 'bin', 'resync-glb.cjs'))) throw new Error("The bundle is not built; run 'node build.mjs' (npm test does).");
    // A private copy, so a concurrent rebuild of the bundle cannot change bytes under the comparison.
    copy = join(work, 'src', 'ResyncGlb');
    cpSync(MODULE, copy, { recursive: true });
    out = join(work, 'dist');
    const r = runPackager(['--module', copy, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    facts = manifestFacts(readFileSync(join(copy, 'ResyncGlb.psd1'), 'utf8'));
    version = facts.version;
    firstRun = { nupkg: readFileSync(join(out, `ResyncGlb.${version}.nupkg`)), zip: readFileSync(join(out, `ResyncGlb-${version}.zip`)) };
    nupkg = readZip(firstRun.nupkg);
    zip = readZip(firstRun.zip);
  });

  it('writes ResyncGlb.<ModuleVersion>.nupkg, ResyncGlb-<ModuleVersion>.zip and their SHA-256 sums', () => {
    expect(readdirSync(out).sort()).toEqual(['ResyncGlb-' + version + '.zip', 'ResyncGlb.' + version + '.nupkg', 'SHA256SUMS'].sort());
    const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8');
    for (const [name, data] of [[`ResyncGlb.${version}.nupkg`, firstRun.nupkg], [`ResyncGlb-${version}.zip`, firstRun.zip]] as const) {
      expect(sums).toContain(`${createHash('sha256').update(data).digest('hex').toUpperCase()}  ${name}\n`);
    }
  });

  it('the nupkg holds the nuspec, the OPC parts and the module files at its root, each byte for byte', () => {
    const names = nupkg.map((e) => e.name);
    expect(names).toContain('ResyncGlb.nuspec');
    expect(names).toContain('[Content_Types].xml');
    expect(names).toContain('_rels/.rels');
    expect(names.filter((n) => /^package\/services\/metadata\/core-properties\/[0-9a-f]{32}\.psmdcp$/.test(n))).toHaveLength(1);
    const moduleEntries = nupkg.filter((e) => !/^(ResyncGlb\.nuspec|\[Content_Types\]\.xml|_rels\/|package\/)/.test(e.name));
    for (const e of moduleEntries) {
      expect(e.data.equals(readFileSync(join(copy, ...e.name.split('/')))), e.name).toBe(true);
    }
    // Everything in the module folder ships, except esbuild's metafile.
    expect(moduleEntries.map((e) => e.name).sort()).toEqual(listFiles(copy).filter((f) => f !== 'bin/meta.json').sort());
  });

  it('every FileList entry, the root module, the format file, the help and every exported function are in both archives', () => {
    const inNupkg = new Set(nupkg.map((e) => e.name));
    const inZip = new Set(zip.map((e) => e.name));
    const required = [...facts.fileList, 'ResyncGlb.psm1', 'ResyncGlb.Format.ps1xml', 'en-US/about_ResyncGlb.help.txt', 'bin/resync-glb.cjs', ...facts.functions.map((f) => `Public/${f}.ps1`)];
    expect(facts.fileList.length).toBeGreaterThan(0);
    expect(facts.functions.length).toBeGreaterThan(0);
    for (const f of required) {
      expect(inNupkg.has(f), `${f} in the nupkg`).toBe(true);
      expect(inZip.has(`ResyncGlb/${f}`), `${f} in the zip`).toBe(true);
    }
    // Every Public/*.ps1 is exported (so nothing public is left out of the tags).
    expect(listFiles(join(copy, 'Public')).map((f) => f.replace(/\.ps1$/, '')).sort()).toEqual([...facts.functions].sort());
  });

  it('holds no tests, sources, metafile or dotfiles', () => {
    for (const name of [...nupkg.map((e) => e.name), ...zip.map((e) => e.name)].filter((n) => n !== '_rels/.rels')) {
      expect(name).not.toMatch(/(^|\/)(meta\.json|\..+|.*\.Tests\.ps1|.*\.ts|.*\.map)$/i);
      expect(name).not.toMatch(/^(ResyncGlb\/)?(src|test|node_modules|scripts)\//);
    }
  });

  it('the nuspec says id ResyncGlb, the ModuleVersion, the author, the description and the Gallery tags', () => {
    const nuspec = nupkg.find((e) => e.name === 'ResyncGlb.nuspec')!.data.toString('utf8');
    expect(nuspec).toContain('<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">');
    expect(tag(nuspec, 'id')).toBe('ResyncGlb');
    expect(tag(nuspec, 'version')).toBe(facts.version);
    expect(tag(nuspec, 'version')).toBe(PKG_VERSION);
    expect(tag(nuspec, 'authors')).toBe(facts.author);
    expect(tag(nuspec, 'description')).toBe(facts.description);
    const tags = tag(nuspec, 'tags').split(' ');
    expect(tags).toContain('PSModule');
    expect(tags).toContain('PSIncludes_Function');
    for (const f of facts.functions) {
      expect(tags).toContain(`PSFunction_${f}`);
      expect(tags).toContain(`PSCommand_${f}`);
    }
    for (const t of facts.tags) expect(tags).toContain(t);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('the OPC parts point at what is there: relationships, content types for every extension, core properties', () => {
    const get = (n: string): string => nupkg.find((e) => e.name === n)!.data.toString('utf8');
    const rels = get('_rels/.rels');
    const targets = [...rels.matchAll(/Target="\/([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toHaveLength(2);
    for (const t of targets) expect(nupkg.map((e) => e.name)).toContain(t);
    expect(rels).toContain('Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/ResyncGlb.nuspec"');
    const types = get('[Content_Types].xml');
    const declared = new Set([...types.matchAll(/<Default Extension="([^"]+)"/g)].map((m) => m[1].toLowerCase()));
    for (const e of nupkg) {
      const ext = e.name.split('/').pop()!.split('.').pop()!.toLowerCase();
      if (e.name !== '[Content_Types].xml') expect(declared.has(ext), `${e.name} has a content type`).toBe(true);
    }
    const psmdcp = nupkg.find((e) => e.name.endsWith('.psmdcp'))!.data.toString('utf8');
    expect(tag(psmdcp, 'dc:identifier')).toBe('ResyncGlb');
    expect(tag(psmdcp, 'version')).toBe(facts.version);
  });

  it('the zip is the module folder under ResyncGlb/, the same files as the nupkg', () => {
    expect(zip.every((e) => e.name.startsWith('ResyncGlb/'))).toBe(true);
    const nupkgModule = nupkg.filter((e) => !/^(ResyncGlb\.nuspec|\[Content_Types\]\.xml|_rels\/|package\/)/.test(e.name));
    expect(zip.map((e) => e.name.slice('ResyncGlb/'.length)).sort()).toEqual(nupkgModule.map((e) => e.name).sort());
    for (const e of zip) expect(e.data.equals(nupkgModule.find((n) => n.name === e.name.slice('ResyncGlb/'.length))!.data)).toBe(true);
    // Unix "made by" with a regular-file mode, so unzip and .NET restore sane permissions.
    for (const e of zip) {
      expect(e.madeBy >> 8).toBe(3);
      expect((e.externalAttr >>> 16) & 0o170000).toBe(0o100000);
    }
  });

  it('packing the same folder again gives the same bytes (deterministic)', () => {
    const again = join(work, 'dist-again');
    const r = runPackager(['--module', copy, '--out', again]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(again, `ResyncGlb.${version}.nupkg`)).equals(firstRun.nupkg)).toBe(true);
    expect(readFileSync(join(again, `ResyncGlb-${version}.zip`)).equals(firstRun.zip)).toBe(true);
  });

  it.skipIf(!HAS_UNZIP)('unzip -t accepts both archives and unzip -l lists the same names', () => {
    for (const [file, entries] of [[`ResyncGlb.${version}.nupkg`, nupkg], [`ResyncGlb-${version}.zip`, zip]] as const) {
      const t = spawnSync('unzip', ['-t', join(out, file)], { encoding: 'utf8', timeout: 60_000 });
      expect(t.status, t.stdout + t.stderr).toBe(0);
      expect(t.stdout).toContain('No errors detected');
      const l = spawnSync('unzip', ['-Z1', join(out, file)], { encoding: 'utf8', timeout: 60_000 });
      expect(l.stdout.trim().split('\n').sort()).toEqual(entries.map((e) => e.name).sort());
    }
  });
});

it('`scripts/package.ts` with no --module packs the real module folder', () => {
  const out = join(work, 'dist-default');
  const r = runPackager(['--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`packed ResyncGlb ${PKG_VERSION.replace(/\./g, '\\.')}`));
  const names = readZip(readFileSync(join(out, `ResyncGlb.${PKG_VERSION}.nupkg`))).map((e) => e.name);
  expect(names).toContain('bin/resync-glb.cjs');
  expect(names).toContain('bin/win-x64/resync-glb.exe');
  expect(names).not.toContain('bin/meta.json');
});

// ---------------------------------------------------------------------------------------------
// Made-up module folders: the writer's stored/deflated/empty paths, and every refusal.
// ---------------------------------------------------------------------------------------------
describe('a made-up module folder', () => {
  function makeModule(name: string, opts: { manifest?: (m: string) => string; files?: Record<string, Buffer | string>; omit?: string[] } = {}): string {
    const dir = join(work, name, 'ResyncGlb');
    mkdirSync(dir, { recursive: true });
    let manifest = `@{
    RootModule = 'ResyncGlb.psm1'   # comment
    ModuleVersion = '${PKG_VERSION}'
    Author = "Tests & <Co>"
    Description = 'It''s a made-up module'
    FormatsToProcess = 'ResyncGlb.Format.ps1xml'
    FunctionsToExport = @(
        'Get-Thing'
        'Set-Thing'
    )
    FileList = @('ResyncGlb.psd1', 'ResyncGlb.psm1', 'bin/resync-glb.cjs', 'en-US/about_ResyncGlb.help.txt')
    PrivateData = @{ PSData = @{ Tags = @('One', 'Two'); LicenseUri = 'https://example.invalid/license' } }
}
`;
    if (opts.manifest) manifest = opts.manifest(manifest);
    const files: Record<string, Buffer | string> = {
      'ResyncGlb.psd1': manifest,
      'ResyncGlb.psm1': '# root module\n',
      'ResyncGlb.Format.ps1xml': '<Configuration />\n',
      'Public/Get-Thing.ps1': 'function Get-Thing { }\n'.repeat(200),
      'Public/Set-Thing.ps1': '',
      'Private/Helper.ps1': 'function Helper { }\n',
      'en-US/about_ResyncGlb.help.txt': 'TOPIC\n',
      'bin/resync-glb.cjs': randomBytes(70_000),
      'bin/win-x64/resync-glb.exe': randomBytes(1_000),
      'bin/meta.json': '{}',
      'Public/Get-Thing.Tests.ps1': 'Describe {}',
      ...opts.files,
    };
    for (const [rel, data] of Object.entries(files)) {
      if (opts.omit?.includes(rel)) continue;
      mkdirSync(join(dir, ...rel.split('/').slice(0, -1)), { recursive: true });
      writeFileSync(join(dir, ...rel.split('/')), data);
    }
    return dir;
  }

  it('round-trips stored (incompressible), deflated and empty files, and escapes the nuspec text', () => {
    const dir = makeModule('good');
    const out = join(work, 'good-out');
    const r = runPackager(['--module', dir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const entries = readZip(readFileSync(join(out, `ResyncGlb.${PKG_VERSION}.nupkg`)));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('bin/resync-glb.cjs')!.method).toBe(0);
    expect(byName.get('Public/Get-Thing.ps1')!.method).toBe(8);
    expect(byName.get('Public/Set-Thing.ps1')!.data.length).toBe(0);
    for (const [name, e] of byName) {
      if (/^(ResyncGlb\.nuspec|\[Content_Types\]\.xml|_rels\/|package\/)/.test(name)) continue;
      expect(e.data.equals(readFileSync(join(dir, ...name.split('/')))), name).toBe(true);
    }
    expect(byName.has('bin/meta.json')).toBe(false);
    expect(byName.has('Public/Get-Thing.Tests.ps1')).toBe(false);
    const nuspec = byName.get('ResyncGlb.nuspec')!.data.toString('utf8');
    expect(nuspec).toContain('<authors>Tests &amp; &lt;Co&gt;</authors>');
    expect(nuspec).toContain("<description>It's a made-up module</description>");
    expect(tag(nuspec, 'tags')).toBe('One Two PSModule PSIncludes_Function PSFunction_Get-Thing PSFunction_Set-Thing PSCommand_Get-Thing PSCommand_Set-Thing');
    expect(tag(nuspec, 'licenseUrl')).toBe('https://example.invalid/license');
  });

  it('gives the same bytes whatever the build machine\'s time zone (SOURCE_DATE_EPOCH set)', () => {
    const dir = makeModule('zones');
    const built = ['UTC', 'Asia/Tokyo', 'America/St_Johns'].map((zone) => {
      const out = join(work, `zones-out-${zone.replace(/\W+/g, '-')}`);
      const r = runPackager(['--module', dir, '--out', out], { ...process.env, TZ: zone, SOURCE_DATE_EPOCH: '1700000000' });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(join(out, 'SHA256SUMS'), 'utf8');
    });
    expect(built[1]).toBe(built[0]);
    expect(built[2]).toBe(built[0]);
  });

  const refusals: Array<[string, Parameters<typeof makeModule>[1], RegExp]> = [
    ['a FileList entry is missing (the bundle was not built)', { omit: ['bin/resync-glb.cjs'] }, /FileList entry 'bin\/resync-glb\.cjs' is not in the module folder \(run 'node build\.mjs' first\)/],
    ['the Windows engine is missing (node.exe could not be had)', { omit: ['bin/win-x64/resync-glb.exe'] }, /the Windows engine bin\/win-x64\/resync-glb\.exe is not in the module folder/],
    ['an exported function has no Public file', { omit: ['Public/Set-Thing.ps1'] }, /FunctionsToExport names Set-Thing but there is no Public\/Set-Thing\.ps1/],
    ['a Public file is not exported', { files: { 'Public/Extra.ps1': '' } }, /Public\/Extra\.ps1 is not in FunctionsToExport/],
    ['an unexpected file sits in the module folder', { files: { 'notes.md': 'x', 'bin/debug.log': 'x' } }, /unexpected file\(s\) in .*: bin\/debug\.log, notes\.md/],
    ['ModuleVersion differs from package.json', { manifest: (m) => m.replace(`ModuleVersion = '${PKG_VERSION}'`, "ModuleVersion = '9.9.9'") }, /ModuleVersion 9\.9\.9 does not match package\.json version/],
    ['FunctionsToExport uses a wildcard', { manifest: (m) => m.replace("'Get-Thing'\n        'Set-Thing'", "'*'") }, /FunctionsToExport has a wildcard/],
    ['the manifest is not data', { manifest: (m) => m.replace("Author = \"Tests & <Co>\"", 'Author = "$env:USERNAME"') }, /ResyncGlb\.psd1, line 4: a "\$" in a double-quoted string is an expression/],
    ['the format file is missing', { omit: ['ResyncGlb.Format.ps1xml'] }, /'ResyncGlb\.Format\.ps1xml' \(FormatsToProcess\/TypesToProcess\) is not in the module folder/],
  ];
  it.each(refusals)('refuses when %s, with the reason, and writes nothing', (label, opts, message) => {
    const dir = makeModule(`bad-${label.replace(/\W+/g, '-')}`, opts);
    const out = join(work, `bad-out-${label.replace(/\W+/g, '-')}`);
    const r = runPackager(['--module', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^package: /);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown argument', () => {
    const r = runPackager(['--outdir', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("package: unknown argument '--outdir'");
  });
});
