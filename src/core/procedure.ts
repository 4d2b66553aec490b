/**
 * New-ResyncGlb's procedure for one configuration group (docs/domain.md; Q150976, Q156063), as
 * steps over DssOperations:
 *   preflight -> backup -> move an older Resync.glb aside -> [GlobalMaxSeqInResync = 1] ->
 *   write ResyncConnectionRDNs -> restart the service -> wait for a complete file -> verify ->
 *   take the file out of Dxadata -> [restore GlobalMaxSeqInResync] -> restart after generation.
 * Any failure or cancellation after the first change, up to the file being taken, runs the
 * rollback (src/core/rollback.ts). The restart after generation comes after the good file is
 * safe: its failure is reported (FinalRestartFailed) and never hides the file.
 * Under what-if, preflight runs (it only reads) and every change is reported, none made.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DssOperations, DxadataLocation, SequenceSettings, ServiceInfo } from '../operations/operations';
import { GLOBAL_MAX_SEQ, GLOBAL_MAX_SEQ_MIN_VERSION, configurationDifferences, honoursGlobalMaxSeq, matchConfigurations, mixedConfigurationError, restoreGlobalMaxSeq, restoreGlobalMaxSeqOrStep } from './sequence';
import { CONTRACT } from '../shared/contract';
import type { Reporter } from '../shared/reporter';
import { ResyncError, toResyncError } from '../shared/errors';
import { normalizeRequestorNames, sameNames } from './requestor-names';
import { writeBackup, serviceKeyName } from './backup';
import { backupBaseName, runFileName, stampOf } from '../shared/file-names';
import { newRunState, type RunState } from './run-state';
import { rollback, changedAnything } from './rollback';
import { settleBeforeStop } from './settle';
import { DEFAULT_WAIT, waitForCompleteFile } from './wait-for-file';
import { abortReason } from '../shared/sleep';
import { foreignFileMover, guardWhile } from './foreign';
import { checkOutputSpace } from './output-space';

export interface NewResyncOptions {
  requestors: unknown;
  /** Overrides DXADataPath / the setup key (docs/domain.md, Q185504). */
  dxadataPath?: string;
  /** Local folder the finished Resync.glb is moved to. */
  outputPath: string;
  /** Local folder for the registry backup (default: <outputPath>/backup). */
  backupPath?: string;
  timeoutMs: number;
  serviceTimeoutMs: number;
  /** With the value present and no file, how long after the start it counts as not recognised. */
  recognitionMs?: number;
  /** Take over a pending ResyncConnectionRDNs; run a group with mixed configurations anyway. */
  force: boolean;
  /** Restart the service once more after generation (Q156063). Default true. */
  finalRestart?: boolean;
  /** Set GlobalMaxSeqInResync to 1 for the run (Q215505); restored afterwards unless keepGlobalMaxSeq. */
  globalMaxSeq?: boolean;
  /** Leave GlobalMaxSeqInResync at 1 after the run (a lasting change the admin asked for). */
  keepGlobalMaxSeq?: boolean;
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
  /** Always true: a file is reported only once the DXA itself has removed ResyncConnectionRDNs (Q150976). */
  ValueRemoved: boolean;
  ServiceStatus: string;
  Duration: number;
  BackupPath: string;
  DxadataPath: string;
  DxadataSource: string;
  PreviousFilePath: string | null;
  Warnings: string[];
  RunId: string;
  /** Restarted | Skipped (switch) | StoppedAsBefore (its next start is the restart) | Failed. */
  FinalRestart: FinalRestart;
  /** When FinalRestart is Failed: what happened and what to do by hand. */
  FinalRestartError: { Id: 'FinalRestartFailed'; Message: string; ManualSteps: string[] } | null;
  /** GlobalMaxSeqInResync while the file was generated (null: absent or unknown). */
  GlobalMaxSeqInResync: number | null;
  /** The DXA's file version as preflight read it (null: unknown). */
  DxaVersion: string | null;
}

export type FinalRestart = 'Restarted' | 'Skipped' | 'StoppedAsBefore' | 'Failed';

export interface PreflightFacts {
  names: string[];
  service: ServiceInfo;
  pending: string[] | null;
  dxadata: DxadataLocation;
  filePath: string;
  oldFile: boolean;
  sequence: SequenceSettings | null;
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
  await checkOutputSpace(opts.outputPath, minFree);
  const filePath = ops.path.join(dxadata.path, CONTRACT.resyncFileName);
  const oldFile = (await ops.statFile(filePath)) !== null;

