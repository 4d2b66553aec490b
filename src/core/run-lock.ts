/**
 * The per-DSS run lock's place and the recovery of a run that died holding it: used by every command that
 * changes a DSS (new, recover, copy to an Exchange requestor). Reports through a Reporter only.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TargetParams } from '../operations/open';
import type { DssOperations } from '../operations/operations';
import { ResyncError } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import type { AuditLog } from './audit';
import type { LockInfo } from './lock';
import { rollback, changedAnything } from './rollback';
import { restoreGlobalMaxSeqOrStep } from './sequence';

export function stateFolder(): string {
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'ResyncGlb');
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'resyncglb');
}

/** One lock per DSS: inside the lab for a lab, else in this workstation's state folder. */
export function lockFileFor(target: TargetParams, computerName: string): string {
  if (target.labPath) return join(target.labPath, '.resyncglb', 'run.lock');
  return join(stateFolder(), 'locks', `${computerName.toUpperCase().replace(/[^A-Z0-9._-]/g, '_')}.lock`);
}

export function defaultOutputFolder(target: TargetParams): string {
  return target.labPath ? join(target.labPath, 'output') : process.cwd();
}

/** Finishes the cleanup of a run that died (its journal is in the stale lock). */
export async function recoverStale(
  ops: DssOperations,
  stale: LockInfo,
  reporter: Reporter,
  audit: AuditLog,
): Promise<{ undone: string[]; manualSteps: string[] }> {
  const state = stale.state;
  if (!state || !changedAnything(state)) {
    await audit.write({ event: 'recovered', staleRunId: stale.runId, undone: [], note: 'the dead run had changed nothing' });
    return { undone: [], manualSteps: [] };
  }
  reporter.warning(
    `Run ${stale.runId} by ${stale.user} (pid ${stale.pid}, since ${stale.since}) died before finishing; undoing what it changed first.`,
  );
  const rb = await rollback(ops, state, reporter, {
    serviceTimeoutMs: 120_000,
    settleTimeoutMs: 120_000,
    outputFolder: state.outputFolder,
  });
  const gms = await restoreGlobalMaxSeqOrStep(ops, state, reporter);
  rb.undone.push(...gms.undone);
  rb.manualSteps.push(...gms.manualSteps);
  await audit.write({ event: 'recovered', staleRunId: stale.runId, undone: rb.undone, manualSteps: rb.manualSteps });
  if (rb.manualSteps.length) {
    throw new ResyncError(
      'RollbackIncomplete',
      `Run ${stale.runId} died and its cleanup is incomplete; do these by hand: ${rb.manualSteps.map((s, i) => `(${i + 1}) ${s}`).join(' ')}`,
      { undone: rb.undone, manualSteps: rb.manualSteps },
    );
  }
  return rb;
}
