/**
 * The `new` command (New-ResyncGlb): opens the DSS's operations, takes the per-DSS run lock, runs
 * the procedure once per configuration group, in turn (Q156063), with its journal and audit trail,
 * and emits one ResyncGlb.Result per group. The first failed group stops the rest.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { CommandHandler } from '../protocol/context';
import { optBool, optEnum, optNumber, optString, optStringArray } from '../protocol/params';
import { openOperations, type TargetParams } from '../operations/open';
import { TRANSPORTS } from '../operations/windows/transport';
import { AuditLog, defaultAuditLog } from '../core/audit';
import { RunLock, readLockFrom, staleReason, UNREADABLE_STALE_MS } from '../core/lock';
import { defaultOutputFolder, recoverStale } from '../core/run-lock';
import { runNewResync } from '../core/procedure';
import { newRunState, type RunState } from '../core/run-state';
import { ResyncError, toResyncError } from '../shared/errors';
import { CONTRACT } from '../shared/contract';
import { directoryPreflight } from './requestors';

export function readTarget(params: Record<string, unknown>): TargetParams {
  const labPath = optString(params, 'labPath');
  return {
    labPath: labPath ? resolve(labPath) : undefined,
    computerName: optString(params, 'computerName'),
    transport: optEnum(params, 'transport', TRANSPORTS),
    powershell: optString(params, 'powershell'),
  };
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

/**
 * The configuration groups of one call: `group` (an array of groups, each a name or an array of
 * names) or else `requestor` (one group). Each group is one run (Q156063).
 */
export function readGroups(params: Record<string, unknown>): unknown[][] {
  const groups = params.group;
  const requestors = optStringArray(params, 'requestor');
  if (groups !== undefined && groups !== null) {
    if (requestors !== undefined) {
      throw new ResyncError('Usage', "Give either 'requestor' (one group) or 'group' (several), not both.", { target: 'group' });
    }
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new ResyncError('Usage', "Parameter 'group' must be a non-empty array of groups, each a name or an array of names.", { target: 'group' });
    }
    return groups.map((g, i) => {
      if (typeof g === 'string') return [g];
      if (Array.isArray(g) && g.length > 0) return g;
      throw new ResyncError('Usage', `Group ${i + 1} must be a name or a non-empty array of names.`, { target: 'group' });
    });
  }
  // Before the DSS is reached: a run without names is a usage error, not a connection attempt.
  if (requestors === undefined || requestors.length === 0) {
    throw new ResyncError('Usage', 'Name at least one requestor (-Requestor, --requestor): the display name, common name or RDN of a Remote Dirsync Requestor.', { target: 'requestor' });
  }
  return [requestors];
}

function groupLabel(names: readonly unknown[]): string {
  return names.map((n) => JSON.stringify(typeof n === 'string' ? n : String(n))).join(', ');
}

