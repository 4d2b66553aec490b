// `npm run package` (after `node build.mjs`): packs the built module (dist/ResyncGlb) into dist/packages/ as
//   ResyncGlb.<version>.nupkg  - a NuGet package in the PowerShell Gallery layout that Install-Module /
//                                Install-PSResource accept from a local (folder) repository
//   ResyncGlb-<version>.zip    - the module folder (ResyncGlb/<files>) for unzipping into a Modules folder
//   SHA256SUMS                 - the SHA-256 of both, for Get-FileHash on the admin's side
//
// The nupkg follows what PowerShellGet's Publish-Module (New-NuspecFile + nuget/dotnet pack) and
// PSResourceGet's Publish-PSResource produce: <Id>.nuspec at the root, the module files at the root,
// [Content_Types].xml, _rels/.rels and package/services/metadata/core-properties/<name>.psmdcp (NuGet's
// PackageBuilder); tags are the manifest's PSData.Tags, then PSModule, PSIncludes_Function and
// PSFunction_<name> / PSCommand_<name> for every exported function.
//
// The manifest is read with a small reader for the PowerShell data language (hashtables, arrays,
// quoted strings, numbers, $true/$false/$null, comments). ZIP archives are written here (local
// headers, central directory, CRC-32; deflateRaw from node:zlib), deterministically: entry times come
// from SOURCE_DATE_EPOCH or the newest module file, so the same inputs give the same bytes.
//
// Usage: node scripts/package.mjs [--module <module folder>] [--out <folder>]
// Exit code 0 on success; 1 with "package: <reason>" on stderr when anything is wrong.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class PackageError extends Error {}

// ---------------------------------------------------------------------------------------------
// PowerShell data file (.psd1) reader: the subset manifests use. Anything else is an error.
// ---------------------------------------------------------------------------------------------
export function parsePsd1(text, fileName = 'manifest') {
  let i = 0;
  const fail = (what) => {
    const line = text.slice(0, i).split('\n').length;
    throw new PackageError(`${fileName}, line ${line}: ${what}`);
  };
  const skip = (newlines) => {
    for (;;) {
      const c = text[i];
      if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '<' && text[i + 1] === '#') {
        const end = text.indexOf('#>', i + 2);
        if (end < 0) fail('unterminated <# comment');
        i = end + 2;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF' || (newlines && c === '\n')) {
        i++;
      } else if (c === '`' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
        i += 2; // line continuation
      } else {
        return;
      }
    }
  };
  const single = () => {
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === "'" || c === '\u2019' || c === '\u2018') {
        if (text[i] === c) { s += c; i++; } else return s;
      } else s += c;
    }
  };
  const double = () => {
    i++;
    let s = '';
    const escapes = { n: '\n', t: '\t', r: '\r', 0: '\0', '`': '`', '"': '"', $: '$', "'": "'" };
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === '"') {
        if (text[i] === '"') { s += '"'; i++; } else return s;
      } else if (c === '`') {
        const e = text[i++];
        s += escapes[e] ?? e;
      } else if (c === '$') {
        fail('a "$" in a double-quoted string is an expression, not data; use single quotes');
      } else s += c;
    }
  };
  const scalar = () => {
    skip(false);
    const c = text[i];
    if (c === "'" || c === '\u2018' || c === '\u2019') return single();
    if (c === '"') return double();
    if (c === '@' && text[i + 1] === '{') return hashtable();
    if (c === '@' && text[i + 1] === '(') return array();
    if (c === '@' && (text[i + 1] === "'" || text[i + 1] === '"')) fail('here-strings are not supported in the manifest');
    const m = /^(\$true|\$false|\$null|-?\d+(\.\d+)?)(?![\w.])/i.exec(text.slice(i));
    if (!m) fail(`unexpected '${text.slice(i, i + 20).split('\n')[0]}'`);
    i += m[0].length;
    const w = m[0].toLowerCase();
    if (w === '$true') return true;
    if (w === '$false') return false;
    if (w === '$null') return null;
    return Number(m[0]);
  };
  // A value, or a comma list of values (an array without @()).
  const value = () => {
    const first = scalar();
    skip(false);
    if (text[i] !== ',') return first;
    const list = [first];
    while (text[i] === ',') {
      i++;
      skip(true);
      list.push(scalar());
      skip(false);
    }
    return list;
  };
  const array = () => {
    i += 2;
    const items = [];
    for (;;) {
      skip(true);
      if (text[i] === ')') { i++; return items; }
      if (i >= text.length) fail('unterminated @(');
      const v = value();
      if (Array.isArray(v)) items.push(...v); else items.push(v);
      skip(false);
      if (text[i] === ',' || text[i] === ';') i++;
    }
  };
  const hashtable = () => {
    i += 2;
    const table = {};
    for (;;) {
      skip(true);
      if (text[i] === ';') { i++; continue; }
      if (text[i] === '}') { i++; return table; }
      if (i >= text.length) fail('unterminated @{');
      let key;
      if (text[i] === "'") key = single();
      else if (text[i] === '"') key = double();
      else {
        const m = /^[A-Za-z_][\w]*/.exec(text.slice(i));
        if (!m) fail('expected a key');
        key = m[0];
        i += key.length;
      }
      skip(false);
      if (text[i] !== '=') fail(`expected '=' after ${key}`);
      i++;
      skip(true);
      if (Object.keys(table).some((k) => k.toLowerCase() === key.toLowerCase())) fail(`duplicate key ${key}`);
      table[key] = value();
    }
  };
  skip(true);
  if (!(text[i] === '@' && text[i + 1] === '{')) fail('a manifest is one @{ ... } hashtable');
  const result = hashtable();
  skip(true);
  if (i < text.length) fail('text after the closing }');
  return result;
}

