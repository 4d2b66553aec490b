/**
 * New-ResyncGlb's procedure (domain.md, Q150976), as steps over DssOperations:
 *   preflight -> backup -> move an older Resync.glb aside -> write ResyncConnectionRDNs ->
 *   restart the service -> wait for a complete file -> verify -> take the file out of Dxadata.
 * Any failure or cancellation after the first change runs the rollback (src/core/rollback.ts).
 * Under what-if, preflight runs (it only reads) and every change is reported, none made.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DssOperations, DxadataLocation, ServiceInfo } from '../operations/operations';
import { CONTRACT } from '../operations/contract';
import type { Reporter } from './reporter';
import { ResyncError, toResyncError } from './errors';
import { normalizeRequestorNames, sameNames } from './names';
import { writeBackup, stampOf, serviceKeyName, fileSafe } from './backup';
import { newRunState, type RunState } from './run-state';
import { rollback, changedAnything } from './rollback';
import { settleBeforeStop } from './settle';
import { DEFAULT_WAIT, waitForCompleteFile } from './wait-for-file';
import { abortReason } from './wake';

export interface NewResyncOptions {
  requestors: unknown;
  /** Overrides DXADataPath / the setup key (domain.md, Q185504). */
  dxadataPath?: string;
  /** Local folder the finished Resync.glb is moved to. */
  outputPath: string;
  /** Local folder for the registry backup (default: <outputPath>/backup). */
  backupPath?: string;
  timeoutMs: number;
  serviceTimeoutMs: number;
  /** With the value present and no file, how long after the start it counts as not recognised. */
  recognitionMs?: number;
  /** Take over a pending ResyncConnectionRDNs. */
  force: boolean;
  whatIf: boolean;
  /** Free space Dxadata must have; default 64 MiB. */
  minFreeBytes?: number;
  /** Called after every change, with the state a rollback would need (the lock's journal). */
  journal?: (state: RunState) => Promise<void>;
  runId?: string;
  now?: () => Date;
}

export interface NewResyncResult {
  ComputerName: string;
  Requestor: string[];
  Path: string;
  Length: number;
  Sha256: string;
  LastWriteTimeUtc: string;
  ValueRemoved: boolean;
  ServiceStatus: string;
  Duration: number;
  BackupPath: string;
  DxadataPath: string;
  DxadataSource: string;
  PreviousFilePath: string | null;
  Warnings: string[];
  RunId: string;
}

export interface PreflightFacts {
  names: string[];
  service: ServiceInfo;
  pending: string[] | null;
  dxadata: DxadataLocation;
  filePath: string;
  oldFile: boolean;
}

const VALUE = CONTRACT.resyncValue.name;
const SERVICE = CONTRACT.service.name;
const DEFAULT_MIN_FREE = 64 * 1024 * 1024;

