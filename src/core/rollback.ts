/**
 * Undo what a run changed, in the order that is safe for the DXA (domain.md):
 * never stop the service while a Resync.glb may be being processed (Q193395); remove the value
 * before the service is started again, so a start cannot act on it (Q150976); move a partial
 * Resync.glb out of Dxadata before any start, so no restart processes it (inference in
 * domain.md); bring the service back to its pre-run state; restore a pre-run value that was
 * taken over. After the service was started, a generation the DXA already began from the value
 * is waited for (bounded) and its file taken out of Dxadata too: kept and named, never a success.
 * Each undo is tried even when an earlier one failed; whatever fails becomes a manual step.
 */
import { join } from 'node:path';
import type { DssOperations } from '../operations/operations';
import { CONTRACT } from '../shared/contract';
import type { Reporter } from '../shared/reporter';
import type { RunState } from './run-state';
import { settleBeforeStop } from './settle';
import { runFileName } from '../shared/file-names';
import { sleep } from '../shared/sleep';

export interface RollbackOutcome {
  undone: string[];
  manualSteps: string[];
}

export interface RollbackOptions {
  serviceTimeoutMs: number;
  settleTimeoutMs: number;
  /** Local folder where a partial file is moved out to. */
  outputFolder: string;
}

const KEY = `${CONTRACT.serviceKey.hive}\\${CONTRACT.serviceKey.subKey}`;
const VALUE = CONTRACT.resyncValue.name;
const SERVICE = CONTRACT.service.name;

export function changedAnything(s: RunState): boolean {
  return s.valueWritten || s.serviceStopped || s.serviceStarted;
}