  // One run per configuration group (Q156063): refuse a group whose requestors differ, where the DSS shows them.
  const configs = ops.getRequestorConfigurations ? await ops.getRequestorConfigurations() : null;
  const group = configs ? matchConfigurations(names, configs) : null;
  if (group) {
    const differences = configurationDifferences(group.matched);
    if (differences.length && !opts.force) throw mixedConfigurationError(differences);
    if (differences.length) reporter.warning(`${mixedConfigurationError(differences).message.split(' Nothing was changed.')[0]} Running them together anyway (force).`);
  }

  // Sequence numbers (Q215505).
  const sequence = ops.getSequenceSettings ? await ops.getSequenceSettings() : null;
  if (sequence) {
    reporter.verbose(`${GLOBAL_MAX_SEQ} is ${sequence.globalMaxSeqInResync ?? 'absent'}; the DXA's file version is ${sequence.dxaVersion ?? 'unknown'}.`);
    const others = group ? group.others.map((o) => o.displayName) : null;
    const off = (sequence.globalMaxSeqInResync ?? 0) === 0;
    const honours = honoursGlobalMaxSeq(sequence.dxaVersion);
    const olderDxa = sequence.dxaVersion !== null && !honours;
    if (off && !opts.globalMaxSeq && (others === null || others.length > 0)) {
      const who = others === null ? 'other requestors may be registered on this DSS' : `other requestors are registered on this DSS (${others.map((o) => JSON.stringify(o)).join(', ')})`;
      if (olderDxa) {
        reporter.warning(
          `${who[0]?.toUpperCase()}${who.slice(1)}, and the file's sequence numbers come from the named requestors only: the import at the postoffice may fail with Fatal error 14 (Q215505). The fix, ${GLOBAL_MAX_SEQ}, needs the DXA of Exchange 5.5 SP3 (${GLOBAL_MAX_SEQ_MIN_VERSION} or later); this DXA is ${sequence.dxaVersion}.`,
        );
      } else {
        reporter.warning(
          `${GLOBAL_MAX_SEQ} is ${sequence.globalMaxSeqInResync === null ? 'absent' : '0'} and ${who}: the file's sequence numbers will come from the named requestors only, and the import at the postoffice may fail with Fatal error 14 (Q215505). Use -GlobalMaxSeq (--global-max-seq) to set it to 1 for this run${sequence.dxaVersion === null ? ` (it needs the DXA of Exchange 5.5 SP3, ${GLOBAL_MAX_SEQ_MIN_VERSION} or later; this DXA's version could not be read)` : ''}.`,
        );
      }
    }
    if (opts.globalMaxSeq && olderDxa) {
      reporter.warning(`${GLOBAL_MAX_SEQ} is honoured from DXA ${GLOBAL_MAX_SEQ_MIN_VERSION} (Exchange 5.5 SP3); this DXA is ${sequence.dxaVersion}, so setting it will likely have no effect (Q215505).`);
    }
  } else if (opts.globalMaxSeq) {
    throw new ResyncError('OperationFailed', `This DSS connection cannot read or write ${GLOBAL_MAX_SEQ}; run without -GlobalMaxSeq (--global-max-seq), or set it by hand (Q215505).`, { target: GLOBAL_MAX_SEQ });
  }
  return { names, service, pending, dxadata, filePath, oldFile, sequence };
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
  const previousTo = join(opts.outputPath, runFileName(ops.computerName, stamp, 'previous'));
  const finalTo = join(opts.outputPath, runFileName(ops.computerName, stamp, 'taken'));

  if (opts.whatIf) {
    const plan: Array<[string, string]> = [
      ['Write registry backup', join(backupFolder, `${backupBaseName(ops.computerName, stamp)}.json`)],
    ];
    if (facts.oldFile) plan.push([`Move older ${CONTRACT.resyncFileName} out of Dxadata`, `${facts.filePath} -> ${previousTo}`]);
    const setGms = opts.globalMaxSeq === true && facts.sequence?.globalMaxSeqInResync !== 1;
    if (setGms) plan.push([`Set registry value ${GLOBAL_MAX_SEQ} (REG_DWORD) = 1 for this run (Q215505)`, `${key} on ${ops.computerName}`]);
    plan.push([
      `${facts.pending === null ? 'Create' : 'Set'} registry value ${VALUE} (${CONTRACT.resyncValue.type}) = ${JSON.stringify(facts.names)}`,
      `${key} on ${ops.computerName}`,
    ]);
    if (facts.service.status === 'Running') plan.push(['Stop service', `${SERVICE} on ${ops.computerName}`]);
    plan.push(['Start service', `${SERVICE} on ${ops.computerName}`]);
    plan.push([`Move the new ${CONTRACT.resyncFileName} out of Dxadata`, `${facts.filePath} -> ${finalTo}`]);
    if (setGms && !opts.keepGlobalMaxSeq) {
      const prior = facts.sequence?.globalMaxSeqInResync ?? null;
      plan.push([prior === null ? `Remove registry value ${GLOBAL_MAX_SEQ} (absent before the run)` : `Set registry value ${GLOBAL_MAX_SEQ} back to ${prior}`, `${key} on ${ops.computerName}`]);
    }
    if (facts.service.status === 'Stopped') plan.push(['Stop service (it was stopped before the run; its next start is the restart after generation, Q156063)', `${SERVICE} on ${ops.computerName}`]);
    else if (opts.finalRestart !== false) {
      plan.push(['Stop service (restart after generation, Q156063)', `${SERVICE} on ${ops.computerName}`]);
      plan.push(['Start service (restart after generation, Q156063)', `${SERVICE} on ${ops.computerName}`]);
    }
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
        ...(opts.globalMaxSeq && facts.sequence
          ? { [GLOBAL_MAX_SEQ]: { present: facts.sequence.globalMaxSeqInResync !== null, type: CONTRACT.globalMaxSeqValue.type, data: facts.sequence.globalMaxSeqInResync } }
          : {}),
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
    const setGms = opts.globalMaxSeq === true && facts.sequence !== null && facts.sequence.globalMaxSeqInResync !== 1 && ops.setGlobalMaxSeq !== undefined;
    if (setGms) {
      state.priorGlobalMaxSeq = facts.sequence?.globalMaxSeqInResync ?? null;
      state.globalMaxSeqSet = true;
    }
    await journal();
    if (setGms && ops.setGlobalMaxSeq) {
      await ops.setGlobalMaxSeq(1);
      reporter.verbose(`Set ${GLOBAL_MAX_SEQ} = 1 (REG_DWORD) for this run: the header numbers come from all registered requestors (Q215505).`);
    }
    const current = await ops.getResyncValue();
    if (!sameNames(current, facts.names)) await ops.setResyncValue(facts.names);
    reporter.verbose(`Wrote ${VALUE} = ${JSON.stringify(facts.names)} (${CONTRACT.resyncValue.type}) under ${key}.`);

    checkCancel();
    const moveAside = foreignFileMover(ops, opts.outputPath, stamp, warn, Math.max(opts.serviceTimeoutMs, 30_000));
    if (facts.service.status === 'Running') {
      step(4, `Stopping ${SERVICE}`);
      // A generation may have begun since preflight (an earlier run's value): never stop during it (Q193395).
      await settleBeforeStop(ops, facts.filePath, opts.serviceTimeoutMs);
      state.serviceStopped = true;
      await journal();
      await ops.stopService(opts.serviceTimeoutMs);
      reporter.verbose(`Stopped ${SERVICE}.`);
    }
    checkCancel();
    // Whatever Resync.glb is in Dxadata now is not this run's: out of the way before the start.
    const stray = await ops.statFile(facts.filePath);
    if (stray) await moveAside(stray, 'it appeared in Dxadata after the preflight, before the service start');
    // An earlier generation that finished meanwhile removes the value: this run's must be there.
    if (!sameNames(await ops.getResyncValue(), facts.names)) await ops.setResyncValue(facts.names);
    checkCancel();
    step(5, `Starting ${SERVICE}`);
    state.serviceStarted = true;
    await journal();
    await guardWhile(ops.startService(opts.serviceTimeoutMs, signal), ops, facts.filePath, facts.dxadata.path, moveAside);
    checkCancel();
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
        onForeign: async (file) => {
          await moveAside(file, 'it appeared in Dxadata during the generation and the service did not write it');
        },
      },
      reporter,
      signal,
    );
    reporter.progress({ id: 2, activity: `Waiting for ${CONTRACT.resyncFileName}`, status: 'Done', percent: 100, completed: true });