/** Reads only. Throws the first refusal (every bad name at once for InvalidRequestor). */
export async function preflight(
  ops: DssOperations,
  opts: NewResyncOptions,
  reporter: Reporter,
): Promise<PreflightFacts> {
  const { names, warnings } = normalizeRequestorNames(opts.requestors);
  for (const w of warnings) reporter.warning(w);
  reporter.verbose(`Preflight on ${ops.computerName}: requestors ${names.map((n) => JSON.stringify(n)).join(', ')}.`);

  const service = await ops.getService();
  if (!service) {
    throw new ResyncError(
      'ServiceNotFound',
      `The ${CONTRACT.service.displayName} service (${SERVICE}) does not exist on ${ops.computerName}; it is not an Exchange directory synchronization server, so there is nothing to do.`,
      { target: SERVICE },
    );
  }
  reporter.verbose(`Service ${service.name} is ${service.status}${service.dependentServices.length ? `; dependent services: ${service.dependentServices.join(', ')}` : ''}.`);
  if (service.status !== 'Running' && service.status !== 'Stopped') {
    throw new ResyncError(
      'OperationFailed',
      `The ${SERVICE} service is ${service.status}; ResyncGlb runs only when it is Running or Stopped. If it stays in this state it may be hung: see Q176566 (the tool reports this and does not repair it).`,
      { target: SERVICE },
    );
  }

  const pending = await ops.getResyncValue();
  if (pending !== null && !opts.force) {
    throw new ResyncError(
      'ValuePending',
      `${VALUE} is already present under ${serviceKeyName()} with ${JSON.stringify(pending)}, from an earlier attempt; a restart would act on it. Nothing was changed. Use -Force (--force) to take it over: it is backed up, replaced for this run and restored afterwards if the run fails.`,
      { target: VALUE, pending },
    );
  }
  if (pending !== null) reporter.warning(`Taking over the pending ${VALUE} ${JSON.stringify(pending)} (force).`);

  const dxadata = await ops.resolveDxadata(opts.dxadataPath);
  reporter.verbose(`Dxadata is ${dxadata.path} (from ${dxadata.source}).`);
  const minFree = opts.minFreeBytes ?? DEFAULT_MIN_FREE;
  if (dxadata.freeBytes !== null && dxadata.freeBytes < minFree) {
    throw new ResyncError(
      'InsufficientSpace',
      `The volume holding ${dxadata.path} has ${Math.floor(dxadata.freeBytes / 1048576)} MiB free; at least ${Math.ceil(minFree / 1048576)} MiB is required for Resync.glb.`,
      { target: dxadata.path, freeBytes: dxadata.freeBytes },
    );
  }
  const filePath = ops.path.join(dxadata.path, CONTRACT.resyncFileName);
  const oldFile = (await ops.statFile(filePath)) !== null;
  return { names, service, pending, dxadata, filePath, oldFile };
}

