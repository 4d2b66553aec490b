/**
 * docs/domain.md (Q193395): stopping the directory synchronization service while a Resync.glb is being
 * processed can crash older DXAs. Before any stop, wait until Resync.glb is not held open for
 * writing and has stopped growing.
 */
import type { DssOperations } from '../operations/operations';
import { ResyncError } from '../shared/errors';
import { sleep } from '../shared/sleep';

export async function fileBusy(ops: DssOperations, filePath: string): Promise<boolean> {
  const a = await ops.statFile(filePath);
  if (!a) return false;
  const writer = await ops.isOpenForWrite(filePath);
  if (writer === true) return true;
  await sleep(writer === false ? 20 : 500);
  const b = await ops.statFile(filePath);
  return !!b && (b.length !== a.length || b.lastWriteTimeUtc !== a.lastWriteTimeUtc);
}

export async function settleBeforeStop(ops: DssOperations, filePath: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (await fileBusy(ops, filePath)) {
    if (Date.now() >= until) {
      throw new ResyncError(
        'Timeout',
        `${filePath} was still being written after ${Math.round(timeoutMs / 1000)} s; the service was not stopped (Q193395 reports an Exchange DXA crashing when stopped while it processes a Resync.glb on the requestor side; not stopping a DSS while it writes one is the same precaution, our inference: docs/domain.md).`,
        { target: filePath },
      );
    }
    await sleep(100);
  }
}
