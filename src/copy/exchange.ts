/**
 * Exchange as the requestor (domain.md, "Exchange as a requestor"; Q156124): a Resync.glb placed in
 * that server's Dxadata is imported when its directory synchronization service is stopped and
 * started. With restartService the tool does that restart through DssOperations and waits until the
 * file has been consumed, i.e. has left Dxadata (inference: the brief's definition of "consumed";
 * domain.md does not say what the DXA does with the file after the import).
 * Never stops the service while a Resync.glb may be being processed (Q193395): before a stop the
 * file must not be open for writing nor growing (src/core/settle.ts).
 */
import type { DssOperations } from '../operations/operations';
import { CONTRACT } from '../shared/contract';
import { ResyncError } from '../shared/errors';
import type { Reporter } from '../shared/reporter';
import { settleBeforeStop } from '../core/settle';
import { Wake } from '../core/wake';

export const EXCHANGE_PROGRESS_ID = 15;

export interface ConsumeOptions {
  /** How long the file may take to leave Dxadata after the start. */
  timeoutMs: number;
  /** Each service stop and start, and the settle check before a stop. */
  serviceTimeoutMs: number;
  pollMs?: number;
}

/**
 * A pending ResyncConnectionRDNs would be acted on by the restart (Q150976): the DXA would consume
 * it and write a new Resync.glb. Refused as `new` refuses it.
 */
export async function refusePendingValue(ops: DssOperations): Promise<void> {
  const pending = await ops.getResyncValue();
  if (pending !== null) {
    throw new ResyncError(
      'ValuePending',
      `${CONTRACT.resyncValue.name} is present on ${ops.computerName} with ${JSON.stringify(pending)}; restarting ${CONTRACT.service.name} would make the DXA act on it and write a new ${CONTRACT.resyncFileName} (Q150976). Nothing was copied or restarted. Finish or undo that attempt first (resync-glb new, or remove the value).`,
      { target: CONTRACT.resyncValue.name, pending },
    );
  }
}

/** Read-only: the service exists, is in a state the tool may act on, and no value is pending. Throws otherwise. */
export async function checkRequestorService(ops: DssOperations): Promise<void> {
  const service = await ops.getService();
  if (!service) {
    throw new ResyncError(
      'ServiceNotFound',
      `The ${CONTRACT.service.displayName} service (${CONTRACT.service.name}) does not exist on ${ops.computerName}, so it cannot import ${CONTRACT.resyncFileName}. Nothing was copied.`,
      { target: CONTRACT.service.name },
    );
  }
  if (service.status !== 'Running' && service.status !== 'Stopped') {
    throw new ResyncError(
      'OperationFailed',
      `The ${CONTRACT.service.name} service on ${ops.computerName} is ${service.status}; the tool restarts it only when it is Running or Stopped. If it stays so it may be hung (Q176566; reported, not repaired). Nothing was copied.`,
      { target: CONTRACT.service.name },
    );
  }
  await refusePendingValue(ops);
}

/** Restarts the service and waits until `filePath` has left Dxadata. */
export async function restartAndAwaitConsumption(
  ops: DssOperations,
  filePath: string,
  dxadata: string,
  opts: ConsumeOptions,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<{ waitedMs: number }> {
  const activity = `Waiting for ${ops.computerName} to import ${CONTRACT.resyncFileName}`;
  try {
    const service = await ops.getService();
    if (!service) throw new ResyncError('ServiceNotFound', `The ${CONTRACT.service.name} service vanished from ${ops.computerName}.`, { target: CONTRACT.service.name });
    // A value that appeared since the check would be acted on by this restart.
    await refusePendingValue(ops);
    if (service.status === 'Running') {
      // Q193395: wait until no Resync.glb is being written before stopping.
      await settleBeforeStop(ops, filePath, opts.serviceTimeoutMs);
      reporter.verbose(`Stopping ${CONTRACT.service.name} on ${ops.computerName}.`);
      await ops.stopService(opts.serviceTimeoutMs);
    } else if (service.status !== 'Stopped') {
      throw new ResyncError('OperationFailed', `The ${CONTRACT.service.name} service on ${ops.computerName} is ${service.status}; not restarted (Q176566).`, {
        target: CONTRACT.service.name,
      });
    }
    reporter.verbose(`Starting ${CONTRACT.service.name} on ${ops.computerName}; it imports ${filePath} (Q156124).`);
    const started = Date.now();
    await ops.startService(opts.serviceTimeoutMs);

    const wake = new Wake();
    const watcher = ops.watch(dxadata, wake.notify);
    try {
      for (;;) {
        const elapsed = Date.now() - started;
        const [file, svc] = await Promise.all([ops.statFile(filePath), ops.getService()]);
        if (!file) {
          reporter.verbose(`${filePath} left Dxadata ${Math.round(elapsed / 100) / 10} s after the start: imported.`);
          return { waitedMs: elapsed };
        }
        reporter.progress({
          id: EXCHANGE_PROGRESS_ID,
          activity,
          status: `${CONTRACT.resyncFileName} still in Dxadata, ${Math.round(elapsed / 1000)} s elapsed`,
          percent: -1,
          secondsElapsed: Math.round(elapsed / 1000),
        });
        if (!svc || svc.status === 'Stopped') {
          throw new ResyncError(
            'ServiceStartFailed',
            `The ${CONTRACT.service.name} service on ${ops.computerName} stopped before it consumed ${filePath}; the file is still there and will be imported at its next start.`,
            { target: filePath },
          );
        }
        if (elapsed >= opts.timeoutMs) {
          throw new ResyncError(
            'Timeout',
            `${filePath} was still in Dxadata ${Math.round(opts.timeoutMs / 1000)} s after ${CONTRACT.service.name} started on ${ops.computerName}; it is left there (do not stop the service while it may be processing it, Q193395).`,
            { target: filePath },
          );
        }
        await wake.next(Math.min(opts.pollMs ?? 250, Math.max(1, opts.timeoutMs - elapsed)), signal);
      }
    } finally {
      watcher.close();
    }
  } finally {
    reporter.progress({ id: EXCHANGE_PROGRESS_ID, activity, status: 'Done', percent: 100, completed: true });
  }
}