export async function rollback(
  ops: DssOperations,
  state: RunState,
  reporter: Reporter,
  opts: RollbackOptions,
): Promise<RollbackOutcome> {
  const undone: string[] = [];
  const manualSteps: string[] = [];
  const attempt = async (what: string, fn: () => Promise<string | null>, manual: string): Promise<boolean> => {
    try {
      const done = await fn();
      if (done) {
        undone.push(done);
        reporter.verbose(`Rollback: ${done}`);
      }
      return true;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      reporter.warning(`Rollback could not ${what}: ${msg}`);
      manualSteps.push(`${manual} (the tool could not ${what}: ${msg})`);
      return false;
    }
  };

  const partial = state.filePath && !state.fileTaken ? state.filePath : null;
  // 1. Let a Resync.glb being written finish before anything touches the service.
  if (partial) {
    await attempt(
      'wait for the Resync.glb being written to settle',
      async () => {
        await settleBeforeStop(ops, partial, opts.settleTimeoutMs);
        return null;
      },
      `Wait until ${partial} stops growing before you stop or start ${SERVICE}`,
    );
  }

  // 2. The value, before any start.
  let valueGone = true;
  // The DXA removes the value only once it has written the file (Q150976).
  let consumedByDxa = false;
  if (state.valueWritten) {
    valueGone = await attempt(
      `remove ${VALUE}`,
      async () => {
        const now = await ops.getResyncValue();
        if (now === null) {
          consumedByDxa = state.serviceStarted;
          return `${VALUE} was already gone (the DXA removed it).`;
        }
        await ops.removeResyncValue();
        return `Removed ${VALUE} (${now.map((n) => JSON.stringify(n)).join(', ')}) from ${KEY}.`;
      },
      `Remove the value ${VALUE} from ${KEY} on ${state.computerName} (Regedit, or: Remove-ItemProperty -Path '${CONTRACT.serviceKey.psPath}' -Name ${VALUE})`,
    );
  }

  // 2b. A DXA started by this run may have read the value before it was removed: let that
  //     generation finish (bounded), so its file is not left in Dxadata behind the rollback.
  let generated = false;
  if (partial && state.serviceStarted) {
    await attempt(
      'wait for a generation under way to finish',
      async () => {
        generated = await awaitGeneration(ops, partial, opts.settleTimeoutMs, consumedByDxa);
        return null;
      },
      `Wait until the DXA has finished writing ${partial}, then move it out of Dxadata`,
    );
  }

  // 3. This run's file leaves Dxadata before any start, so a restarted DXA cannot process it
  //    (Q156124; domain.md's inference on files left behind). A complete one is named as such.
  if (partial) {
    await attempt(
      `move the ${CONTRACT.resyncFileName} out of Dxadata`,
      async () => {
        const st = await ops.statFile(partial);
        if (!st) return null;
        const kind = generated ? 'generated' : 'incomplete';
        const to = join(opts.outputFolder, runFileName(state.computerName, state.stamp, kind));
        await ops.takeFile(partial, to);
        state.fileTaken = true;
        return generated
          ? `Moved the complete ${CONTRACT.resyncFileName} (${st.length} bytes) the DXA generated before the run was undone out of Dxadata to ${to}; it is kept, not reported as the result.`
          : `Moved the incomplete ${CONTRACT.resyncFileName} (${st.length} bytes) out of Dxadata to ${to}.`;
      },
      `Move ${partial} out of Dxadata (a later restart could process it)`,
    );
  }
  // 4. The service, back to its pre-run state.
  const prior = state.priorServiceStatus;
  if (prior && (state.serviceStopped || state.serviceStarted)) {
    await attempt(
      `return ${SERVICE} to ${prior}`,
      async () => {
        const svc = await ops.getService();
        const now = svc?.status ?? 'Stopped';
        if (prior === 'Running' && now !== 'Running') {
          if (!valueGone) throw new Error(`${VALUE} could not be removed, so starting the service would act on it`);
          await ops.startService(opts.serviceTimeoutMs);
          return `Started ${SERVICE} again (it was running before the run).`;
        }
        if (prior === 'Stopped' && now !== 'Stopped') {
          await ops.stopService(opts.serviceTimeoutMs);
          return `Stopped ${SERVICE} again (it was stopped before the run).`;
        }
        return null;
      },
      prior === 'Running'
        ? `Start the ${CONTRACT.service.displayName} service (net start ${SERVICE}) once ${VALUE} is gone; if it will not start, see Q176566/Q185225 and check the Application event log for source ${SERVICE} and for source ESE97, event 124 (the DXA database; Q185225)`
        : `Stop the ${CONTRACT.service.displayName} service (net stop ${SERVICE}); it was stopped before the run`,
    );
  }

  // 5. A pending value that was taken over goes back as it was.
  if (state.valueWritten && state.priorValue !== null) {
    const priorValue = state.priorValue;
    await attempt(
      `restore the pre-run ${VALUE}`,
      async () => {
        await ops.setResyncValue(priorValue);
        return `Restored the pre-run ${VALUE} (${priorValue.map((n) => JSON.stringify(n)).join(', ')}); the next service start will act on it.`;
      },
      `Set ${VALUE} back to ${JSON.stringify(priorValue)} (REG_MULTI_SZ) under ${KEY} if you still want it`,
    );
  }

  return { undone, manualSteps };
}

/**
 * Waits, up to `timeoutMs`, for a generation the running DXA has begun to end; returns true when
 * the file now in Dxadata is complete (the DXA's own account says it wrote exactly this file, or,
 * where the DSS keeps none, the DXA had removed the value — it does so only after writing).
 */
async function awaitGeneration(ops: DssOperations, filePath: string, timeoutMs: number, consumedByDxa: boolean): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  if (!ops.generationStatus) {
    if (!consumedByDxa) return false;
    await settleBeforeStop(ops, filePath, Math.max(0, until - Date.now()));
    return (await ops.statFile(filePath)) !== null;
  }
  for (;;) {
    const [gen, file] = await Promise.all([ops.generationStatus(), ops.statFile(filePath)]);
    if (gen.state === 'none' || gen.state === 'done' || gen.state === 'failed' || (gen.state === 'written' && (await ops.getResyncValue()) === null)) {
      return !!file && (gen.state === 'written' || gen.state === 'done') && gen.fileId !== null && gen.fileId === file.id && gen.length === file.length;
    }
    if (Date.now() >= until) {
      throw new Error(`the DXA was still ${gen.state === 'checking' ? 'reading the value' : `writing ${filePath}`} after ${Math.round(timeoutMs / 1000)} s`);
    }
    await sleep(50);
  }
}
