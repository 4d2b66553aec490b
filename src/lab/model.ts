/**
 * The lab's model of what a DSS exports to each requestor and which sync numbers a Resync.glb
 * carries (docs/lab-glb-format.md, "The lab's model"). Microsoft documents only that the file holds
 * what the named requestors' export settings select (Q156063) and that its header numbers come from
 * the named requestors, or from all registered ones with GlobalMaxSeqInResync = 1 on a DXA 5.5.2524
 * or later (Q215505); every rule below beyond that is the lab's own.
 */
import type { Recipient } from './recipients';
import { honoursGlobalMaxSeq } from '../shared/dxa-version';
import { DEFAULT_CONTAINERS, DEFAULT_EXPORT, type LabConfig, type LabExportSettings, type LabRequestor, type LabSyncNumbers } from './types';

export const DEFAULT_DXA_VERSION = '5.5.2653';

export function exportOf(r: LabRequestor): LabExportSettings {
  return r.export ? { ...r.export, containers: [...r.export.containers] } : { ...DEFAULT_EXPORT, containers: [...DEFAULT_EXPORT.containers] };
}

export function syncOf(r: LabRequestor, cfg: Pick<LabConfig, 'sync'>): LabSyncNumbers {
  return { ...(r.sync ?? cfg.sync) };
}

const fold = (s: string): string => s.trim().toLocaleUpperCase('en-US');

/** Whether a requestor with these settings receives this recipient (the lab's rule). */
export function selects(settings: LabExportSettings, rc: Recipient): boolean {
  const container = rc.container ?? DEFAULT_CONTAINERS[0];
  if (!settings.containers.some((c) => fold(c) === fold(container as string))) return false;
  if ((rc.trustLevel ?? 0) > settings.trustLevel) return false;
  if (rc.custom && !settings.customRecipients) return false;
  return true;
}

/** The settings as text, in a fixed order, for comparing and for messages. */
export function describeExport(s: LabExportSettings): Record<string, string> {
  return {
    containers: [...s.containers].map((c) => c.trim()).sort((a, b) => fold(a).localeCompare(fold(b))).join(', '),
    trustLevel: String(s.trustLevel),
    customRecipients: s.customRecipients ? 'yes' : 'no',
  };
}

export function maxNumbers(list: readonly LabSyncNumbers[]): LabSyncNumbers {
  return {
    impSeq: Math.max(0, ...list.map((n) => n.impSeq)),
    reqSeq: Math.max(0, ...list.map((n) => n.reqSeq)),
    srvSeq: Math.max(0, ...list.map((n) => n.srvSeq)),
  };
}

/**
 * The header numbers the lab DXA writes: the highest of the named requestors', or of all
 * registered requestors when GlobalMaxSeqInResync is 1 and the DXA honours it (Q215505).
 */
export function headerNumbers(cfg: LabConfig, named: readonly LabRequestor[], globalMaxSeq: number | null): { numbers: LabSyncNumbers; fromAll: boolean } {
  const fromAll = globalMaxSeq === 1 && honoursGlobalMaxSeq(cfg.dxaVersion ?? DEFAULT_DXA_VERSION);
  const from = fromAll ? cfg.requestors : named;
  return { numbers: maxNumbers(from.map((r) => syncOf(r, cfg))), fromAll };
}

/**
 * What a lab postoffice has confirmed when the lab is made: its own import and requestor numbers,
 * and the highest server number the DSS has handed out to any requestor (the lab's model: the
 * server numbers its transactions in one sequence, so a postoffice has seen the latest one).
 * A Resync.glb whose header is below these is refused with fatal error 14 (the lab's reading of Q215505).
 */
export function initialPostofficeNumbers(cfg: LabConfig, r: LabRequestor): LabSyncNumbers {
  const own = syncOf(r, cfg);
  const all = maxNumbers(cfg.requestors.map((x) => syncOf(x, cfg)));
  return { impSeq: own.impSeq, reqSeq: own.reqSeq, srvSeq: all.srvSeq };
}

/** Parses "containers=A,B;trust=50;custom=no;ahead=25;seq=IMP/REQ/SRV" (lab init -r's 4th field). */
export function parseRequestorSettings(text: string): { export?: Partial<LabExportSettings>; ahead?: number; sync?: Partial<LabSyncNumbers> } {
  const out: { export?: Partial<LabExportSettings>; ahead?: number; sync?: Partial<LabSyncNumbers> } = {};
  const bad = (why: string): never => {
    throw Object.assign(new Error(`requestor settings ${JSON.stringify(text)}: ${why}`), { usage: true });
  };
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) bad(`${JSON.stringify(part)} is not key=value`);
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    const int = (v: string, what: string): number => {
      if (!/^\d+$/.test(v)) bad(`${what} must be a whole number; got ${JSON.stringify(v)}`);
      return parseInt(v, 10);
    };
    switch (key) {
      case 'containers':
        out.export = { ...out.export, containers: value.split(',').map((c) => c.trim()).filter(Boolean) };
        break;
      case 'trust':
      case 'trustlevel':
        out.export = { ...out.export, trustLevel: int(value, 'trust') };
        break;
      case 'custom':
      case 'customrecipients':
        if (!/^(yes|no|true|false)$/i.test(value)) bad(`custom must be yes or no; got ${JSON.stringify(value)}`);
        out.export = { ...out.export, customRecipients: /^(yes|true)$/i.test(value) };
        break;
      case 'ahead':
        out.ahead = int(value, 'ahead');
        break;
      case 'seq': {
        const [imp = '', req = '', srv = ''] = value.split('/');
        out.sync = { impSeq: int(imp, 'IMPSEQ'), reqSeq: int(req, 'REQSEQ'), srvSeq: int(srv, 'SRVSEQ') };
        break;
      }
      default:
        bad(`unknown key ${JSON.stringify(key)} (known: containers, trust, custom, ahead, seq)`);
    }
  }
  return out;
}
