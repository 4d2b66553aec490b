/** The directory's pure parts: escaping, DN parsing, schema names, near matches, groups, export files. */
import { describe, expect, it } from 'vitest';
import { bindDnFor, equalityFilter, escapeDnValue, escapeFilterValue, firstRdnValue } from '../../src/shared/ldap-names';
import { definitionNames, SchemaNames } from '../../src/directory/schema';
import { checkNames, editDistance, nearMatches } from '../../src/directory/match';
import { configurationKey, groupByConfiguration } from '../../src/directory/group';
import { decodeExport, parseDelimited, parseExport, rdnFromObjDistName } from '../../src/directory/export-file';
import { applyAttributeMap, DEFAULT_ATTRIBUTE_MAP, DEFAULT_EXPORT_COLUMNS } from '../../src/directory/mapping';
import { parseServer } from '../../src/directory/ldap-source';
import { isResyncError } from '../../src/shared/errors';
import type { DirectoryRequestor } from '../../src/directory/types';

function req(displayName: string, commonName: string, rdn: string, settings: Record<string, string[]> = {}): DirectoryRequestor {
  return { displayName, commonName, rdn, distinguishedName: null, reqName: null, reqSeq: null, srvSeq: null, confSeq: null, impSeq: null, exportNow: null, importNow: null, exportSettings: settings };
}

function errorId(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isResyncError(e) ? e.id : 'not a ResyncError';
  }
  return undefined;
}

describe('LDAP filter and DN escaping', () => {
  it('escapes *, (, ), \\ and NUL in filter values (RFC 4515) and nothing else', () => {
    expect(escapeFilterValue('a*b(c)d\\e\u0000f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('Sales Postoffice, Ünïcode =<>~')).toBe('Sales Postoffice, Ünïcode =<>~');
    expect(equalityFilter('cn', '*')).toBe('(cn=\\2a)');
    expect(equalityFilter('Admin-Display-Name', ')(objectClass=*')).toBe('(Admin-Display-Name=\\29\\28objectClass=\\2a)');
    expect(() => equalityFilter('cn)(x', 'a')).toThrow();
  });

  it('escapes DN values (RFC 4514) and reads the first RDN value back', () => {
    expect(escapeDnValue('a,b+c"d\\e<f>g;h=i')).toBe('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i');
    expect(escapeDnValue(' #lead trail ')).toBe('\\ #lead trail\\ ');
    for (const v of ['ODD)(', 'a,b', 'x\\y', 'Ünï', ' sp ']) expect(firstRdnValue(`cn=${escapeDnValue(v)},cn=X`)).toBe(v);
    expect(firstRdnValue('rdn=ODD\\5C\\5C,cn=LABDSS')).toBe('ODD\\\\');
    expect(firstRdnValue('cn=\\C3\\9Cml,o=x')).toBe('Üml');
  });

  it('turns DOMAIN\\account into cn=<account>,cn=<NT domain> (Q156063 2.7.5); DNs pass; other forms are refused', () => {
    expect(bindDnFor('CORP\\exadmin')).toBe('cn=exadmin,cn=CORP');
    expect(bindDnFor('CORP\\a,b')).toBe('cn=a\\,b,cn=CORP');
    expect(bindDnFor('cn=x,cn=Y')).toBe('cn=x,cn=Y');
    expect(bindDnFor('exadmin')).toBeNull();
    expect(bindDnFor('\\x')).toBeNull();
    expect(bindDnFor('CORP\\')).toBeNull();
  });

  it('parses server forms', () => {
    expect(parseServer('EXCH01')).toEqual({ host: 'EXCH01', port: undefined });
    expect(parseServer('exch01:1389')).toEqual({ host: 'exch01', port: 1389 });
    expect(parseServer('[::1]:389')).toEqual({ host: '::1', port: 389 });
    expect(parseServer('ldaps://exch01')).toEqual({ host: 'exch01', port: undefined, secure: true });
    expect(errorId(() => parseServer('a b'))).toBe('Usage');
  });
});

describe('schema names', () => {
  it('reads single and multiple NAMEs from RFC 4512 definitions', () => {
    expect(definitionNames("( 1.2 NAME 'Remote-DXA' SUP top )")).toEqual(['Remote-DXA']);
    expect(definitionNames("( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )")).toEqual(['cn', 'commonName']);
    expect(definitionNames('( 1.2 DESC x )')).toEqual([]);
    const s = new SchemaNames(["( 1 NAME 'Remote-DXA' )", "( 2 NAME 'DXA-Site-Server' )"], ["( 3 NAME ( 'cn' 'commonName' ) )"]);
    expect(s.hasClass('remote-dxa')).toBe(true);
    expect(s.hasAttribute('COMMONNAME')).toBe(true);
    expect(s.classesLike('dxa')).toEqual(['DXA-Site-Server', 'Remote-DXA']);
  });
});

describe('attribute maps', () => {
  it('overrides fields case-insensitively and refuses unknown fields and non-descriptors for LDAP', () => {
    const m = applyAttributeMap(DEFAULT_ATTRIBUTE_MAP, { DisplayName: 'adminDisplayName', exportSettings: ['a', 'b'] }, true);
    expect(m.displayName).toBe('adminDisplayName');
    expect(m.exportSettings).toEqual(['a', 'b']);
    expect(DEFAULT_ATTRIBUTE_MAP.displayName).toBe('Admin-Display-Name');
    expect(errorId(() => applyAttributeMap(DEFAULT_ATTRIBUTE_MAP, { nope: 'x' }, true))).toBe('Usage');
    expect(errorId(() => applyAttributeMap(DEFAULT_ATTRIBUTE_MAP, { cn: 'x' }, true))).toBe('Usage');
    expect(errorId(() => applyAttributeMap(DEFAULT_ATTRIBUTE_MAP, { commonName: 'cn)(x' }, true))).toBe('Usage');
    expect(applyAttributeMap(DEFAULT_EXPORT_COLUMNS, { rdn: 'Directory Name' }, false).rdn).toBe('Directory Name');
  });
});

describe('near matches', () => {
  const list = [req('Sales PO', 'SALESPO', 'SALES'), req('Engineering PO', 'ENGPO', 'ENG'), req('Legal', 'LEGAL', 'LEGAL')];
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('SLAES PO', 'SALES PO')).toBe(1);
    expect(editDistance('', 'ABC')).toBe(3);
  });
  it("suggests 'Sales PO' for 'Slaes PO' and nothing for an unrelated name", () => {
    expect(nearMatches('Slaes PO', list)).toEqual(['Sales PO']);
    expect(nearMatches('engneering po', list)).toEqual(['Engineering PO']);
    expect(nearMatches('Marketing', list)).toEqual([]);
  });
  it('finds names by display name, common name or RDN without regard to case', () => {
    const c = checkNames([' sales po', 'engpo', 'LEGAL', 'Slaes PO'], list);
    expect(c.found.map((f) => f.requestor.rdn)).toEqual(['SALES', 'ENG', 'LEGAL']);
    expect(c.missing).toEqual([{ name: 'Slaes PO', suggestions: ['Sales PO'] }]);
  });
});

