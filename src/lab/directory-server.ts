/**
 * The lab's Exchange directory: a real OpenLDAP slapd (Debian package `slapd`) on a loopback port,
 * with its own configuration, schema and databases inside `<lab>/directory/`, never the system
 * service. It models what the tool reads on an Exchange 5.5 DSS (domain.md, "The Exchange
 * directory"): Remote-DXA objects under the Dirsync Server object in
 * cn=Connections,cn=Configuration of the site, readable only by an authenticated account bound as
 * cn=<account>,cn=<NT domain>; a second account can bind but has no rights on Configuration
 * (like anonymous users, it would see only recipients). docs/DIRECTORY.md describes the layout.
 * The class and attribute names are the lab's own schema, written with the names the tool
 * assumes for 5.5 (src/directory/mapping.ts); the OIDs are under the documentation arc
 * 1.3.6.1.4.1.32473 (RFC 5612).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as netConnect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { ResyncError } from '../shared/errors';
import { escapeDnValue } from '../shared/ldap-names';
import { readLabConfig } from './layout';
import { labDirectoryFiles, labSlapdPid, stopLabDirectory } from './directory-process';

export { labSlapdPid, stopLabDirectory };
import type { LabConfig } from './types';

export const LAB_ORGANIZATION = 'ResyncLab';
export const LAB_SITE = 'LabSite';
export const LAB_DOMAIN = 'LABDOM';
export const LAB_ADMIN = 'admin';
export const LAB_READER = 'reader';

export interface LabDirectoryInfo {
  host: string;
  port: number;
  /** ldap://127.0.0.1:<port> */
  url: string;
  organizationDn: string;
  configurationDn: string;
  /** DOMAIN\account names for the two lab accounts (same password, given at start). */
  adminAccount: string;
  readerAccount: string;
  /** False for a directory started without the Remote-DXA class (tests the schema error). */
  requestorClass: boolean;
  /** ldaps://127.0.0.1:<port> and its self-signed certificate (PEM), when started with ldaps. */
  ldapsUrl?: string;
  certificateFile?: string;
}

export interface LabDirectoryOptions {
  password: string;
  port?: number;
  /** Trust level per requestor (any of its names); others get 0. Different values, different groups. */
  trustLevels?: Record<string, number>;
  /** Leave the Remote-DXA class (and the requestor objects) out of the schema. */
  withoutRequestorClass?: boolean;
  /** Also listen for LDAPS, with a self-signed certificate for 127.0.0.1 made by openssl. */
  ldaps?: boolean;
  timeoutMs?: number;
}

const files = labDirectoryFiles;

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/sbin'];

