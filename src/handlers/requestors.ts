/**
 * The `requestors` command (Get-ResyncRequestor) and New-ResyncGlb's directory preflight: list the
 * DSS's Remote Dirsync Requestors from the Exchange directory (LDAP, or an `admin /e` export), and
 * check requested names against them before anything changes on the DSS.
 */
import { resolve } from 'node:path';
import type { CommandContext, CommandHandler } from '../protocol/context';
import { optBool, optEnum, optNumber, optString, optStringArray } from '../protocol/params';
import { ResyncError } from '../shared/errors';
import { normalizeRequestorNames } from '../core/requestor-names';
import { readLabDirectory } from '../lab/directory-server';
import { applyAttributeMap, DEFAULT_ATTRIBUTE_MAP, DEFAULT_EXPORT_COLUMNS } from '../directory/mapping';
import { LDAPS_MODES, listFromLdap } from '../directory/ldap-source';
import { listFromExportFile } from '../directory/export-file';
import { checkNames, findRequestor } from '../directory/match';
import { configurationKey, groupByConfiguration } from '../directory/group';
import type { DirectoryListing, DirectoryRequestor } from '../directory/types';

export interface DirectorySource {
  kind: 'ldap' | 'export';
  /** ldap: host[:port] or URL; export: the file. */
  location: string;
  ldaps: (typeof LDAPS_MODES)[number];
  attributeMap?: unknown;
  searchBase?: string;
  timeoutMs: number;
}

/** Keys under which `new` carries the directory source (the `requestors` command uses the bare ones). */
const NEW_KEYS = {
  server: 'directoryServer',
  exportFile: 'directoryExportFile',
  ldaps: 'directoryLdaps',
  attributeMap: 'directoryAttributeMap',
  searchBase: 'directorySearchBase',
  timeoutSec: 'directoryTimeoutSec',
} as const;
const OWN_KEYS = { server: 'directoryServer', exportFile: 'exportFile', ldaps: 'ldaps', attributeMap: 'attributeMap', searchBase: 'searchBase', timeoutSec: 'timeoutSec' } as const;

/**
 * Where to read the requestors: an export file; else a directory server given outright; else
 * the lab's own directory (lab) or the DSS itself (computerName, or this computer) when `implied`.
 */
async function readSource(params: Record<string, unknown>, keys: typeof NEW_KEYS | typeof OWN_KEYS, implied: boolean): Promise<DirectorySource | null> {
  const timeoutMs = (optNumber(params, keys.timeoutSec, 1, 600) ?? 15) * 1000;
  const ldaps = optEnum(params, keys.ldaps, LDAPS_MODES) ?? 'Auto';
  const common = { ldaps, attributeMap: params[keys.attributeMap], searchBase: optString(params, keys.searchBase), timeoutMs };
  const file = optString(params, keys.exportFile);
  if (file) return { kind: 'export', location: resolve(file), ...common };
  const server = optString(params, keys.server);
  if (server) return { kind: 'ldap', location: server, ...common };
  if (!implied) return null;
  const lab = optString(params, 'labPath');
  if (lab) {
    const info = await readLabDirectory(lab);
    if (!info) {
      throw new ResyncError('DirectoryUnreachable', `The lab in ${resolve(lab)} has no directory; start one with: resync-glb lab directory start ${JSON.stringify(resolve(lab))} --password-stdin`, {
        target: resolve(lab),
      });
    }
    return { kind: 'ldap', location: info.url, ...common, ldaps: 'Never' };
  }
  return { kind: 'ldap', location: optString(params, 'computerName') ?? 'localhost', ...common };
}

export async function listRequestors(source: DirectorySource, ctx: CommandContext, names?: string[]): Promise<DirectoryListing> {
  if (source.kind === 'export') {
    const listing = await listFromExportFile(source.location, applyAttributeMap(DEFAULT_EXPORT_COLUMNS, source.attributeMap, false));
    for (const w of listing.warnings) ctx.reporter.warning(w);
    if (names && names.length) listing.requestors = listing.requestors.filter((r) => names.some((n) => findRequestor(n, [r])));
    return listing;
  }
  return listFromLdap({
    server: source.location,
    ldaps: source.ldaps,
    timeoutMs: source.timeoutMs,
    secret: ctx.secret,
    map: applyAttributeMap(DEFAULT_ATTRIBUTE_MAP, source.attributeMap, true),
    searchBase: source.searchBase,
    names,
    reporter: ctx.reporter,
  });
}

/** Properties that let the output bind to New-ResyncGlb by property name (the same DSS). */
function targetOf(params: Record<string, unknown>): Record<string, unknown> {
  const lab = optString(params, 'labPath');
  if (lab) return { LabPath: resolve(lab) };
  const computer = optString(params, 'computerName');
  return computer ? { ComputerName: computer } : {};
}

export function requestorObject(r: DirectoryRequestor, source: string, target: Record<string, unknown>): Record<string, unknown> {
  return {
    DisplayName: r.displayName,
    CommonName: r.commonName,
    Rdn: r.rdn,
    // What New-ResyncGlb binds by property name: the RDN, accepted by Exchange 5.0 and 5.5 alike
    // (domain.md, "The Exchange DSS side": the 5.0 notes name common name or RDN).
    Requestor: r.rdn,
    DistinguishedName: r.distinguishedName,
    ReqName: r.reqName,
    ReqSeq: r.reqSeq,
    SrvSeq: r.srvSeq,
    ConfSeq: r.confSeq,
    ImpSeq: r.impSeq,
    ExportNow: r.exportNow,
    ImportNow: r.importNow,
    ExportSettings: r.exportSettings,
    Configuration: configurationKey(r),
    Source: source,
    ...target,
  };
}