    reporter.verbose(`${CONTRACT.resyncFileName} is complete: ${outcome.file.length} bytes; ${VALUE} was removed by the DXA.`);

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

    const gmsDuring = state.globalMaxSeqSet ? 1 : (facts.sequence?.globalMaxSeqInResync ?? null);
    if (state.globalMaxSeqSet && opts.keepGlobalMaxSeq) {
      state.globalMaxSeqSet = false; // a lasting change the admin asked for
      await journal();
      warn.warning(`${GLOBAL_MAX_SEQ} stays 1 on ${ops.computerName}, as asked (keep).`);
    } else if (state.globalMaxSeqSet) {
      const done = await restoreGlobalMaxSeq(ops, state);
      await journal();
      if (done) reporter.verbose(done);
    }

    let serviceStatus = (await ops.getService())?.status ?? 'Stopped';
    let finalRestart: FinalRestart;
    let finalRestartError: NewResyncResult['FinalRestartError'] = null;
    if (facts.service.status === 'Stopped') {
      if (serviceStatus !== 'Stopped') {
        await ops.stopService(opts.serviceTimeoutMs);
        serviceStatus = 'Stopped';
        reporter.verbose(`Stopped ${SERVICE} again: it was stopped before the run; its next start is the restart after generation (Q156063).`);
      }
      finalRestart = 'StoppedAsBefore';
    } else if (opts.finalRestart === false) {
      finalRestart = 'Skipped';
      warn.warning(`The restart after generation was skipped, as asked. Microsoft's procedure restarts ${SERVICE} once more after Resync.glb is generated (Q156063): do it before the next directory synchronization cycle (net stop ${SERVICE}, then net start ${SERVICE}).`);
    } else {
      step(7, `Restarting ${SERVICE} after generation`);
      const outcome = await restartAfterGeneration(ops, facts.filePath, opts.serviceTimeoutMs, reporter);
      serviceStatus = outcome.status;
      finalRestart = outcome.error ? 'Failed' : 'Restarted';
      finalRestartError = outcome.error;
      if (outcome.error) warn.warning(outcome.error.Message);
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
      FinalRestart: finalRestart,
      FinalRestartError: finalRestartError,
      GlobalMaxSeqInResync: gmsDuring,
      DxaVersion: facts.sequence?.dxaVersion ?? null,
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
    const gms = await restoreGlobalMaxSeqOrStep(ops, state, reporter);
    rb.undone.push(...gms.undone);
    rb.manualSteps.push(...gms.manualSteps);
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

/**
 * The restart after generation (Q156063): once the file is out of Dxadata and the value is gone,
 * stop and start the service once more, with the same safety as the first restart: never while a
 * Resync.glb is being written (Q193395), never with ResyncConnectionRDNs present (a start would act
 * on it). Never throws: a failure comes back as FinalRestartFailed with the step left to do by hand.
 */
export async function restartAfterGeneration(
  ops: DssOperations,
  filePath: string,
  serviceTimeoutMs: number,
  reporter: Reporter,
): Promise<{ status: ServiceInfo['status']; error: NewResyncResult['FinalRestartError'] }> {
  const manualRestart = `Restart the ${CONTRACT.service.displayName} service on ${ops.computerName} by hand: net stop ${SERVICE}, then net start ${SERVICE} (Q156063). If it will not start, see the MSExchangeDX and ESE97 (event 124) entries in the application event log (Q185225) and Q176566.`;
  try {
    const pendingNow = await ops.getResyncValue();
    if (pendingNow !== null) {
      throw new Error(`${VALUE} is present again (${JSON.stringify(pendingNow)}), so a restart would generate another file; it was not restarted.`);
    }
    await settleBeforeStop(ops, filePath, serviceTimeoutMs);
    await ops.stopService(serviceTimeoutMs);
    reporter.verbose(`Stopped ${SERVICE} for the restart after generation (Q156063).`);
    await ops.startService(serviceTimeoutMs);
    reporter.verbose(`Started ${SERVICE} again: the restart after generation is done (Q156063).`);
    return { status: (await ops.getService())?.status ?? 'Running', error: null };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const status = (await ops.getService().catch(() => null))?.status ?? 'Stopped';
    return {
      status,
      error: {
        Id: 'FinalRestartFailed',
        Message: `The Resync.glb was generated, verified and kept, but the restart after generation failed: ${why} The service is ${status}.`,
        ManualSteps: [manualRestart],
      },
    };
  }
}
