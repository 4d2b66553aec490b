/**
 * What to tell an administrator when the connection to a DSS drops in the middle of a step
 * (ConnectionLost): which step, what state the DSS may be in, and how to finish by hand. The
 * orchestrator adds what the run had already changed (its run state); this names the rest.
 * Names come from the contract (domain.md: Q150976 for the value, Q160572 for the service,
 * Q156124 for a Resync.glb left in Dxadata).
 */
import { CONTRACT } from '../../shared/contract';
import { ResyncError } from '../../shared/errors';

/** What each script may have left half done when the answer never came. */
const MAY_HAVE: Record<string, string> = {
  'Set-ResyncValue.ps1': `${CONTRACT.resyncValue.name} may or may not have been written`,
  'Remove-ResyncValue.ps1': `${CONTRACT.resyncValue.name} may or may not have been removed`,
  'Stop-DxService.ps1': `the ${CONTRACT.service.name} service may be stopping, stopped or still running`,
  'Start-DxService.ps1': `the ${CONTRACT.service.name} service may be starting, running (and writing ${CONTRACT.resyncFileName}) or stopped`,
  'Remove-DssFile.ps1': `${CONTRACT.resyncFileName} may or may not have been deleted from Dxadata (the copy on this computer is complete and verified)`,
};

export function manualCleanupSteps(computerName: string): string[] {
  const key = CONTRACT.serviceKey.psPath;
  const value = CONTRACT.resyncValue.name;
  const svc = CONTRACT.service.name;
  return [
    `On ${computerName}, check whether ${value} is still under ${CONTRACT.serviceKey.hive}\\${CONTRACT.serviceKey.subKey}; if it is and no Resync.glb is wanted now, remove it: Remove-ItemProperty -LiteralPath '${key}' -Name ${value}.`,
    `Check the ${svc} service (Get-Service ${svc}) and bring it back to the state it had before the run (Start-Service ${svc}, or net start ${svc}); do not stop it while it may be processing a Resync.glb (Q193395).`,
    `If ${CONTRACT.resyncFileName} is in Dxadata, move it out so a later restart does not process it again (Q156124), then deliver it by hand or run ResyncGlb again.`,
  ];
}

export function connectionLost(computerName: string, script: string, detail: string): ResyncError {
  const state = MAY_HAVE[script] ?? 'the step may or may not have completed';
  const steps = manualCleanupSteps(computerName);
  return new ResyncError(
    'ConnectionLost',
    `The connection to ${computerName} was lost during ${script} (${detail}). On ${computerName}, ${state}. To finish by hand: ${steps.map((s, i) => `(${i + 1}) ${s}`).join(' ')}`,
    { target: computerName, script, manualSteps: steps },
  );
}
