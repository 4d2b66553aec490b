/**
 * The `new` command (New-ResyncGlb): opens the DSS's operations, takes the per-DSS run lock,
 * runs the procedure with its journal and audit trail, and emits one ResyncGlb.Result.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CommandContext, CommandHandler } from '../protocol/context';
import { optBool, optEnum, optNumber, optString, optStringArray } from '../protocol/params';
import { openOperations, type TargetParams } from '../operations/open';
import type { DssOperations } from '../operations/operations';
import { AuditLog, defaultAuditLog } from './audit';
import { RunLock, isStale, readLock, type LockInfo } from './lock';
import { runNewResync } from './procedure';
import { rollback, changedAnything } from './rollback';
import type { RunState } from './run-state';
import { ResyncError, toResyncError } from './errors';
import { CONTRACT } from '../operations/contract';

export const TRANSPORTS = ['Auto', 'Local', 'Remoting', 'Rpc'] as const;

export function readTarget(params: Record<string, unknown>): TargetParams {
  const labPath = optString(params, 'labPath');
  return {
    labPath: labPath ? resolve(labPath) : undefined,
    computerName: optString(params, 'computerName'),
    transport: optEnum(params, 'transport', TRANSPORTS),
    powershell: optString(params, 'powershell'),
  };
}

export function stateFolder(): string {
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'ResyncGlb');
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'resyncglb');
}

/** One lock per DSS: inside the lab for a lab, else in this workstation's state folder. */
export function lockFileFor(target: TargetParams, computerName: string): string {
  if (target.labPath) return join(target.labPath, '.resyncglb', 'run.lock');
  return join(stateFolder(), 'locks', `${computerName.toUpperCase().replace(/[^A-Z0-9._-]/g, '_')}.lock`);
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
  stale: LockInfo,
  ctx: CommandContext,
  audit: AuditLog,
): Promise<{ undone: string[]; manualSteps: string[] }> {
  const state = stale.state;
  if (!state || !changedAnything(state)) {
    await audit.write({ event: 'recovered', staleRunId: stale.runId, undone: [], note: 'the dead run had changed nothing' });
    return { undone: [], manualSteps: [] };
  }
  ctx.reporter.warning(
    `Run ${stale.runId} by ${stale.user} (pid ${stale.pid}, since ${stale.since}) died before finishing; undoing what it changed first.`,
  );
  const rb = await rollback(ops, state, ctx.reporter, {
    serviceTimeoutMs: 120_000,
    settleTimeoutMs: 120_000,
    outputFolder: state.outputFolder,
  });
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

function journalDiff(prev: RunState | null, next: RunState): string[] {
  const events: string[] = [];
  const flag = (k: keyof RunState, name: string): void => {
    if (next[k] && !(prev && prev[k])) events.push(name);
  };
  flag('valueWritten', 'value-written');
  flag('serviceStopped', 'service-stop');
  flag('serviceStarted', 'service-start');
  flag('fileTaken', 'file-moved');
  return events;
}

export const newHandler: CommandHandler = async (params, ctx) => {
  const target = readTarget(params);
  const whatIf = optBool(params, 'whatIf');
  const requestors = optStringArray(params, 'requestor');
  const timeoutSec = optNumber(params, 'timeoutSec', 1, 86_400) ?? 600;
  const serviceTimeoutSec = optNumber(params, 'serviceTimeoutSec', 1, 3_600) ?? 120;
  const recognitionSec = optNumber(params, 'recognitionSec', 1, 86_400);
  const minFreeMb = optNumber(params, 'minFreeMb', 0, 1_048_576);
  const givenOutput = optString(params, 'outputPath');
  const outputPath = resolve(givenOutput ?? defaultOutputFolder(target));
  if (!givenOutput && !target.labPath) ctx.reporter.verbose(`No output path was given: Resync.glb and the backup go to ${outputPath} (the result's Path says where the file is).`);
  const backupPath = optString(params, 'backupPath');
  const dxadataPath = optString(params, 'dxadataPath');
  const logPath = optString(params, 'logPath');
  const force = optBool(params, 'force');
  const runId = randomUUID();

  const ops = await openOperations(target, ctx.secret);
  const audit = new AuditLog(logPath ? resolve(logPath) : defaultAuditLog(target.labPath), { runId, computerName: ops.computerName });
  let lock: RunLock | null = null;
  try {
    if (!whatIf) {
      lock = await RunLock.acquire(lockFileFor(target, ops.computerName), ops.computerName, runId, (stale) =>
        recoverStale(ops, stale, ctx, audit).then(() => undefined),
      );
    }
    const requested = Array.isArray(requestors) ? requestors.map((r) => (typeof r === 'string' ? r : String(r))) : [];
    if (!whatIf) await audit.write({ event: 'start', command: 'new', requestors: requested, force, target: target.labPath ? 'lab' : 'windows' });
    let prev: RunState | null = null;
    const result = await runNewResync(
      ops,
      {
        requestors,
        dxadataPath,
        outputPath,
        backupPath: backupPath ? resolve(backupPath) : undefined,
        timeoutMs: timeoutSec * 1000,
        serviceTimeoutMs: serviceTimeoutSec * 1000,
        recognitionMs: recognitionSec !== undefined ? recognitionSec * 1000 : undefined,
        minFreeBytes: minFreeMb !== undefined ? minFreeMb * 1048576 : undefined,
        force,
        whatIf,
        runId,
        journal: async (state) => {
          await lock?.record(state);
          for (const ev of journalDiff(prev, state)) {
            await audit.write({
              event: ev,
              ...(ev === 'value-written' ? { value: CONTRACT.resyncValue.name, data: state.requestors } : {}),
              ...(ev.startsWith('service') ? { service: CONTRACT.service.name } : {}),
              ...(ev === 'file-moved' ? { from: state.filePath } : {}),
            });
          }
          prev = structuredClone(state);
        },
      },
      ctx.reporter,
      ctx.signal,
    );
    if (result) {
      await audit.write({ event: 'outcome', result: 'success', path: result.Path, length: result.Length, sha256: result.Sha256, backupPath: result.BackupPath, previousFilePath: result.PreviousFilePath });
      ctx.emitResult('ResyncGlb.Result', { ...result });
    }
  } catch (e) {
    const err = toResyncError(e);
    if (!whatIf) {
      await audit
        .write({ event: 'outcome', result: 'failed', errorId: err.id, message: err.message, undone: err.details.undone ?? [], manualSteps: err.details.manualSteps ?? [] })
        .catch(() => undefined);
    }
    throw err;
  } finally {
    // Released even after RollbackIncomplete: the manual steps are in the error and the audit log,
    // and the admin must be able to run again once they are done.
    await lock?.release();
    await ops.dispose();
  }
};

/**
 * The `recover` command: finishes the cleanup of a run on this DSS that died (its lock is stale).
 * Reports through verbose/warning events only; a live run's lock is left alone.
 */
export const recoverHandler: CommandHandler = async (params, ctx) => {
  const target = readTarget(params);
  const logPath = optString(params, 'logPath');
  const ops = await openOperations(target, ctx.secret);
  const audit = new AuditLog(logPath ? resolve(logPath) : defaultAuditLog(target.labPath), {
    runId: randomUUID(),
    computerName: ops.computerName,
  });
  try {
    const file = lockFileFor(target, ops.computerName);
    const held = await readLock(file);
    if (!held) {
      ctx.reporter.verbose(`No run lock for ${ops.computerName}: nothing to recover.`);
      return;
    }
    if (!isStale(held)) {
      ctx.reporter.verbose(`Run ${held.runId} (pid ${held.pid} on ${held.host}) is still alive or on another host; not touched.`);
      return;
    }
    // Taking the lock recovers the stale journal (RunLock.acquire) and releases it again.
    const lock = await RunLock.acquire(file, ops.computerName, randomUUID(), async (stale) => {
      const rb = await recoverStale(ops, stale, ctx, audit);
      for (const u of rb.undone) ctx.reporter.warning(`Recovered: ${u}`);
    });
    await lock.release();
  } finally {
    await ops.dispose();
  }
};
