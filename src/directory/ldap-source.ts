/**
 * Lists the Remote Dirsync Requestor objects over LDAP (domain.md, "The Exchange directory").
 * Exchange 5.5 serves LDAP v3 on 389 and, where SSL is set up, LDAPS on 636; anonymous binds see
 * only mail recipients, so the bind is authenticated as `cn=<account>,cn=<NT domain>`
 * (Q156063 section 2.7.5). The class and attribute names are checked against the server's own
 * schema first (./mapping.ts; docs/DIRECTORY.md). Each failure has its own error id.
 */
import { connect as netConnect } from 'node:net';
import type { Client, Entry } from 'ldapts';
// ldapts is loaded on the first LDAP read, not at start-up: most runs never reach a directory, and the
// engine's start is on every run's path (bench B6).
type Ldapts = typeof import('ldapts');
import { ResyncError } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import type { Secret } from '../operations/secret';
import type { AttributeMap } from './mapping';
import { bindDnFor, equalityFilter, firstRdnValue } from '../shared/ldap-names';
import { SchemaNames } from './schema';
import type { DirectoryListing, DirectoryRequestor } from './types';

export const LDAP_PORT = 389;
export const LDAPS_PORT = 636;
export const LDAPS_MODES = ['Auto', 'Always', 'Never'] as const;
export type LdapsMode = (typeof LDAPS_MODES)[number];

export interface LdapSourceOptions {
  /** `host`, `host:port`, `[v6]:port`, or an `ldap://` / `ldaps://` URL. */
  server: string;
  ldaps: LdapsMode;
  timeoutMs: number;
  secret?: Secret;
  map: AttributeMap;
  searchBase?: string;
  /** Only objects with one of these names (display, common or, via the DN, RDN); escaped as data. */
  names?: string[];
  reporter: Reporter;
}

interface Endpoint {
  host: string;
  port?: number;
  secure?: boolean;
}

