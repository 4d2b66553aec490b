/**
 * The per-DSS run lock's place and the recovery of a run that died holding it: used by every command that
 * changes a DSS (new, recover, copy to an Exchange requestor). Reports through a Reporter only.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TargetParams } from '../operations/open';
import type { DssOperations } from '../operations/operations';
import { ResyncError } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import { defaultAuditLog, type AuditLog } from './audit';
import type { StaleLock } from './lock';
import { checkJournal } from './journal-check';
import { rollback, changedAnything } from './rollback';
import { restoreGlobalMaxSeqOrStep } from './sequence';

export function stateFolder(): string {
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'ResyncGlb');
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'resyncglb');
}

/**
 * Where Resync.glb goes without an output path: the lab's output folder, else a per-user folder
 * next to the audit log (%LOCALAPPDATA%\ResyncGlb\output; $XDG_STATE_HOME/resyncglb/output). Never
 * the current folder: in an elevated console that is C:\Windows\System32.
 */
export function defaultOutputFolder(target: TargetParams): string {
  if (target.labPath) return join(target.labPath, 'output');
  return join(dirname(defaultAuditLog()), 'output');
}

/** Finishes the cleanup of a run that died (its journal is in the stale lock). */
export async function recoverStale(
  ops: DssOperations,
  stale: StaleLock,
  reporter: Reporter,
  audit: AuditLog,
  lockWhere = 'the run lock',
): Promise<{ undone: string[]; manualSteps: string[] }> {
  const state = stale.state;
  if (!state && stale.staleBecause.startsWith('it could not be read')) {
    // No journal to act on: what that run changed is unknown, so nothing is undone and the admin is told.
    const check = `check by hand on ${stale.computerName || 'the DSS'} that ResyncConnectionRDNs is absent under the MSExchangeDX key, that the service runs, and that no Resync.glb is left in Dxadata`;
    reporter.warning(`Found a run lock that could not be read (${stale.staleBecause}); what its run changed is unknown and nothing was undone: ${check}. The lock was cleared.`);
    await audit.write({ event: 'recovered', staleRunId: stale.runId, staleBecause: stale.staleBecause, undone: [], note: `unreadable journal: ${check}` });
    return { undone: [], manualSteps: [] };
  }
  if (!state || !changedAnything(state)) {
    reporter.warning(`Found the lock of run ${stale.runId} by ${stale.user} (pid ${stale.pid} on ${stale.host}, since ${stale.since}); it is stale because ${stale.staleBecause}. That run had changed nothing; the lock was cleared.`);
    await audit.write({ event: 'recovered', staleRunId: stale.runId, staleBecause: stale.staleBecause, undone: [], note: 'the dead run had changed nothing' });
    return { undone: [], manualSteps: [] };
  }
  await checkJournal(ops, state, lockWhere);
  reporter.warning(
    `Run ${stale.runId} by ${stale.user} (pid ${stale.pid} on ${stale.host}, since ${stale.since}) did not finish: its lock is stale because ${stale.staleBecause}. Undoing what it changed first.`,
  );
  const rb = await rollback(ops, state, reporter, {
    serviceTimeoutMs: 120_000,
    settleTimeoutMs: 120_000,
    outputFolder: state.outputFolder,
  });
  const gms = await restoreGlobalMaxSeqOrStep(ops, state, reporter);
  rb.undone.push(...gms.undone);
  rb.manualSteps.push(...gms.manualSteps);
  await audit.write({ event: 'recovered', staleRunId: stale.runId, staleBecause: stale.staleBecause, undone: rb.undone, manualSteps: rb.manualSteps });
  if (rb.manualSteps.length) {
    throw new ResyncError(
      'RollbackIncomplete',
      `Run ${stale.runId} died and its cleanup is incomplete; do these by hand: ${rb.manualSteps.map((s, i) => `(${i + 1}) ${s}`).join(' ')}`,
      { undone: rb.undone, manualSteps: rb.manualSteps },
    );
  }
  return rb;
}
