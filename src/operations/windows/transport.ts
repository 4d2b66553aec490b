/**
 * Choosing how to reach the DSS.
 *
 * - Local: the workstation is the DSS; the scripts act in the PowerShell child itself.
 * - Remoting: PowerShell remoting (WinRM) to a DSS that has PowerShell 2.0 or later; the scripts'
 *   core scriptblocks run there.
 * - Rpc: for a DSS without PowerShell (the NT4/2000 era): remote registry, remote service control
 *   and the administrative share (\\computer\C$), all from the workstation.
 * - Auto: Local when the computer name is empty, '.', 'localhost', a loopback address or this
 *   computer's own name; otherwise Remoting, falling back to Rpc when WinRM cannot be reached
 *   (HostUnreachable). Refused credentials (AccessDenied) are reported at once, never retried
 *   over another transport, so an account is not locked out by repeated attempts.
 */
import { hostname } from 'node:os';
import { ResyncError } from '../../shared/errors';

export type TransportChoice = 'Auto' | 'Local' | 'Remoting' | 'Rpc';
export type Transport = 'Local' | 'Remoting' | 'Rpc';

export const TRANSPORTS: readonly TransportChoice[] = ['Auto', 'Local', 'Remoting', 'Rpc'];

export function isLocalComputer(name: string | undefined, thisHost: string = hostname()): boolean {
  const n = (name ?? '').trim().toLowerCase();
  if (n === '' || n === '.' || n === 'localhost' || n === '127.0.0.1' || n === '::1') return true;
  const short = thisHost.toLowerCase().split('.')[0];
  return n === thisHost.toLowerCase() || n === short;
}

/**
 * A DNS or NetBIOS host name, or an IPv4 address. Anything else (paths, quotes, spaces, `$`)
 * is refused: the name also becomes part of administrative share paths (\\name\C$).
 */
export function checkComputerName(name: string): string {
  const n = name.trim();
  const label = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
  const hostRe = new RegExp(`^${label}(?:\\.${label})*$`);
  const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
  const numeric = /^[\d.]+$/.test(n);
  if (n.length === 0 || n.length > 253 || !(numeric ? ipv4.test(n) : hostRe.test(n))) {
    throw new ResyncError('Usage', `${JSON.stringify(name)} is not a computer name: use a host name, a fully qualified name or an IPv4 address.`, {
      target: name,
    });
  }
  return n;
}

export interface TransportPlan {
  /** Transports to try in order (Auto on a remote name: Remoting, then Rpc). */
  attempts: Transport[];
  computerName: string;
}

export function planTransport(choice: TransportChoice | undefined, computerName: string | undefined, hasSecret: boolean): TransportPlan {
  const requested = choice ?? 'Auto';
  if (!TRANSPORTS.includes(requested)) {
    throw new ResyncError('Usage', `Unknown transport ${JSON.stringify(requested)}; use ${TRANSPORTS.join(', ')}.`, { target: String(requested) });
  }
  const local = isLocalComputer(computerName);
  const name = local ? (computerName ?? '').trim() || '.' : checkComputerName(computerName as string);
  let attempts: Transport[];
  if (requested === 'Auto') attempts = local ? ['Local'] : ['Remoting', 'Rpc'];
  else attempts = [requested];
  if (requested === 'Local' && !local) {
    throw new ResyncError('Usage', `The Local transport acts on this computer only; ${name} is another computer (use Remoting, Rpc or Auto).`, { target: name });
  }
  if ((requested === 'Remoting' || requested === 'Rpc') && (computerName ?? '').trim() === '') {
    throw new ResyncError('Usage', `The ${requested} transport needs a computer name.`);
  }
  if (hasSecret && attempts[0] === 'Local') {
    throw new ResyncError('Usage', 'A credential cannot be used on this computer itself (Local transport): run PowerShell as that user instead, or name a remote computer.');
  }
  return { attempts, computerName: name };
}

/**
 * A path on the DSS as the workstation reaches it over Rpc: C:\exchsrvr\Dxadata on DSS01 becomes
 * \\DSS01\C$\exchsrvr\Dxadata; UNC paths are kept. (Resolve-Dxadata.ps1 returns such paths
 * already; this covers paths a caller builds itself.) The same rule as ConvertTo-DssAdminSharePath
 * in ps1/common/AdminShare.ps1.
 */
export function adminSharePath(computerName: string, p: string): string {
  if (p.startsWith('\\\\')) return p;
  const m = /^([A-Za-z]):(\\.*)?$/.exec(p);
  if (!m) throw new ResyncError('InvalidPath', `${JSON.stringify(p)} is not an absolute path on the DSS (a drive letter path or a UNC path).`, { target: p });
  return `\\\\${computerName}\\${(m[1] as string).toUpperCase()}$${m[2] ?? ''}`;
}

/** An absolute Windows path (drive letter or UNC), as the DSS's paths must be. */
export function isAbsoluteWindowsPath(p: string): boolean {
  return /^[A-Za-z]:\\/.test(p) || /^\\\\[^\\]+\\[^\\]+/.test(p);
}