/** Case-insensitive lookup, as PowerShell hashtables do. */
export function field(table, name) {
  if (table === null || typeof table !== 'object' || Array.isArray(table)) return undefined;
  const key = Object.keys(table).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : table[key];
}

const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** NuGet's normalized form of a 2-4 part version: three parts at least, a zero fourth part dropped. */
export function normalizeVersion(v) {
  const s = String(v);
  if (!/^\d+(\.\d+){1,3}$/.test(s)) throw new PackageError(`ModuleVersion '${s}' is not a version of 2 to 4 numbers`);
  const parts = s.split('.').map((p) => String(Number(p)));
  while (parts.length < 3) parts.push('0');
  if (parts.length === 4 && parts[3] === '0') parts.pop();
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------
// The module folder: which files ship.
// ---------------------------------------------------------------------------------------------
// Left out on purpose: esbuild's metafile, dotfiles, tests, TypeScript and source maps.
const EXCLUDED = [/^bin\/meta\.json$/, /(^|\/)\./, /\.Tests\.ps1$/i, /\.ts$/i, /\.map$/i];
// What a ResyncGlb module folder may hold. Anything else stops the packing, so nothing unexpected ships.
const ALLOWED = [
  /^[^/]+\.(psd1|psm1|ps1xml)$/i, // manifest, root module, format and type files
  /^(Public|Private)\/.+\.ps1$/, // one function per file
  /^[a-z]{2}(-[A-Za-z]{2,4})?\/[^/]+\.(txt|xml)$/, // about_ help topics and MAML help per culture
  /^bin\/resync-glb\.cjs$/, // the bundled engine
  /^ps1\/[^/]+\.ps1$/, // the Windows operations' fixed scripts (copied from ps1/ by build.mjs)
];

function walk(dir, base = dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, base, out);
    else if (e.isFile()) out.push(relative(base, full).split(sep).join('/'));
    else throw new PackageError(`${full} is neither a file nor a folder (links are not packed)`);
  }
  return out;
}

