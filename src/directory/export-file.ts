/**
 * The offline source: a directory export of the site's Connections container made with the
 * Exchange Administrator program's directory export, `admin /e`, in raw mode (domain.md, "The Exchange
 * directory"; Q160971). docs/DIRECTORY.md defines what is read:
 * - the first line names the columns (raw mode: schema names such as Obj-Class, Common-Name);
 * - columns are separated by commas, or by tabs when the header line has a tab and no comma;
 *   a field in double quotes may hold separators, with "" for a quote;
 * - multi-valued fields separate values with `%` (the export's default value separator);
 * - the file is ANSI (read as Windows-1252), or UTF-16LE / UTF-8 with a byte-order mark;
 * - only rows whose Obj-Class is Remote-DXA are requestors (all rows, when there is no Obj-Class column).
 * Column names are matched without regard to case; an attribute map renames them.
 */
import { readFile } from 'node:fs/promises';
import { ResyncError } from '../shared/errors';
import type { AttributeMap } from './mapping';
import { toBool, toNumber } from './ldap-source';
import type { DirectoryListing, DirectoryRequestor } from './types';
import { errnoCode } from '../shared/errno';

export const MULTI_VALUE_SEPARATOR = '%';
const DN_COLUMN = 'Obj-Dist-Name';
/** The class of the requestor objects, as the raw export writes it in Obj-Class (Q182511). */
export const REQUESTOR_CLASS = 'Remote-DXA';

export function decodeExport(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return new TextDecoder('windows-1252').decode(buf);
}

/** Splits the text into rows of fields (CSV-style quoting; line breaks inside quotes are kept). */
export function parseDelimited(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** `/o=ORG/ou=SITE/cn=Configuration/cn=Connections/cn=DSS/cn=SALES` -> `SALES`. */
export function rdnFromObjDistName(dn: string): string | null {
  const parts = dn.split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last) return null;
  const eq = last.indexOf('=');
  return eq >= 0 ? last.slice(eq + 1) : last;
}

export function parseExport(text: string, map: AttributeMap, source: string): DirectoryListing {
  const nl = text.search(/\r?\n/);
  const headerLine = nl >= 0 ? text.slice(0, nl) : text;
  const sep = headerLine.includes('\t') && !headerLine.includes(',') ? '\t' : ',';
  const rows = parseDelimited(text, sep);
  const header = (rows.shift() ?? []).map((h) => h.trim());
  const col = (name: string): number => (name ? header.findIndex((h) => h.toLowerCase() === name.toLowerCase()) : -1);
  const iDisplay = col(map.displayName);
  const iCommon = col(map.commonName);
  const iRdn = col(map.rdn);
  const iDn = col(DN_COLUMN);
  if (iDisplay < 0 && iCommon < 0 && iRdn < 0 && iDn < 0) {
    throw new ResyncError(
      'DirectoryExportInvalid',
      `${source} has none of the columns ${[map.displayName, map.commonName, map.rdn, DN_COLUMN].filter(Boolean).join(', ')} in its first line; export the Connections container with 'admin /e' (raw mode) including them (docs/DIRECTORY.md).`,
      { target: source, columns: header },
    );
  }
  const iClass = col(map.objectClass);
  const warnings: string[] = [];
  const missing = [map.reqSeq, map.srvSeq, map.confSeq, map.impSeq, ...map.exportSettings].filter((c) => col(c) < 0);
  if (missing.length) warnings.push(`${source} has no column ${missing.join(', ')}; those fields stay empty.`);
  const get = (r: string[], i: number): string | null => (i >= 0 && i < r.length ? r[i]! : null);
  const requestors: DirectoryRequestor[] = [];
  for (const r of rows) {
    if (iClass >= 0 && (get(r, iClass) ?? '').trim().toLowerCase() !== REQUESTOR_CLASS.toLowerCase()) continue;
    const dn = get(r, iDn);
    const rdn = (get(r, iRdn) || (dn ? rdnFromObjDistName(dn) : null) || get(r, iCommon) || '').trim();
    const commonName = (get(r, iCommon) || rdn).trim();
    const displayName = (get(r, iDisplay) || commonName).trim();
    if (!displayName) continue;
    const settings: Record<string, string[]> = {};
    for (const a of map.exportSettings) {
      const v = get(r, col(a));
      settings[a] = v ? v.split(MULTI_VALUE_SEPARATOR).filter((x) => x !== '') : [];
    }
    requestors.push({
      displayName,
      commonName,
      rdn,
      distinguishedName: dn,
      reqName: get(r, col(map.reqName)),
      reqSeq: toNumber(get(r, col(map.reqSeq))),
      srvSeq: toNumber(get(r, col(map.srvSeq))),
      confSeq: toNumber(get(r, col(map.confSeq))),
      impSeq: toNumber(get(r, col(map.impSeq))),
      exportNow: toBool(get(r, col(map.exportNow))),
      importNow: toBool(get(r, col(map.importNow))),
      exportSettings: settings,
    });
  }
  return { source, requestors, warnings };
}

export async function listFromExportFile(path: string, map: AttributeMap): Promise<DirectoryListing> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = errnoCode(e);
    throw new ResyncError('InvalidPath', `Cannot read the directory export ${path} (${code ?? (e as Error).message}).`, { target: path });
  }
  return parseExport(decodeExport(buf), map, path);
}