export const newHandler: CommandHandler = async (params, ctx) => {
  const target = readTarget(params);
  const whatIf = optBool(params, 'whatIf');
  const groups = readGroups(params);
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
  const finalRestart = !optBool(params, 'noFinalRestart');
  const globalMaxSeq = optBool(params, 'globalMaxSeq');
  const keepGlobalMaxSeq = optBool(params, 'keepGlobalMaxSeq');
  if (keepGlobalMaxSeq && !globalMaxSeq) {
    throw new ResyncError('Usage', "'keepGlobalMaxSeq' only makes sense with 'globalMaxSeq'.", { target: 'keepGlobalMaxSeq' });
  }
  const runId = randomUUID();

  // Before the DSS is even opened: unknown names fail here, with near matches, changing nothing.
  await directoryPreflight(params, groups, ctx);
  const ops = await openOperations(target, ctx.secret);
  const audit = new AuditLog(logPath ? resolve(logPath) : defaultAuditLog(target.labPath), { runId, computerName: ops.computerName });
  let lock: RunLock | null = null;
  const completed: Array<{ group: number; requestor: string[]; path: string }> = [];
  try {
    if (!whatIf) {
      // The lock lives on the DSS, so every workstation and every spelling of its name meets it.
      const store = await ops.lockStore();
      lock = await RunLock.acquire(store, ops.computerName, runId, (stale) => recoverStale(ops, stale, ctx.reporter, audit, store.location).then(() => undefined));
    }
    // One group after another under the one lock; the first failure stops the rest.
    for (let gi = 0; gi < groups.length; gi += 1) {
      const requestors = groups[gi] as unknown[];
      const label = groups.length > 1 ? `Group ${gi + 1} of ${groups.length} (${groupLabel(requestors)})` : '';
      if (label) ctx.reporter.verbose(`${label}: starting.`);
      try {
        const requested = requestors.map((r) => (typeof r === 'string' ? r : String(r)));
        if (!whatIf) await audit.write({ event: 'start', command: 'new', requestors: requested, force, target: target.labPath ? 'lab' : 'windows', ...(groups.length > 1 ? { group: gi + 1, groups: groups.length } : {}) });
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
            finalRestart,
            globalMaxSeq,
            keepGlobalMaxSeq,
            runId: gi === 0 ? runId : randomUUID(),
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
          await audit.write({ event: 'outcome', result: 'success', path: result.Path, length: result.Length, sha256: result.Sha256, backupPath: result.BackupPath, previousFilePath: result.PreviousFilePath, finalRestart: result.FinalRestart });
          // The lock's journal describes a finished run now: a later recovery must not undo it.
          await lock?.record(newRunState(result.RunId, ops.computerName, '', outputPath));
          ctx.emitResult('ResyncGlb.Result', { ...result, Group: gi + 1, GroupCount: groups.length });
          completed.push({ group: gi + 1, requestor: result.Requestor, path: result.Path });
          if (result.FinalRestartError) {
            throw new ResyncError('FinalRestartFailed', `${label ? `${label}: ` : ''}${result.FinalRestartError.Message} The file is ${result.Path}.`, {
              target: CONTRACT.service.name,
              path: result.Path,
              sha256: result.Sha256,
              manualSteps: result.FinalRestartError.ManualSteps,
            });
          }
        }
      } catch (e) {
        const err = toResyncError(e);
        if (groups.length > 1) {
          const rest = groups.slice(gi + 1).map((g, k) => `group ${gi + 2 + k} (${groupLabel(g)})`);
          err.details.failedGroup = gi + 1;
          err.details.completedGroups = completed;
          err.details.groupsNotRun = groups.slice(gi + 1);
          if (err.id !== 'FinalRestartFailed') err.message = `${label} failed: ${err.message}`;
          err.message += ` Groups completed: ${completed.length ? completed.map((c) => `group ${c.group} (${groupLabel(c.requestor)}) -> ${c.path}`).join('; ') : 'none'}. Not run: ${rest.length ? rest.join(', ') : 'none'}.`;
        }
        throw err;
      }
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
    const store = await ops.lockStore();
    const file = store.location;
    const held = await readLockFrom(store);
    if (!held) {
      ctx.reporter.warning(`No run lock for ${ops.computerName} (${file}): no run died mid-way; nothing to recover.`);
      return;
    }
    if (held.unreadable && held.ageMs < UNREADABLE_STALE_MS) {
      ctx.reporter.warning(`The run lock ${file} cannot be read and is only ${Math.round(held.ageMs / 1000)} s old; not touched. Run recover again in a few seconds.`);
      return;
    }
    if (!held.unreadable && !staleReason(held.info, store.proofFolder)) {
      ctx.reporter.warning(
        `Run ${held.info.runId} by ${held.info.user} (pid ${held.info.pid} on ${held.info.host}, since ${held.info.since}) holds ${ops.computerName} and is ${held.info.host === hostname() ? 'alive' : 'on another host, where it cannot be checked from here'}; not touched.`,
      );
      return;
    }
    // Taking the lock recovers the stale journal (RunLock.acquire, holding the DSS) and releases it again.
    let recovered = false;
    const lock = await RunLock.acquire(store, ops.computerName, randomUUID(), async (stale) => {
      recovered = true;
      const rb = await recoverStale(ops, stale, ctx.reporter, audit, file);
      for (const u of rb.undone) ctx.reporter.warning(`Recovered: ${u}`);
    });
    await lock.release();
    if (!recovered) ctx.reporter.warning(`The run lock of ${ops.computerName} was released by its holder meanwhile; nothing to recover.`);
  } finally {
    await ops.dispose();
  }
};