export function collectModule(moduleDir) {
  const id = basename(moduleDir);
  const manifestName = `${id}.psd1`;
  let manifestText;
  try {
    manifestText = readFileSync(join(moduleDir, manifestName), 'utf8');
  } catch {
    throw new PackageError(`no manifest ${manifestName} in ${moduleDir}`);
  }
  const manifest = parsePsd1(manifestText, manifestName);
  const all = walk(moduleDir).sort();
  const files = [];
  const unexpected = [];
  for (const f of all) {
    if (EXCLUDED.some((r) => r.test(f))) continue;
    if (ALLOWED.some((r) => r.test(f))) files.push(f);
    else unexpected.push(f);
  }
  if (unexpected.length) {
    throw new PackageError(`unexpected file(s) in ${moduleDir}: ${unexpected.join(', ')}. Remove them, or add a rule in scripts/package.mjs if they belong in the module.`);
  }
  const has = new Set(files);
  const problems = [];

  const version = normalizeVersion(field(manifest, 'ModuleVersion') ?? '');
  for (const key of ['Author', 'Description']) {
    if (typeof field(manifest, key) !== 'string' || !field(manifest, key).trim()) problems.push(`the manifest has no ${key} (the Gallery requires it)`);
  }
  const rootModule = field(manifest, 'RootModule');
  if (typeof rootModule !== 'string' || !has.has(rootModule.replace(/\\/g, '/'))) problems.push(`RootModule '${rootModule}' is not in the module folder`);
  for (const f of asList(field(manifest, 'FormatsToProcess')).concat(asList(field(manifest, 'TypesToProcess')))) {
    if (!has.has(String(f).replace(/\\/g, '/'))) problems.push(`'${f}' (FormatsToProcess/TypesToProcess) is not in the module folder`);
  }
  for (const f of asList(field(manifest, 'FileList'))) {
    if (!has.has(String(f).replace(/\\/g, '/'))) problems.push(`FileList entry '${f}' is not in the module folder${String(f).startsWith('bin/') ? " (run 'node build.mjs' first)" : ''}`);
  }
  const functions = asList(field(manifest, 'FunctionsToExport')).map(String);
  if (functions.some((f) => /[*?]/.test(f))) problems.push('FunctionsToExport has a wildcard; list every function (the tags and command discovery need the names)');
  const publicFunctions = files.filter((f) => /^Public\/[^/]+\.ps1$/.test(f)).map((f) => f.slice('Public/'.length, -'.ps1'.length));
  for (const fn of functions) if (!publicFunctions.includes(fn)) problems.push(`FunctionsToExport names ${fn} but there is no Public/${fn}.ps1`);
  for (const fn of publicFunctions) if (!functions.includes(fn)) problems.push(`Public/${fn}.ps1 is not in FunctionsToExport`);
  if (asList(field(manifest, 'RequiredModules')).length) problems.push('RequiredModules are not supported by this packer (no nuspec dependencies are written)');
  const psData = field(field(manifest, 'PrivateData'), 'PSData');
  const tags = asList(field(psData, 'Tags')).map(String);
  for (const t of tags) if (!t || /\s/.test(t)) problems.push(`tag '${t}' is empty or has white space (nuspec tags are space-separated)`);
  if (field(psData, 'Prerelease')) problems.push('PSData.Prerelease is not supported by this packer');

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (normalizeVersion(pkg.version) !== version) {
    problems.push(`ModuleVersion ${field(manifest, 'ModuleVersion')} does not match package.json version ${pkg.version} (the bundle reports the package.json one); make them equal`);
  }
  if (problems.length) throw new PackageError(problems.join('; '));

  const entries = files.map((name) => {
    const full = join(moduleDir, ...name.split('/'));
    return { name, data: readFileSync(full), mtime: statSync(full).mtime, mode: statSync(full).mode & 0o777 };
  });
  return { id, version, manifest, functions, tags, psData, entries };
}

// ---------------------------------------------------------------------------------------------
// NuGet / OPC metadata (NuGet's PackageBuilder: WriteManifest, WriteOpcContentTypes,
// WriteOpcManifestRelationship, WriteOpcPackageProperties).
// ---------------------------------------------------------------------------------------------
const xml = (s) =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export function nuspecTags(moduleInfo) {
  const out = [...moduleInfo.tags, 'PSModule'];
  if (moduleInfo.functions.length) {
    out.push('PSIncludes_Function', ...moduleInfo.functions.map((f) => `PSFunction_${f}`));
    out.push(...moduleInfo.functions.map((f) => `PSCommand_${f}`));
  }
  return [...new Set(out)];
}