export function parseServer(server: string): Endpoint {
  const s = server.trim();
  const url = /^(ldaps?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/i.exec(s);
  if (url) return { host: url[2]!.replace(/^\[|\]$/g, ''), port: url[3] ? Number(url[3]) : undefined, secure: url[1]!.toLowerCase() === 'ldaps' };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined };
  const hp = /^([^:\s/]+)(?::(\d+))?$/.exec(s);
  if (hp) return { host: hp[1]!, port: hp[2] ? Number(hp[2]) : undefined };
  throw new ResyncError('Usage', `The directory server ${JSON.stringify(server)} is not a host name, host:port or ldap(s):// URL.`, { target: 'directoryServer' });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** True when something accepts TCP connections on host:port within the time given. */
function portOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const sock = netConnect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolveOpen(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Chooses ldap:// or ldaps://: LDAPS where the server offers it (Auto probes port 636). */
export async function chooseUrl(server: string, mode: LdapsMode, timeoutMs: number, reporter: Reporter): Promise<string> {
  const ep = parseServer(server);
  const h = urlHost(ep.host);
  if (ep.secure !== undefined) {
    if (mode === 'Never' && ep.secure) throw new ResyncError('Usage', 'An ldaps:// URL was given with LDAPS set to Never.', { target: 'ldaps' });
    if (mode === 'Always' && !ep.secure) throw new ResyncError('Usage', 'An ldap:// URL was given with LDAPS set to Always.', { target: 'ldaps' });
    return `${ep.secure ? 'ldaps' : 'ldap'}://${h}:${ep.port ?? (ep.secure ? LDAPS_PORT : LDAP_PORT)}`;
  }
  if (mode === 'Always') return `ldaps://${h}:${ep.port ?? LDAPS_PORT}`;
  if (mode === 'Auto' && ep.port === undefined && (await portOpen(ep.host, LDAPS_PORT, Math.min(timeoutMs, 3000)))) {
    reporter.verbose(`${ep.host} offers LDAPS on port ${LDAPS_PORT}; using it.`);
    return `ldaps://${h}:${LDAPS_PORT}`;
  }
  const url = `ldap://${h}:${ep.port ?? LDAP_PORT}`;
  if (!isLoopback(ep.host)) {
    reporter.warning(`${ep.host} does not offer LDAPS (port ${LDAPS_PORT}); the directory bind goes over plain LDAP (${url}), where the password is readable on the network.`);
  }
  return url;
}

function first(entry: Entry, attr: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return null;
  const v = entry[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

function all(entry: Entry, attr: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return [];
  const v = entry[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return (list as Array<string | Buffer>).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

export function toNumber(v: string | null): number | null {
  if (v === null || v.trim() === '') return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : null;
}

export function toBool(v: string | null): boolean | null {
  if (v === null) return null;
  const s = v.trim().toUpperCase();
  if (s === 'TRUE' || s === '1' || s === 'YES') return true;
  if (s === 'FALSE' || s === '0' || s === 'NO' || s === '') return false;
  return null;
}

function entryToRequestor(e: Entry, map: AttributeMap): DirectoryRequestor {
  const rdn = map.rdn ? first(e, map.rdn) ?? firstRdnValue(e.dn) : firstRdnValue(e.dn);
  const commonName = first(e, map.commonName) ?? rdn;
  const settings: Record<string, string[]> = {};
  for (const a of map.exportSettings) settings[a] = all(e, a);
  return {
    displayName: first(e, map.displayName) ?? commonName,
    commonName,
    rdn,
    distinguishedName: e.dn,
    reqName: first(e, map.reqName),
    reqSeq: toNumber(first(e, map.reqSeq)),
    srvSeq: toNumber(first(e, map.srvSeq)),
    confSeq: toNumber(first(e, map.confSeq)),
    impSeq: toNumber(first(e, map.impSeq)),
    exportNow: toBool(first(e, map.exportNow)),
    importNow: toBool(first(e, map.importNow)),
    exportSettings: settings,
  };
}

function unreachable(url: string, e: unknown): ResyncError {
  const err = e as NodeJS.ErrnoException;
  const why = err?.code ? `${err.code}${err.message && !err.message.includes(err.code) ? ` (${err.message})` : ''}` : (err?.message ?? String(e));
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME/i.test(`${err?.code ?? ''} ${err?.message ?? ''}`);
  const hint = tls
    ? "The server's certificate is not trusted here: add its CA to Node's trust (NODE_EXTRA_CA_CERTS=<pem file> for the engine), or use -Ldaps Never (the password then travels in clear)."
    : "Check the host name, that the directory service answers LDAP there, and any firewall; or use an 'admin /e' export file instead.";
  return new ResyncError(
    'DirectoryUnreachable',
    `Cannot reach the Exchange directory at ${url}: ${why}. ${hint}`,
    { target: url },
  );
}

/** Reads the server's schema; null when it publishes none (then the names go unchecked). */
async function readSchema(client: Client): Promise<{ schema: SchemaNames | null; namingContexts: string[] }> {
  const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['subschemaSubentry', 'namingContexts'] });
  const rootEntry = root.searchEntries[0];
  const namingContexts = rootEntry ? all(rootEntry, 'namingContexts') : [];
  const sub = rootEntry ? first(rootEntry, 'subschemaSubentry') : null;
  if (!sub) return { schema: null, namingContexts };
  const res = await client.search(sub, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClasses', 'attributeTypes'] });
  const e = res.searchEntries[0];
  if (!e) return { schema: null, namingContexts };
  return { schema: new SchemaNames(all(e, 'objectClasses'), all(e, 'attributeTypes')), namingContexts };
}

function checkSchema(schema: SchemaNames, map: AttributeMap, url: string, reporter: Reporter): void {
  if (!schema.hasClass(map.objectClass)) {
    const like = schema.classesLike('dxa');
    throw new ResyncError(
      'DirectorySchemaMismatch',
      `The directory at ${url} has no object class ${JSON.stringify(map.objectClass)} (the Remote Dirsync Requestor class)${
        like.length ? `; classes that look related: ${like.join(', ')}` : ''
      }. Give the right LDAP names with an attribute map (docs/DIRECTORY.md), or use an 'admin /e' export file.`,
      { target: map.objectClass, classesLike: like },
    );
  }
  const required = [map.displayName, map.commonName].filter((a) => !schema.hasAttribute(a));
  if (required.length) {
    throw new ResyncError(
      'DirectorySchemaMismatch',
      `The directory at ${url} has no attribute ${required.map((a) => JSON.stringify(a)).join(' or ')}, needed to name the requestors. Give the right LDAP names with an attribute map (docs/DIRECTORY.md).`,
      { target: required.join(', '), missingAttributes: required },
    );
  }
  const optional = [map.reqName, map.reqSeq, map.srvSeq, map.confSeq, map.impSeq, map.exportNow, map.importNow, ...map.exportSettings].filter(
    (a) => a && !schema.hasAttribute(a),
  );
  if (optional.length) reporter.warning(`The directory's schema has no attribute ${optional.join(', ')}; those fields stay empty (map them with an attribute map, docs/DIRECTORY.md).`);
}

/** RFC 4511 result codes the messages name (ldapts's own messages are often empty). */
const RESULT_NAMES: Record<number, string> = {
  1: 'operationsError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  8: 'strongerAuthRequired',
  13: 'confidentialityRequired',
  32: 'noSuchObject',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
};

export function resultText(code: number): string {
  return `LDAP result ${code}${RESULT_NAMES[code] ? ` ${RESULT_NAMES[code]}` : ''}`;
}

function classifyResultError(L: Ldapts, e: unknown, url: string, bindDn: string | null, phase: 'bind' | 'search'): ResyncError | null {
  const { ResultCodeError, InvalidCredentialsError, InappropriateAuthError, UnwillingToPerformError, ConfidentialityRequiredError, StrongAuthRequiredError, InsufficientAccessError } = L;
  if (!(e instanceof ResultCodeError)) return null;
  if (phase === 'bind') {
    if (e instanceof InvalidCredentialsError || e instanceof InappropriateAuthError || e instanceof UnwillingToPerformError) {
      return new ResyncError(
        'DirectoryBindRefused',
        `The directory at ${url} refused the bind as ${JSON.stringify(bindDn)} (${resultText(e.code)}). Check the account (DOMAIN\\account, bound as cn=<account>,cn=<NT domain>) and its password.`,
        { target: bindDn ?? url, resultCode: e.code },
      );
    }
    if (e instanceof ConfidentialityRequiredError || e instanceof StrongAuthRequiredError) {
      return new ResyncError('DirectoryBindRefused', `The directory at ${url} refused a plain bind (${resultText(e.code)}); use LDAPS.`, { target: url, resultCode: e.code });
    }
  }
  if (e instanceof InsufficientAccessError) {
    return new ResyncError(
      'DirectoryAccessDenied',
      `The account ${JSON.stringify(bindDn ?? 'anonymous')} has no right to read the requestor objects at ${url} (${resultText(e.code)}). It needs read rights on the site's Configuration container; anonymous and unprivileged binds see only mail recipients (Q156063 section 2.7.5).`,
      { target: bindDn ?? url, resultCode: e.code },
    );
  }
  return null;
}

export async function listFromLdap(o: LdapSourceOptions): Promise<DirectoryListing> {
  const url = await chooseUrl(o.server, o.ldaps, o.timeoutMs, o.reporter);
  const reporter = o.reporter;
  let bindDn: string | null = null;
  if (o.secret) {
    bindDn = bindDnFor(o.secret.userName);
    if (!bindDn) {
      throw new ResyncError('Usage', `The directory account ${JSON.stringify(o.secret.userName)} must be DOMAIN\\account (bound as cn=<account>,cn=<NT domain>) or a DN.`, {
        target: 'credential',
      });
    }
  }
  // The cast only reconciles the ESM and CommonJS views of the same declarations.
  const L = (await import('ldapts')) as unknown as Ldapts;
  const { NoSuchObjectError, ResultCodeError } = L;
  const client = new L.Client({ url, timeout: o.timeoutMs, connectTimeout: o.timeoutMs, strictDN: false });
  let phase: 'bind' | 'search' = 'bind';
  try {
    if (o.secret && bindDn) {
      o.reporter.verbose(`Binding to ${url} as ${bindDn}.`);
      await client.bind(bindDn, o.secret.password);
    } else {
      o.reporter.verbose(`No credential: reading ${url} anonymously (anonymous users see only mail recipients, Q156063 section 2.7.5).`);
    }
    phase = 'search';
    const { schema, namingContexts } = await readSchema(client);
    if (schema) checkSchema(schema, o.map, url, reporter);
    else reporter.warning(`The directory at ${url} publishes no schema; the names ${o.map.objectClass}, ${o.map.displayName}, ${o.map.commonName} are used unchecked.`);

    const bases = o.searchBase ? [o.searchBase] : namingContexts.length ? namingContexts : [''];
    const attributes = [o.map.displayName, o.map.commonName, o.map.rdn, o.map.reqName, o.map.reqSeq, o.map.srvSeq, o.map.confSeq, o.map.impSeq, o.map.exportNow, o.map.importNow, ...o.map.exportSettings].filter(
      (a) => a && (!schema || schema.hasAttribute(a)),
    );
    const classFilter = equalityFilter('objectClass', o.map.objectClass);
    let filter = classFilter;
    if (o.names && o.names.length) {
      // An RDN held only in the DN cannot be searched for: such objects match by display or common name.
      const nameAttrs = [o.map.displayName, o.map.commonName, ...(o.map.rdn ? [o.map.rdn] : [])].filter((a) => !schema || schema.hasAttribute(a));
      const ors = o.names.flatMap((n) => nameAttrs.map((a) => equalityFilter(a, n.trim())));
      filter = `(&${classFilter}(|${ors.join('')}))`;
    }
    const found: DirectoryRequestor[] = [];
    let sawConfiguration = false;
    for (const base of bases) {
      let res;
      try {
        res = await client.search(base, { scope: 'sub', filter, attributes });
      } catch (e) {
        if (e instanceof NoSuchObjectError && !o.searchBase) continue;
        if (e instanceof NoSuchObjectError) {
          throw new ResyncError('DirectoryAccessDenied', `The search base ${JSON.stringify(base)} does not exist at ${url}, or the account cannot see it.`, { target: base });
        }
        throw e;
      }
      for (const e of res.searchEntries) found.push(entryToRequestor(e, o.map));
      if (!found.length && !sawConfiguration) {
        const conf = await client.search(base, { scope: 'sub', filter: equalityFilter('cn', 'Configuration'), attributes: ['1.1'], sizeLimit: 1 }).catch(() => null);
        if (conf && conf.searchEntries.length) sawConfiguration = true;
      }
    }
    // Nothing found and no Configuration container in sight: the account cannot see it (on a DSS
    // the requestors live there), rather than a DSS without requestors.
    if (!found.length && !sawConfiguration) {
      throw new ResyncError(
        'DirectoryAccessDenied',
        `${bindDn ? `The account ${JSON.stringify(bindDn)}` : 'An anonymous bind'} sees no Configuration container at ${url}: it lacks the rights to read the requestor objects. Anonymous and unprivileged binds see only mail recipients (Q156063 section 2.7.5); use an account with read rights on the site's Configuration container.`,
        { target: bindDn ?? url },
      );
    }
    return { source: url, requestors: found, warnings: [] };
  } catch (e) {
    if (e instanceof ResyncError) throw e;
    const classified = classifyResultError(L, e, url, bindDn, phase);
    if (classified) throw classified;
    if (e instanceof ResultCodeError) {
      throw new ResyncError('DirectoryUnreachable', `The directory at ${url} answered ${resultText(e.code)}.`, { target: url, resultCode: e.code });
    }
    throw unreachable(url, e);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
