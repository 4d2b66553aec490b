/**
 * Resync.glb held open by a reader when it is to be deleted from Dxadata (after its verified copy
 * was placed): an antivirus scan-on-close, the search indexer, a backup agent, Explorer's preview
 * over the share. On Windows the delete's exclusive open fails with a sharing violation. That is
 * neither another run (Busy) nor a bad file: the copy is this run's Resync.glb, so the delete is
 * retried for a bounded time and, if the reader stays, the error is FileInUse and keeps the copy
 * under its own name (docs/TESTING.md fault matrix, "Resync.glb held open by a reader").
 */
import { ResyncError } from '../shared/errors';

/** How long the delete is retried while a reader holds the file. */
export const IN_USE_RETRY_MS = 20_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `attempt` until it no longer reports the file in use (returns true) or `limitMs` passed.
 * Returns how long it waited, or throws what `attempt` throws.
 */
export async function retryWhileInUse(attempt: () => Promise<boolean>, limitMs: number = IN_USE_RETRY_MS): Promise<{ done: boolean; waitedMs: number }> {
  const started = Date.now();
  let delay = 250;
  for (;;) {
    if (await attempt()) return { done: true, waitedMs: Date.now() - started };
    const left = limitMs - (Date.now() - started);
    if (left <= 0) return { done: false, waitedMs: Date.now() - started };
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2_000);
  }
}

export function fileInUseError(from: string, computerName: string, copiedTo: string, waitedMs: number, detail?: string): ResyncError {
  const step = `Delete ${from} on ${computerName} by hand once the reader has closed it, so the DXA does not process it again (Q156124).`;
  return new ResyncError(
    'FileInUse',
    `${from} could not be deleted from Dxadata on ${computerName}: another process kept it open for ${Math.round(waitedMs / 1000)} s ` +
      `(a reader such as an antivirus scan, the search indexer, a backup agent or Explorer's preview over the share)` +
      `${detail ? ` (${detail})` : ''}. The copy at ${copiedTo} is complete and verified: it is this run's Resync.glb. ${step}`,
    { target: from, copiedTo, verified: true, manualSteps: [step] },
  );
}