function maxOf(list: readonly DirectoryRequestor[], k: 'reqSeq' | 'srvSeq' | 'impSeq'): number | null {
  const v = list.map((r) => r[k]).filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}

export const requestorsHandler: CommandHandler = async (params, ctx) => {
  const source = await readSource(params, OWN_KEYS, true);
  const names = optStringArray(params, 'name');
  if (names && names.some((n) => typeof n !== 'string')) throw new ResyncError('Usage', "Parameter 'name' must be names (strings).", { target: 'name' });
  const listing = await listRequestors(source!, ctx, names as string[] | undefined);
  ctx.reporter.verbose(`${listing.requestors.length} Remote Dirsync Requestor(s) from ${listing.source}.`);
  const target = targetOf(params);
  if (optBool(params, 'groupByConfiguration')) {
    for (const g of groupByConfiguration(listing.requestors)) {
      ctx.emitResult('ResyncGlb.RequestorGroup', {
        Configuration: g.configuration,
        Requestor: g.requestors.map((r) => r.rdn),
        DisplayName: g.requestors.map((r) => r.displayName),
        Count: g.requestors.length,
        MaxReqSeq: maxOf(g.requestors, 'reqSeq'),
        MaxSrvSeq: maxOf(g.requestors, 'srvSeq'),
        MaxImpSeq: maxOf(g.requestors, 'impSeq'),
        Source: listing.source,
        ...target,
      });
    }
    return;
  }
  for (const r of listing.requestors) ctx.emitResult('ResyncGlb.Requestor', requestorObject(r, listing.source, target));
};

/** True when a `new` request asks for the directory preflight (a source given, or the switch). */
export function wantsDirectoryPreflight(params: Record<string, unknown>): boolean {
  return optBool(params, 'validateWithDirectory') || Boolean(optString(params, NEW_KEYS.server)) || Boolean(optString(params, NEW_KEYS.exportFile));
}

/**
 * New-ResyncGlb's directory preflight: every name of every group must identify a Remote Dirsync
 * Requestor, else RequestorNotFound listing near matches; nothing on the DSS is touched. Then, per
 * group, a warning when its requestors are configured differently (Q156063) or their sequence numbers
 * are below the DSS-wide highest, where GlobalMaxSeqInResync matters (Q215505; reading DXA-*-Seq as
 * the file's header numbers is inference). One directory read for all groups.
 */
export async function directoryPreflight(params: Record<string, unknown>, groups: readonly unknown[][], ctx: CommandContext): Promise<void> {
  if (!wantsDirectoryPreflight(params)) return;
  const perGroup = groups.map((g) => normalizeRequestorNames(g).names);
  const names = [...new Set(perGroup.flat())];
  const source = await readSource(params, NEW_KEYS, true);
  const started = Date.now();
  const listing = await listRequestors(source!, ctx);
  const check = checkNames(names, listing.requestors);
  ctx.reporter.verbose(`Directory preflight: ${check.found.length} of ${names.length} name(s) found among ${listing.requestors.length} requestor(s) in ${listing.source} (${Date.now() - started} ms).`);
  if (check.missing.length) {
    const problems = check.missing.map((m) => ({
      name: m.name,
      reason: m.suggestions.length ? `matches no Remote Dirsync Requestor; did you mean ${m.suggestions.map((s) => JSON.stringify(s)).join(' or ')}?` : 'matches no Remote Dirsync Requestor',
      suggestions: m.suggestions,
    }));
    throw new ResyncError(
      'RequestorNotFound',
      `${check.missing.length === 1 ? 'One name matches' : `${check.missing.length} names match`} no Remote Dirsync Requestor in ${listing.source}: ${problems
        .map((p) => `${JSON.stringify(p.name)} (${p.suggestions.length ? `did you mean ${p.suggestions.map((s) => JSON.stringify(s)).join(' or ')}?` : 'no similar name'})`)
        .join('; ')}. Nothing was changed on the DSS.`,
      { target: check.missing.map((m) => m.name).join(', '), problems },
    );
  }
  for (const groupNames of perGroup) {
    const named = check.found.filter((f) => groupNames.includes(f.name)).map((f) => f.requestor);
    const configs = groupByConfiguration(named);
    if (configs.length > 1) {
      ctx.reporter.warning(
        `The named requestors have ${configs.length} different export configurations (${configs
          .map((g) => g.requestors.map((r) => r.rdn).join(', '))
          .join(' | ')}); one Resync.glb cannot serve them all: run once per group (Q156063 section 3.1.1; Get-ResyncRequestor -GroupByConfiguration).`,
      );
    }
    const behind = (['impSeq', 'reqSeq', 'srvSeq'] as const).filter((k) => {
      const a = maxOf(named, k);
      const b = maxOf(listing.requestors, k);
      return a !== null && b !== null && a < b;
    });
    if (behind.length) {
      ctx.reporter.warning(
        `The named requestors' highest ${behind.map((k) => k.toUpperCase()).join(', ')} are below those of other requestors on this DSS: unless GlobalMaxSeqInResync is 1, Import at the requestor can fail with fatal error 14 (Q215505).`,
      );
    }
  }
}