export function findSlapdTool(name: 'slapd' | 'slapadd'): string | null {
  const dirs = [...SEARCH_DIRS, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  return null;
}

function requireTool(name: 'slapd' | 'slapadd'): string {
  const p = findSlapdTool(name);
  if (!p) {
    throw new ResyncError('DirectoryNotInstalled', `The lab directory needs OpenLDAP's ${name}, which is not installed (Debian/Ubuntu: apt-get install slapd).`, { target: name });
  }
  return p;
}

const ARC = '1.3.6.1.4.1.32473.1';
const STR = '1.3.6.1.4.1.1466.115.121.1.15';
const INT = '1.3.6.1.4.1.1466.115.121.1.27';
const BOOL = '1.3.6.1.4.1.1466.115.121.1.7';

export function labSchema(withRequestorClass: boolean): string {
  const at = (n: number, name: string, syntax: string, single: boolean): string => {
    const eq = syntax === INT ? 'integerMatch' : syntax === BOOL ? 'booleanMatch' : 'caseIgnoreMatch';
    return `attributetype ( ${ARC}.1.${n} NAME '${name}' EQUALITY ${eq} SYNTAX ${syntax}${single ? ' SINGLE-VALUE' : ''} )`;
  };
  const lines = [
    '# The ResyncGlb lab model of the Exchange 5.5 Remote-DXA objects (not Microsoft\'s schema).',
    at(1, 'Admin-Display-Name', STR, true),
    at(2, 'DXA-ReqName', STR, true),
    at(3, 'DXA-Req-Seq', INT, true),
    at(4, 'DXA-Svr-Seq', INT, true),
    at(5, 'DXA-Conf-Seq', INT, true),
    at(6, 'DXA-Imp-Seq', INT, true),
    at(7, 'DXA-Export-Now', BOOL, true),
    at(8, 'DXA-Import-Now', BOOL, true),
    at(9, 'Export-Containers', STR, false),
    at(10, 'Export-Custom-Recipients', BOOL, true),
    at(11, 'Trust-Level', INT, true),
    at(12, 'rdn', STR, true),
  ];
  if (withRequestorClass) {
    lines.push(
      `objectclass ( ${ARC}.2.1 NAME 'Remote-DXA' SUP top STRUCTURAL MUST ( rdn $ cn ) MAY ( Admin-Display-Name $ DXA-ReqName $ DXA-Req-Seq $ DXA-Svr-Seq $ DXA-Conf-Seq $ DXA-Imp-Seq $ DXA-Export-Now $ DXA-Import-Now $ Export-Containers $ Export-Custom-Recipients $ Trust-Level ) )`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function q(path: string): string {
  if (/["\\\n]/.test(path)) throw new ResyncError('InvalidPath', `The lab path ${JSON.stringify(path)} contains a quote, backslash or line break; slapd.conf cannot name it.`, { target: path });
  return `"${path}"`;
}

function moduleLines(): string[] {
  for (const d of ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/libexec/openldap']) {
    if (existsSync(join(d, 'back_mdb.so')) || existsSync(join(d, 'back_mdb.la'))) return [`modulepath ${q(d)}`, 'moduleload back_mdb'];
  }
  return [];
}

function coreSchema(): string {
  for (const p of ['/etc/ldap/schema/core.schema', '/etc/openldap/schema/core.schema', '/usr/local/etc/openldap/schema/core.schema']) if (existsSync(p)) return p;
  throw new ResyncError('DirectoryNotInstalled', 'OpenLDAP\'s core.schema was not found (Debian/Ubuntu: apt-get install slapd).', { target: 'core.schema' });
}

export function labDns(cfg: Pick<LabConfig, 'computerName'>) {
  const org = `o=${LAB_ORGANIZATION}`;
  const site = `ou=${LAB_SITE},${org}`;
  const configuration = `cn=Configuration,${site}`;
  const connections = `cn=Connections,${configuration}`;
  const dss = `cn=${escapeDnValue(cfg.computerName)},${connections}`;
  return { org, site, configuration, connections, dss, recipients: `cn=Recipients,${site}`, domain: `cn=${LAB_DOMAIN}` };
}

function slapdConf(f: ReturnType<typeof files>, dns: ReturnType<typeof labDns>, tls: boolean): string {
  return [
    '# The lab directory (ResyncGlb). Written by resync-glb lab directory start; not the system slapd.',
    `include ${q(coreSchema())}`,
    `include ${q(f.schema)}`,
    `pidfile ${q(f.pid)}`,
    `argsfile ${q(f.args)}`,
    ...moduleLines(),
    ...(tls ? [`TLSCertificateFile ${q(f.cert)}`, `TLSCertificateKeyFile ${q(f.key)}`] : []),
    'access to dn.base="" by * read',
    'access to dn.base="cn=Subschema" by * read',
    '',
    'database mdb',
    `suffix "${dns.domain}"`,
    `directory ${q(f.accounts)}`,
    'maxsize 10485760',
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by * none',
    '',
    'database mdb',
    `suffix "${dns.org}"`,
    `directory ${q(f.org)}`,
    'maxsize 10485760',
    `access to dn.subtree="${dns.configuration}" by dn.exact="cn=${LAB_ADMIN},${dns.domain}" read by * none`,
    'access to * by users read by * none',
    '',
  ].join('\n');
}

/** `{SSHA}`: salted SHA-1, the form slapd checks simple binds against; the password itself is not stored. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

type Attrs = Array<[string, string]>;

function ldifEntry(dn: string, attrs: Attrs): string {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [`dn:: ${b64(dn)}`, ...attrs.map(([k, v]) => `${k}:: ${b64(v)}`), ''].join('\n');
}

function trustLevelFor(r: LabConfig['requestors'][number], levels: Record<string, number> | undefined): number {
  if (!levels) return 0;
  for (const [name, level] of Object.entries(levels)) {
    const n = name.trim().toUpperCase();
    if ([r.displayName, r.commonName, r.rdn].some((x) => x.toUpperCase() === n)) return level;
  }
  return 0;
}

export function orgLdif(cfg: LabConfig, opts: Pick<LabDirectoryOptions, 'trustLevels' | 'withoutRequestorClass'>): string {
  const dns = labDns(cfg);
  const container = (dn: string, cn: string): string => ldifEntry(dn, [['objectClass', 'applicationProcess'], ['cn', cn]]);
  const out = [
    ldifEntry(dns.org, [['objectClass', 'organization'], ['o', LAB_ORGANIZATION]]),
    ldifEntry(dns.site, [['objectClass', 'organizationalUnit'], ['ou', LAB_SITE]]),
    container(dns.recipients, 'Recipients'),
    container(dns.configuration, 'Configuration'),
    container(dns.connections, 'Connections'),
    container(dns.dss, cfg.computerName),
  ];
  if (!opts.withoutRequestorClass) {
    cfg.requestors.forEach((r, i) => {
      const attrs: Attrs = [
        ['objectClass', 'Remote-DXA'],
        ['rdn', r.rdn],
        ['cn', r.commonName],
        ['Admin-Display-Name', r.displayName],
        ['DXA-ReqName', r.postoffice],
        ['DXA-Req-Seq', String(Math.max(0, cfg.sync.reqSeq - 2 * i))],
        ['DXA-Svr-Seq', String(Math.max(0, cfg.sync.srvSeq - i))],
        ['DXA-Conf-Seq', String(i + 1)],
        ['DXA-Imp-Seq', String(Math.max(0, cfg.sync.impSeq - i))],
        ['DXA-Export-Now', 'FALSE'],
        ['DXA-Import-Now', 'FALSE'],
        ['Export-Containers', dns.recipients],
        ['Export-Custom-Recipients', 'TRUE'],
        ['Trust-Level', String(trustLevelFor(r, opts.trustLevels))],
      ];
      out.push(ldifEntry(`rdn=${escapeDnValue(r.rdn)},${dns.dss}`, attrs));
    });
  }
  return out.join('\n');
}

function accountsLdif(password: string): string {
  const domain = `cn=${LAB_DOMAIN}`;
  const account = (cn: string): string =>
    ldifEntry(`cn=${cn},${domain}`, [['objectClass', 'applicationProcess'], ['objectClass', 'simpleSecurityObject'], ['cn', cn], ['userPassword', sshaHash(password)]]);
  return [ldifEntry(domain, [['objectClass', 'applicationProcess'], ['cn', LAB_DOMAIN]]), account(LAB_ADMIN), account(LAB_READER)].join('\n');
}

function run(cmd: string, args: string[], input: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolveRun();
      else reject(new ResyncError('OperationFailed', `${cmd} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`, { target: cmd }));
    });
    child.stdin.end(input);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => (s.destroy(), res(false)));
  });
}

export async function readLabDirectory(lab: string): Promise<LabDirectoryInfo | null> {
  try {
    return JSON.parse(await readFile(files(lab).info, 'utf8')) as LabDirectoryInfo;
  } catch {
    return null;
  }
}

/**
 * (Re)builds the lab directory from lab.json's requestors and starts slapd on a loopback port.
 * A running lab slapd is stopped first; its databases are rebuilt from scratch each time.
 */
export async function startLabDirectory(lab: string, opts: LabDirectoryOptions): Promise<LabDirectoryInfo> {
  const root = resolve(lab);
  const cfg = await readLabConfig(root);
  const slapd = requireTool('slapd');
  const slapadd = requireTool('slapadd');
  if (!opts.password) throw new ResyncError('Usage', 'The lab directory needs a password for its accounts (given on stdin, never on the command line).', { target: 'password' });
  const timeoutMs = opts.timeoutMs ?? 20_000;
  await stopLabDirectory(root);
  const f = files(root);
  const dns = labDns(cfg);
  await rm(f.dir, { recursive: true, force: true });
  await mkdir(f.accounts, { recursive: true, mode: 0o700 });
  await mkdir(f.org, { recursive: true, mode: 0o700 });
  await writeFile(f.schema, labSchema(!opts.withoutRequestorClass));
  if (opts.ldaps) {
    const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));
    if (!openssl) throw new ResyncError('DirectoryNotInstalled', 'The lab directory needs openssl to make its LDAPS certificate (apt-get install openssl).', { target: 'openssl' });
    await run(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f.key, '-out', f.cert, '-days', '30', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], '', timeoutMs);
  }
  await writeFile(f.conf, slapdConf(f, dns, Boolean(opts.ldaps)));
  await run(slapadd, ['-q', '-f', f.conf, '-b', dns.domain], accountsLdif(opts.password), timeoutMs);
  await run(slapadd, ['-q', '-f', f.conf, '-b', dns.org], orgLdif(cfg, opts), timeoutMs);
  const port = opts.port ?? (await freePort());
  const url = `ldap://127.0.0.1:${port}`;
  const sport = opts.ldaps ? await freePort() : null;
  const ldapsUrl = sport ? `ldaps://127.0.0.1:${sport}` : undefined;
  // slapd detaches by itself and writes its pid file; the lab remembers nothing else about it.
  await run(slapd, ['-f', f.conf, '-h', [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' '), '-n', 'resyncglb-lab-slapd'], '', timeoutMs);
  const until = Date.now() + timeoutMs;
  while (!(await accepts(port)) || (sport !== null && !(await accepts(sport)))) {
    if (Date.now() > until) {
      await stopLabDirectory(root);
      throw new ResyncError('OperationFailed', `The lab slapd did not accept connections on ${url} within ${timeoutMs} ms.`, { target: url });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const info: LabDirectoryInfo = {
    host: '127.0.0.1',
    port,
    url,
    organizationDn: dns.org,
    configurationDn: dns.configuration,
    adminAccount: `${LAB_DOMAIN}\\${LAB_ADMIN}`,
    readerAccount: `${LAB_DOMAIN}\\${LAB_READER}`,
    requestorClass: !opts.withoutRequestorClass,
    ...(ldapsUrl ? { ldapsUrl, certificateFile: f.cert } : {}),
  };
  await writeFile(f.info, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}
