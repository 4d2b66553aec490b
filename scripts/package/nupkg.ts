// The parts of a .nupkg besides the module files, as NuGet's PackageBuilder writes them (WriteManifest,
// WriteOpcContentTypes, WriteOpcManifestRelationship, WriteOpcPackageProperties) and as PowerShellGet's
// Publish-Module and PSResourceGet's Publish-PSResource produce them: <Id>.nuspec and the module files
// at the root, [Content_Types].xml, _rels/.rels and package/services/metadata/core-properties/<name>.psmdcp.
// Tags are the manifest's PSData.Tags, then PSModule, PSIncludes_Function and PSFunction_<name> /
// PSCommand_<name> for every exported function.
import { createHash } from 'node:crypto';
import type { ModuleInfo } from './module-folder';
import { field, type Psd1Value } from './psd1';
import type { ZipInput } from './zip';

const xml = (s: Psd1Value | undefined): string =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export function nuspecTags(info: ModuleInfo): string[] {
  const out = [...info.tags, 'PSModule'];
  if (info.functions.length) {
    out.push('PSIncludes_Function', ...info.functions.map((f) => `PSFunction_${f}`));
    out.push(...info.functions.map((f) => `PSCommand_${f}`));
  }
  return [...new Set(out)];
}

export function nuspec(info: ModuleInfo): string {
  const m = info.manifest;
  const d = info.psData;
  const el = (name: string, v: Psd1Value | undefined): string =>
    v === undefined || v === null || String(v).trim() === '' ? '' : `    <${name}>${xml(String(v).trim())}</${name}>\n`;
  const notes = field(d, 'ReleaseNotes');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">\n' +
    '  <metadata>\n' +
    el('id', info.id) +
    el('version', info.version) +
    el('authors', field(m, 'Author')) +
    el('owners', field(m, 'CompanyName')) +
    el('requireLicenseAcceptance', field(d, 'RequireLicenseAcceptance') ? 'true' : 'false') +
    el('licenseUrl', field(d, 'LicenseUri')) +
    el('projectUrl', field(d, 'ProjectUri')) +
    el('iconUrl', field(d, 'IconUri')) +
    el('description', field(m, 'Description')) +
    el('releaseNotes', Array.isArray(notes) ? notes.join('\n') : notes) +
    el('copyright', field(m, 'Copyright')) +
    el('tags', nuspecTags(info).join(' ')) +
    '  </metadata>\n' +
    '</package>\n'
  );
}

const sha512hex = (data: Buffer): string => createHash('sha512').update(data).digest('hex').toUpperCase();
const relId = (target: string): string => 'R' + sha512hex(Buffer.from(target, 'utf8')).slice(0, 16);

/** A part name as NuGet writes it: each path segment escaped like Uri.EscapeDataString. */
export const partName = (path: string): string =>
  path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');

/** Every entry of the .nupkg, in order; `when` dates the parts written here. */
export function nupkgEntries(info: ModuleInfo, when: Date): ZipInput[] {
  const nuspecName = `${info.id}.nuspec`;
  const hash = createHash('sha512');
  for (const f of info.files) hash.update(f.data);
  const psmdcp = `package/services/metadata/core-properties/${hash.digest('hex').slice(0, 32)}.psmdcp`;
  const rels =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${nuspecName}" Id="${relId('/' + nuspecName)}" />` +
    `<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/${psmdcp}" Id="${relId('/' + psmdcp)}" />` +
    '</Relationships>\n';
  const extensions = new Set(['nuspec']);
  const noExtension: string[] = [];
  for (const f of info.files) {
    const base = f.name.slice(f.name.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    if (dot > 0 && dot < base.length - 1) extensions.add(base.slice(dot + 1));
    else noExtension.push(f.name);
  }
  const types =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />' +
    '<Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />' +
    [...extensions].map((x) => `<Default Extension="${xml(x)}" ContentType="application/octet" />`).join('') +
    noExtension.map((n) => `<Override PartName="/${xml(partName(n))}" ContentType="application/octet" />`).join('') +
    '</Types>\n';
  const m = info.manifest;
  const core =
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">' +
    `<dc:creator>${xml(field(m, 'Author'))}</dc:creator>` +
    `<dc:description>${xml(field(m, 'Description'))}</dc:description>` +
    `<dc:identifier>${xml(info.id)}</dc:identifier>` +
    `<version>${xml(info.version)}</version>` +
    `<keywords>${xml(nuspecTags(info).join(' '))}</keywords>` +
    '<lastModifiedBy>ResyncGlb scripts/package.ts</lastModifiedBy>' +
    '</coreProperties>\n';
  const text = (name: string, s: string): ZipInput => ({ name, data: Buffer.from(s, 'utf8'), mtime: when, mode: 0o644 });
  return [
    text('_rels/.rels', rels),
    text(nuspecName, nuspec(info)),
    ...info.files.map((f) => ({ ...f, name: partName(f.name) })),
    text('[Content_Types].xml', types),
    text(psmdcp, core),
  ];
}
