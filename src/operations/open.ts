/**
 * Chooses the DssOperations for a request: the lab when a lab path is given, else the Windows
 * operations (node-powershell + ps1/) with the requested transport.
 */
import type { DssOperations } from './operations';
import type { Secret } from './secret';
import { openLabOperations } from './lab-adapter';
import { openWindowsOperations } from './windows';

export interface TargetParams {
  labPath?: string;
  computerName?: string;
  transport?: 'Auto' | 'Local' | 'Remoting' | 'Rpc';
  powershell?: string;
}

export async function openOperations(target: TargetParams, secret?: Secret): Promise<DssOperations> {
  if (target.labPath) return openLabOperations(target.labPath, { computerName: target.computerName });
  return openWindowsOperations({
    transport: target.transport ?? 'Auto',
    computerName: target.computerName,
    secret,
    executable: target.powershell,
  });
}