export async function runNewResync(
  ops: DssOperations,
  opts: NewResyncOptions,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<NewResyncResult | null> {
  const started = Date.now();
  const now = opts.now ?? (() => new Date());
  const stamp = stampOf(now());
  const runId = opts.runId ?? randomUUID();
  const state = newRunState(runId, ops.computerName, stamp, opts.outputPath);
  const warnings: string[] = [];
  // Warnings also go into the result, so a script sees them without a warning stream.
  const warn: Reporter = {
    progress: (u) => reporter.progress(u),
    verbose: (m) => reporter.verbose(m),
    whatIf: (a, t) => reporter.whatIf(a, t),
    warning: (m) => {
      warnings.push(m);
      reporter.warning(m);
    },
  };
  const journal = async (): Promise<void> => {
    if (opts.journal) await opts.journal(state);
  };
  const checkCancel = (): void => {
    if (signal.aborted) throw new ResyncError('Cancelled', `The run was cancelled: ${abortReason(signal).message}`);
  };
  const progressId = 1;
  const step = (n: number, status: string): void => {
    reporter.progress({ id: progressId, activity: `New-ResyncGlb on ${ops.computerName}`, status, percent: Math.round((n / 7) * 100) });
  };

  const facts = await preflight(ops, opts, warn);
  state.priorServiceStatus = facts.service.status;
  state.priorValue = facts.pending;
  state.requestors = facts.names;
  state.dxadata = facts.dxadata.path;
  const key = serviceKeyName();
  const backupFolder = opts.backupPath ?? join(opts.outputPath, 'backup');
  const host = fileSafe(ops.computerName);
  const previousTo = join(opts.outputPath, `Resync-${host}-${stamp}.previous.glb`);
  const finalTo = join(opts.outputPath, `Resync-${host}-${stamp}.glb`);

  if (opts.whatIf) {
    const plan: Array<[string, string]> = [
      ['Write registry backup', join(backupFolder, `MSExchangeDX-${host}-${stamp}.json`)],
    ];
    if (facts.oldFile) plan.push([`Move older ${CONTRACT.resyncFileName} out of Dxadata`, `${facts.filePath} -> ${previousTo}`]);
    plan.push([
      `${facts.pending === null ? 'Create' : 'Set'} registry value ${VALUE} (${CONTRACT.resyncValue.type}) = ${JSON.stringify(facts.names)}`,
      `${key} on ${ops.computerName}`,
    ]);
    if (facts.service.status === 'Running') plan.push(['Stop service', `${SERVICE} on ${ops.computerName}`]);
    plan.push(['Start service', `${SERVICE} on ${ops.computerName}`]);
    plan.push([`Move the new ${CONTRACT.resyncFileName} out of Dxadata`, `${facts.filePath} -> ${finalTo}`]);
    if (facts.service.status === 'Stopped') plan.push(['Stop service (it was stopped before the run)', `${SERVICE} on ${ops.computerName}`]);
    for (const [action, target] of plan) reporter.whatIf(action, target);
    return null;
  }

  let backupPath = '';
  let previousFilePath: string | null = null;
  try {
    checkCancel();
    step(1, 'Backing up the registry value');
    await mkdir(opts.outputPath, { recursive: true });
    backupPath = await writeBackup(backupFolder, stamp, {
      computerName: ops.computerName,
      takenUtc: now().toISOString(),
      key,
      values: {
        [VALUE]: { present: facts.pending !== null, type: CONTRACT.resyncValue.type, data: facts.pending },
      },
      serviceStatus: facts.service.status,
    });
    reporter.verbose(`Backed up ${VALUE} (${facts.pending === null ? 'absent' : 'present'}) to ${backupPath}.`);

    if (facts.oldFile) {
      checkCancel();
      step(2, `Moving an older ${CONTRACT.resyncFileName} aside`);
      // Never move a file the DXA may still be writing (Q193395).
      await settleBeforeStop(ops, facts.filePath, opts.serviceTimeoutMs);
      const moved = await ops.takeFile(facts.filePath, previousTo);
      previousFilePath = previousTo;
      reporter.verbose(`Moved the older ${CONTRACT.resyncFileName} (${moved.length} bytes, SHA-256 ${moved.sha256}) to ${previousTo}.`);
    }

    checkCancel();
    step(3, `Writing ${VALUE}`);
    state.filePath = facts.filePath;
    state.valueWritten = true; // journaled before the write, so a crash during it still gets undone
    await journal();
    const current = await ops.getResyncValue();
    if (!sameNames(current, facts.names)) await ops.setResyncValue(facts.names);
    reporter.verbose(`Wrote ${VALUE} = ${JSON.stringify(facts.names)} (${CONTRACT.resyncValue.type}) under ${key}.`);

    checkCancel();
    if (facts.service.status === 'Running') {
      step(4, `Stopping ${SERVICE}`);
      state.serviceStopped = true;
      await journal();
      await ops.stopService(opts.serviceTimeoutMs);
      reporter.verbose(`Stopped ${SERVICE}.`);
    }
    checkCancel();
    step(5, `Starting ${SERVICE}`);
    state.serviceStarted = true;
    await journal();
    await ops.startService(opts.serviceTimeoutMs);
    reporter.verbose(`Started ${SERVICE}; waiting for ${CONTRACT.resyncFileName} in ${facts.dxadata.path}.`);

    step(6, `Waiting for ${CONTRACT.resyncFileName}`);
    const outcome = await waitForCompleteFile(
      ops,
      facts.filePath,
      facts.dxadata.path,
      {
        ...DEFAULT_WAIT,
        timeoutMs: opts.timeoutMs,
        recognitionMs: Math.min(opts.recognitionMs ?? 60_000, opts.timeoutMs),
        progressId: 2,
      },
      reporter,
      signal,
    );
    reporter.progress({ id: 2, activity: `Waiting for ${CONTRACT.resyncFileName}`, status: 'Done', percent: 100, completed: true });

    let valueRemoved = outcome.kind === 'complete';
    if (outcome.kind === 'complete-value-left') {
      const left = (await ops.getResyncValue()) ?? [];
      warn.warning(
        `The DXA wrote ${CONTRACT.resyncFileName} but left ${VALUE} in place; these requestors were likely not recognised: ${left.map((n) => JSON.stringify(n)).join(', ')}. The value was removed.`,
      );
      await ops.removeResyncValue();
      valueRemoved = false;
    }
    reporter.verbose(`${CONTRACT.resyncFileName} is complete: ${outcome.file.length} bytes; ${VALUE} ${valueRemoved ? 'was removed by the DXA' : 'was removed by ResyncGlb'}.`);

    checkCancel();
    step(7, `Moving ${CONTRACT.resyncFileName} out of Dxadata`);
    const taken = await ops.takeFile(facts.filePath, finalTo).catch(async (e: unknown) => {
      // A verified copy already placed (only the delete in Dxadata failed: FileInUse) is this run's
      // file: the rollback must not take the original again as "incomplete".
      if (e instanceof ResyncError && typeof e.details.copiedTo === 'string') {
        state.fileTaken = true;
        await journal();
      }
      throw e;
    });
    state.fileTaken = true;
    await journal();
    if (taken.length !== outcome.file.length || taken.length === 0) {
      throw new ResyncError(
        'IncompleteFile',
        `${CONTRACT.resyncFileName} changed while it was being moved (${outcome.file.length} bytes seen, ${taken.length} moved).`,
        { target: finalTo },
      );
    }
    reporter.verbose(`Moved ${CONTRACT.resyncFileName} to ${finalTo} (SHA-256 ${taken.sha256}).`);

    let serviceStatus = (await ops.getService())?.status ?? 'Stopped';
    if (facts.service.status === 'Stopped' && serviceStatus !== 'Stopped') {
      await ops.stopService(opts.serviceTimeoutMs);
      serviceStatus = 'Stopped';
      reporter.verbose(`Stopped ${SERVICE} again: it was stopped before the run.`);
    }
    return {
      ComputerName: ops.computerName,
      Requestor: facts.names,
      Path: finalTo,
      Length: taken.length,
      Sha256: taken.sha256,
      LastWriteTimeUtc: outcome.file.lastWriteTimeUtc,
      ValueRemoved: true,
      ServiceStatus: serviceStatus,
      Duration: (Date.now() - started) / 1000,
      BackupPath: backupPath,
      DxadataPath: facts.dxadata.path,
      DxadataSource: facts.dxadata.source,
      PreviousFilePath: previousFilePath,
      Warnings: warnings,
      RunId: runId,
    };
  } catch (e) {
    const err = signal.aborted && !(e instanceof ResyncError && e.id !== 'Cancelled')
      ? new ResyncError('Cancelled', `The run was cancelled: ${abortReason(signal).message}`)
      : toResyncError(e, 'OperationFailed');
    if (!changedAnything(state)) {
      err.details.undone = [];
      throw err;
    }
    reporter.verbose(`Run failed (${err.id}); rolling back.`);
    const rb = await rollback(ops, state, reporter, {
      serviceTimeoutMs: opts.serviceTimeoutMs,
      settleTimeoutMs: Math.max(opts.serviceTimeoutMs, 30_000),
      outputFolder: opts.outputPath,
    });
    if (rb.manualSteps.length > 0) {
      throw new ResyncError(
        'RollbackIncomplete',
        `${err.message} The rollback is incomplete; do these by hand on ${ops.computerName}: ${rb.manualSteps.map((s, i) => `(${i + 1}) ${s}`).join(' ')}`,
        { ...err.details, cause: err.id, causeMessage: err.message, undone: rb.undone, manualSteps: rb.manualSteps, backupPath },
      );
    }
    err.details.undone = rb.undone;
    err.details.backupPath = backupPath;
    err.message = `${err.message} Undone: ${rb.undone.length ? rb.undone.join(' ') : 'nothing needed undoing.'}`;
    throw err;
  } finally {
    reporter.progress({ id: progressId, activity: `New-ResyncGlb on ${ops.computerName}`, status: 'Done', percent: 100, completed: true });
    reporter.progress({ id: 2, activity: `Waiting for ${CONTRACT.resyncFileName}`, status: 'Done', percent: 100, completed: true });
  }
}