describe('configuration groups', () => {
  it('groups identical export settings (order of values and case ignored), in order of appearance', () => {
    const a = req('A', 'A', 'A', { 'Trust-Level': ['0'], 'Export-Containers': ['cn=R', 'cn=C'] });
    const b = req('B', 'B', 'B', { 'Trust-Level': ['2'], 'Export-Containers': ['cn=R'] });
    const c = req('C', 'C', 'C', { 'Export-Containers': ['CN=C', 'CN=R'], 'Trust-Level': ['0'] });
    const g = groupByConfiguration([a, b, c]);
    expect(g.map((x) => x.requestors.map((r) => r.rdn))).toEqual([['A', 'C'], ['B']]);
    expect(configurationKey(a)).toBe('Export-Containers=cn=C|cn=R; Trust-Level=0');
  });
});

describe('admin /e export files', () => {
  const map = DEFAULT_EXPORT_COLUMNS;
  it('splits quoted CSV fields with separators, doubled quotes and line breaks', () => {
    expect(parseDelimited('a,"b,c","d""e"\r\n"x\ny",z\n', ',')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['x\ny', 'z'],
    ]);
  });
  it('reads Remote-DXA rows only; RDN from Directory Name or Obj-Dist-Name; % separates values; tabs work too', () => {
    const text = [
      'Obj-Class\tObj-Dist-Name\tCommon-Name\tAdmin-Display-Name\tDXA-Req-Seq\tExport-Custom-Recipients\tExport-Containers',
      'Mailbox\t/o=O/ou=S/cn=Recipients/cn=JOE\tJOE\tJoe\t\t\t',
      'Remote-DXA\t/o=O/ou=S/cn=Configuration/cn=Connections/cn=DSS/cn=SALES\tSALESPO\tSales PO\t17\tTRUE\tcn=A%cn=B',
    ].join('\n');
    const l = parseExport(text, map, 'x.csv');
    expect(l.requestors).toEqual([
      expect.objectContaining({ displayName: 'Sales PO', commonName: 'SALESPO', rdn: 'SALES', reqSeq: 17, srvSeq: null, exportSettings: { 'Export-Containers': ['cn=A', 'cn=B'], 'Export-Custom-Recipients': ['TRUE'], 'Trust-Level': [] } }),
    ]);
    expect(l.warnings.join(' ')).toContain('DXA-Svr-Seq');
    expect(rdnFromObjDistName('/o=O/ou=S/cn=X')).toBe('X');
  });
  it('decodes UTF-16LE and UTF-8 with a BOM, else Windows-1252', () => {
    expect(decodeExport(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Ünï', 'utf16le')]))).toBe('Ünï');
    expect(decodeExport(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ünï', 'utf8')]))).toBe('Ünï');
    expect(decodeExport(Buffer.from([0xdc, 0x6d, 0x6c]))).toBe('Üml');
  });
  it('refuses a file without any naming column as DirectoryExportInvalid', () => {
    expect(errorId(() => parseExport('Foo,Bar\n1,2\n', map, 'x.csv'))).toBe('DirectoryExportInvalid');
  });
});
