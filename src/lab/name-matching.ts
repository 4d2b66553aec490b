/**
 * How the lab DXA recognises requestor names: a name in ResyncConnectionRDNs identifies a Remote
 * Dirsync Requestor by its display name, common name or RDN (docs/domain.md, Q150976), compared without
 * regard to case (docs/domain.md, "Requestor name rules", inference) after trimming.
 */
import { DEFAULT_EXPORT, type LabRequestor, type LabSyncNumbers, type RequestorSpec } from './types';

function fold(s: string): string {
  return s.trim().toLocaleUpperCase('en-US');
}

export function requestorMatches(name: string, r: LabRequestor): boolean {
  const n = fold(name);
  return n.length > 0 && (fold(r.displayName) === n || fold(r.commonName) === n || fold(r.rdn) === n);
}

export interface NameMatch {
  /** Requestors recognised, each once, in lab order. */
  recognised: LabRequestor[];
  /** Names that matched no requestor, as given. */
  unrecognised: string[];
}

export function matchRequestorNames(names: readonly string[], requestors: readonly LabRequestor[]): NameMatch {
  const recognisedSet = new Set<LabRequestor>();
  const unrecognised: string[] = [];
  for (const name of names) {
    const hit = requestors.find((r) => requestorMatches(name, r));
    if (hit) recognisedSet.add(hit);
    else unrecognised.push(name);
  }
  return { recognised: requestors.filter((r) => recognisedSet.has(r)), unrecognised };
}

/**
 * An MS Mail-style short name from a display name: upper-case letters and digits, at most
 * `max` characters ("Sales Postoffice" -> "SALESPOSTO" for 10).
 */
export function shortName(display: string, max: number): string {
  const s = display
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  return (s || 'PO').slice(0, max);
}

/** Fills in common name and RDN, and gives each requestor a unique postoffice folder name. */
export function toLabRequestors(specs: ReadonlyArray<string | RequestorSpec>, network: string): LabRequestor[] {
  const used = new Set<string>();
  const unique = (base: string): string => {
    let candidate = base;
    for (let i = 2; used.has(candidate); i += 1) {
      const suffix = String(i);
      candidate = base.slice(0, 10 - suffix.length) + suffix;
    }
    used.add(candidate);
    return candidate;
  };
  return specs.map((spec) => {
    const s: RequestorSpec = typeof spec === 'string' ? { displayName: spec } : spec;
    const displayName = s.displayName.trim();
    const commonName = (s.commonName ?? shortName(displayName, 64)).trim();
    const rdn = (s.rdn ?? commonName).trim();
    const postoffice = unique(shortName(commonName, 10));
    return { displayName, commonName, rdn, postoffice, network };
  });
}

/** The specs' export settings and numbers, filled in from the lab's defaults (same order as toLabRequestors). */
export function withSettings(
  requestors: LabRequestor[],
  specs: ReadonlyArray<string | RequestorSpec>,
  containers: readonly string[],
  sync: LabSyncNumbers,
): LabRequestor[] {
  return requestors.map((r, i) => {
    const spec = specs[i];
    const s: RequestorSpec = typeof spec === 'string' || spec === undefined ? { displayName: r.displayName } : spec;
    const ahead = s.ahead ?? 0;
    return {
      ...r,
      export: {
        containers: s.export?.containers && s.export.containers.length ? [...s.export.containers] : [...containers],
        trustLevel: s.export?.trustLevel ?? DEFAULT_EXPORT.trustLevel,
        customRecipients: s.export?.customRecipients ?? DEFAULT_EXPORT.customRecipients,
      },
      sync: {
        impSeq: (s.sync?.impSeq ?? sync.impSeq) + ahead,
        reqSeq: (s.sync?.reqSeq ?? sync.reqSeq) + ahead,
        srvSeq: (s.sync?.srvSeq ?? sync.srvSeq) + ahead,
      },
    };
  });
}

export const DEFAULT_REQUESTORS: RequestorSpec[] = [
  { displayName: 'Sales Postoffice', commonName: 'SALESPO', rdn: 'SALES' },
  { displayName: 'Engineering Postoffice', commonName: 'ENGPO', rdn: 'ENG' },
];