export function nuspec(moduleInfo) {
  const m = moduleInfo.manifest;
  const d = moduleInfo.psData;
  const el = (name, v) => (v === undefined || v === null || String(v).trim() === '' ? '' : `    <${name}>${xml(String(v).trim())}</${name}>\n`);
  const notes = field(d, 'ReleaseNotes');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">\n' +
    '  <metadata>\n' +
    el('id', moduleInfo.id) +
    el('version', moduleInfo.version) +
    el('authors', field(m, 'Author')) +
    el('owners', field(m, 'CompanyName')) +
    el('requireLicenseAcceptance', field(d, 'RequireLicenseAcceptance') ? 'true' : 'false') +
    el('licenseUrl', field(d, 'LicenseUri')) +
    el('projectUrl', field(d, 'ProjectUri')) +
    el('iconUrl', field(d, 'IconUri')) +
    el('description', field(m, 'Description')) +
    el('releaseNotes', Array.isArray(notes) ? notes.join('\n') : notes) +
    el('copyright', field(m, 'Copyright')) +
    el('tags', nuspecTags(moduleInfo).join(' ')) +
    '  </metadata>\n' +
    '</package>\n'
  );
}

const sha512hex = (data) => createHash('sha512').update(data).digest('hex').toUpperCase();
const relId = (target) => 'R' + sha512hex(Buffer.from(target, 'utf8')).slice(0, 16);

/** A part name as NuGet writes it: each path segment escaped like Uri.EscapeDataString. */
export const partName = (path) =>
  path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');

export function nupkgEntries(moduleInfo, when) {
  const nuspecName = `${moduleInfo.id}.nuspec`;
  const hash = createHash('sha512');
  for (const e of moduleInfo.entries) hash.update(e.data);
  const psmdcp = `package/services/metadata/core-properties/${hash.digest('hex').slice(0, 32)}.psmdcp`;
  const rels =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${nuspecName}" Id="${relId('/' + nuspecName)}" />` +
    `<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/${psmdcp}" Id="${relId('/' + psmdcp)}" />` +
    '</Relationships>\n';
  const extensions = new Set(['nuspec']);
  const noExtension = [];
  for (const e of moduleInfo.entries) {
    const b = e.name.split('/').pop();
    const dot = b.lastIndexOf('.');
    if (dot > 0 && dot < b.length - 1) extensions.add(b.slice(dot + 1));
    else noExtension.push(e.name);
  }
  const types =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />' +
    '<Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />' +
    [...extensions].map((x) => `<Default Extension="${xml(x)}" ContentType="application/octet" />`).join('') +
    noExtension.map((n) => `<Override PartName="/${xml(partName(n))}" ContentType="application/octet" />`).join('') +
    '</Types>\n';
  const m = moduleInfo.manifest;
  const core =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">' +
    `<dc:creator>${xml(field(m, 'Author'))}</dc:creator>` +
    `<dc:description>${xml(field(m, 'Description'))}</dc:description>` +
    `<dc:identifier>${xml(moduleInfo.id)}</dc:identifier>` +
    `<version>${xml(moduleInfo.version)}</version>` +
    `<keywords>${xml(nuspecTags(moduleInfo).join(' '))}</keywords>` +
    '<lastModifiedBy>ResyncGlb scripts/package.mjs</lastModifiedBy>' +
    '</coreProperties>\n';
  const text = (name, s) => ({ name, data: Buffer.from(s, 'utf8'), mtime: when, mode: 0o644 });
  return [
    text('_rels/.rels', rels),
    text(nuspecName, nuspec(moduleInfo)),
    ...moduleInfo.entries.map((e) => ({ ...e, name: partName(e.name) })),
    text('[Content_Types].xml', types),
    text(psmdcp, core),
  ];
}

