/**
 * The Windows operations: DssOperations for a real Exchange DSS through node-powershell and the
 * fixed scripts in ps1/. One PowerShell child per run (NodePowerShellHost), one connection to
 * the DSS (Initialize-DssSession.ps1), transports Local, Remoting and Rpc (transport.ts).
 */
import type { DssOperations } from '../operations';
import type { Secret } from '../secret';
import { ResyncError, isResyncError } from '../../shared/errors';
import type { PowerShellHost } from './host';
import { NodePowerShellHost } from './node-powershell-host';
import { resolvePowerShellExecutable } from './executable';
import { findScriptDir } from './scripts';
import { DssScriptSession } from './session';
import { planTransport, type TransportChoice } from './transport';
import { SMB_PORTS, smbPortsAnswering } from './smb-probe';
import { DEFAULT_TUNING, WindowsOperations, type WindowsOperationsTuning } from './windows-operations';

export interface WindowsOperationsOptions {
  transport?: TransportChoice;
  /** The DSS; empty, '.', 'localhost' or this computer's name mean this computer. */
  computerName?: string;
  /** Alternate credentials for Remoting or Rpc (from the protocol's stdin, never argv). */
  secret?: Secret;
  /** pwsh / powershell.exe to run; else RESYNCGLB_PWSH, else PATH. */
  executable?: string;
  /** A PowerShellHost to use instead of starting node-powershell (tests). */
  host?: PowerShellHost;
  /** Default time limit of one script call; default 60 s. */
  invocationTimeoutMs?: number;
  /** Time limit for opening the connection to the DSS; default 30 s. */
  connectTimeoutMs?: number;
  /** The ps1 folder; found next to the bundle or the sources when omitted. */
  scriptDir?: string;
  /** Polling, margins and chunk size (tests). */
  tuning?: Partial<WindowsOperationsTuning>;
  /** The TCP ports probed after an SMB failure (tests); default 445 and 139. */
  smbPorts?: readonly number[];
}

export async function openWindowsOperations(opts: WindowsOperationsOptions = {}): Promise<DssOperations> {
  const plan = planTransport(opts.transport, opts.computerName, opts.secret !== undefined);
  const scriptDir = findScriptDir(opts.scriptDir);
  const host = opts.host ?? new NodePowerShellHost({ executable: resolvePowerShellExecutable({ explicit: opts.executable }) });
  const session = new DssScriptSession(host, scriptDir, plan.attempts[0] as 'Local' | 'Remoting' | 'Rpc', plan.computerName, opts.secret, {
    invocationTimeoutMs: opts.invocationTimeoutMs ?? 60_000,
    connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
  });
  try {
    let info;
    let firstFailure: ResyncError | null = null;
    for (const transport of plan.attempts) {
      try {
        info = await session.open(transport);
        break;
      } catch (caught) {
        let e = caught;
        if (isResyncError(e) && e.id === 'SmbUnavailable' && transport === 'Rpc') {
          const open = await smbPortsAnswering(plan.computerName, opts.smbPorts);
          if (open.length === 0) {
            e = new ResyncError('HostUnreachable', `${plan.computerName} does not answer on TCP ${(opts.smbPorts ?? SMB_PORTS).join(' or ')} (SMB): it is off, the name is wrong, or a firewall blocks SMB. (${e.message})`, e.details);
          } else {
            e = new ResyncError('SmbUnavailable', `${e.message} ${plan.computerName} does answer on TCP ${open.join(' and ')}, so the SMB session itself failed.`, e.details);
          }
        }
        // Auto: Remoting unreachable (WinRM not listening, no PowerShell on the DSS) -> Rpc.
        if (isResyncError(e) && e.id === 'HostUnreachable' && transport !== plan.attempts[plan.attempts.length - 1]) {
          firstFailure = e;
          continue;
        }
        if (isResyncError(e) && firstFailure) {
          throw new ResyncError(e.id, `${e.message} (PowerShell remoting was tried first: ${firstFailure.message})`, e.details);
        }
        throw e;
      }
    }
    if (!info) throw new ResyncError('Internal', 'No transport was tried.');
    const computerName = info.transport === 'Local' ? info.computerName : plan.computerName;
    return new WindowsOperations(session, computerName, { ...DEFAULT_TUNING, ...opts.tuning });
  } catch (e) {
    await session.close();
    throw e;
  }
}

export { NodePowerShellHost } from './node-powershell-host';
export { PowerShellHostError } from './host';
export type { PowerShellHost, PowerShellInvocation, PowerShellFailureKind } from './host';
export { resolvePowerShellExecutable } from './executable';
export { SCRIPTS, buildCommand, parseCommand, findScriptDir } from './scripts';
export { planTransport, isLocalComputer, checkComputerName, adminSharePath } from './transport';
export type { TransportChoice, Transport } from './transport';
export { WindowsOperations } from './windows-operations';
export { connectionLost, manualCleanupSteps } from './connection-lost';
