/**
 * The two checks Microsoft's fuller text of the procedure asks for beyond Q150976
 * (docs/domain.md, "The Exchange DSS side"):
 * - one run per configuration group: requestors whose export settings differ cannot share one
 *   Resync.glb (Q156063, section 3.1.1), so a group naming them is refused (MixedConfiguration)
 *   where the DSS's configurations can be seen;
 * - sequence numbers: a DXA 5.5.2524 or later takes the header numbers from the named requestors
 *   only unless GlobalMaxSeqInResync is 1, and the import can then fail with fatal error 14 at
 *   the requestor (Q215505). The value can be set to 1 for the run and is restored afterwards.
 */
import { CONTRACT } from '../shared/contract';
import type { DssOperations, RequestorConfiguration } from '../operations/operations';
import type { Reporter } from '../shared/reporter';
import type { RunState } from './run-state';
import { ResyncError } from '../shared/errors';

import { GLOBAL_MAX_SEQ } from '../shared/dxa-version';

export { GLOBAL_MAX_SEQ, GLOBAL_MAX_SEQ_MIN_VERSION, compareVersions, honoursGlobalMaxSeq } from '../shared/dxa-version';

const fold = (s: string): string => s.trim().toLocaleUpperCase('en-US');

export interface GroupConfigurations {
  /** The named requestors the DSS knows, once each, with the name that found them. */
  matched: Array<{ name: string; config: RequestorConfiguration }>;
  /** Requestors the DSS knows that the group does not name. */
  others: RequestorConfiguration[];
}

export function matchConfigurations(names: readonly string[], configs: readonly RequestorConfiguration[]): GroupConfigurations {
  const matched: GroupConfigurations['matched'] = [];
  const seen = new Set<RequestorConfiguration>();
  for (const name of names) {
    const n = fold(name);
    const hit = configs.find((c) => fold(c.displayName) === n || fold(c.commonName) === n || fold(c.rdn) === n);
    if (hit && !seen.has(hit)) {
      seen.add(hit);
      matched.push({ name, config: hit });
    }
  }
  return { matched, others: configs.filter((c) => !seen.has(c)) };
}

/** Every setting on which the matched requestors disagree, with each requestor's value. */
export function configurationDifferences(matched: GroupConfigurations['matched']): Array<{ setting: string; values: Array<{ requestor: string; value: string }> }> {
  const keys = new Set<string>();
  for (const m of matched) for (const k of Object.keys(m.config.settings)) keys.add(k);
  const out: Array<{ setting: string; values: Array<{ requestor: string; value: string }> }> = [];
  for (const k of keys) {
    const values = matched.map((m) => ({ requestor: m.config.displayName, value: m.config.settings[k] ?? '(not set)' }));
    if (new Set(values.map((v) => v.value)).size > 1) out.push({ setting: k, values });
  }
  return out;
}

export function mixedConfigurationError(differences: ReturnType<typeof configurationDifferences>): ResyncError {
  const text = differences.map((d) => `${d.setting}: ${d.values.map((v) => `${JSON.stringify(v.requestor)} ${JSON.stringify(v.value)}`).join(', ')}`).join('; ');
  return new ResyncError(
    'MixedConfiguration',
    `These requestors are configured differently, so one Resync.glb cannot serve them all (Q156063): ${text}. Nothing was changed. Run one group per configuration (PowerShell: one pipeline object or one -Group element per group; CLI: one --group per group), or use -Force (--force) to run them together anyway.`,
    { target: differences.flatMap((d) => d.values.map((v) => v.requestor)).filter((v, i, a) => a.indexOf(v) === i).join(', '), differences },
  );
}

/**
 * Puts GlobalMaxSeqInResync back as it was before the run (absent or its old value). Returns the
 * sentence for the undo list, or null when nothing needed doing; throws when the write fails.
 */
export async function restoreGlobalMaxSeq(ops: DssOperations, state: RunState): Promise<string | null> {
  if (!state.globalMaxSeqSet || !ops.setGlobalMaxSeq) return null;
  const prior = state.priorGlobalMaxSeq ?? null;
  await ops.setGlobalMaxSeq(prior);
  state.globalMaxSeqSet = false;
  return prior === null ? `Removed ${GLOBAL_MAX_SEQ}, which was absent before the run.` : `Restored ${GLOBAL_MAX_SEQ} to ${prior}.`;
}

/** restoreGlobalMaxSeq for a rollback or recovery: a failure becomes a manual step instead of an exception. */
export async function restoreGlobalMaxSeqOrStep(ops: DssOperations, state: RunState, reporter: Reporter): Promise<{ undone: string[]; manualSteps: string[] }> {
  try {
    const done = await restoreGlobalMaxSeq(ops, state);
    if (done) reporter.verbose(`Rollback: ${done}`);
    return { undone: done ? [done] : [], manualSteps: [] };
  } catch (e) {
    const prior = state.priorGlobalMaxSeq ?? null;
    const step =
      prior === null
        ? `Remove-ItemProperty -Path '${CONTRACT.serviceKey.psPath}' -Name ${GLOBAL_MAX_SEQ} (it was absent before the run)`
        : `Set-ItemProperty -Path '${CONTRACT.serviceKey.psPath}' -Name ${GLOBAL_MAX_SEQ} -Value ${prior} -Type DWord`;
    reporter.warning(`Could not restore ${GLOBAL_MAX_SEQ}: ${(e as Error).message}`);
    return { undone: [], manualSteps: [`${step} (the tool could not restore it: ${(e as Error).message})`] };
  }
}