// ---------------------------------------------------------------------------------------------
// ZIP writer (APPNOTE 6.3: local file headers, central directory, end record; no ZIP64).
// ---------------------------------------------------------------------------------------------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time (2-second resolution, 1980-2107), from the UTC fields so output is deterministic. */
function dosTime(date) {
  let d = date;
  if (d.getUTCFullYear() < 1980) d = new Date(Date.UTC(1980, 0, 1));
  if (d.getUTCFullYear() > 2107) d = new Date(Date.UTC(2107, 11, 31, 23, 59, 58));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** entries: [{ name, data: Buffer, mtime: Date, mode?: number }] -> the archive's bytes. */
export function buildZip(entries) {
  if (entries.length >= 0xffff) throw new PackageError('too many files for a ZIP without ZIP64');
  const locals = [];
  const centrals = [];
  let offset = 0;
  const seen = new Set();
  for (const e of entries) {
    if (seen.has(e.name.toLowerCase())) throw new PackageError(`two entries named ${e.name}`);
    seen.add(e.name.toLowerCase());
    const name = Buffer.from(e.name, 'utf8');
    const utf8 = /[^\x20-\x7e]/.test(e.name) ? 0x0800 : 0;
    const crc = crc32(e.data);
    const deflated = e.data.length ? deflateRawSync(e.data, { level: 9 }) : Buffer.alloc(0);
    const stored = deflated.length >= e.data.length;
    const body = stored ? e.data : deflated;
    if (body.length > 0xfffffffe || offset > 0xfffffffe) throw new PackageError(`${e.name} is too large for a ZIP without ZIP64`);
    const { time, date } = dosTime(e.mtime);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(utf8, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: UNIX, 2.0 (so unzip/.NET keep the file mode)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(utf8, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number start, internal attributes: 0
    central.writeUInt32LE(((0o100000 | ((e.mode ?? 0o644) & 0o777)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ---------------------------------------------------------------------------------------------
function writeAtomic(file, data) {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

export function packageModule({ moduleDir, outDir }) {
  const info = collectModule(moduleDir);
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const when = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date(Math.max(...info.entries.map((e) => e.mtime.getTime())));
  if (epoch) for (const e of info.entries) e.mtime = when;
  for (const e of info.entries) e.mode = e.mode & 0o111 ? 0o755 : 0o644;

  const nupkg = buildZip(nupkgEntries(info, when));
  const zip = buildZip(info.entries.map((e) => ({ ...e, name: `${info.id}/${e.name}` })));
  mkdirSync(outDir, { recursive: true });
  const outputs = [
    { file: join(outDir, `${info.id}.${info.version}.nupkg`), data: nupkg },
    { file: join(outDir, `${info.id}-${info.version}.zip`), data: zip },
  ];
  for (const o of outputs) writeAtomic(o.file, o.data);
  const sums = outputs.map((o) => `${createHash('sha256').update(o.data).digest('hex').toUpperCase()}  ${basename(o.file)}\n`).join('');
  writeAtomic(join(outDir, 'SHA256SUMS'), sums);
  return { id: info.id, version: info.version, files: info.entries.map((e) => e.name), outputs: outputs.map((o) => ({ file: o.file, length: o.data.length })), sums };
}

function parseArgs(argv) {
  const opts = { moduleDir: join(ROOT, 'dist', 'ResyncGlb'), outDir: join(ROOT, 'dist', 'packages') };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = () => {
      if (k + 1 >= argv.length) throw new PackageError(`${a} needs a value`);
      return argv[++k];
    };
    if (a === '--module') opts.moduleDir = resolve(next());
    else if (a === '--out') opts.outDir = resolve(next());
    else throw new PackageError(`unknown argument '${a}' (use --module <folder> and --out <folder>)`);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = packageModule(parseArgs(process.argv.slice(2)));
    process.stdout.write(`packed ${r.id} ${r.version}: ${r.files.length} module files\n`);
    for (const o of r.outputs) process.stdout.write(`  ${relative(process.cwd(), o.file) || o.file}  (${o.length} bytes)\n`);
    process.stdout.write(`SHA-256:\n${r.sums.replace(/^/gm, '  ').trimEnd()}\nInstall: docs/INSTALL.md\n`);
  } catch (e) {
    process.stderr.write(`package: ${e instanceof PackageError ? e.message : (e && e.stack) || e}\n`);
    process.exitCode = 1;
  }
}
