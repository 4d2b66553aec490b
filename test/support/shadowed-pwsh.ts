/**
 * The real pwsh with the Windows commands shadowed, for the suites that run the real ps1/ scripts:
 * the pwsh to use (RESYNCGLB_PWSH or PATH, null when none: those suites skip, saying why) and a
 * PowerShellHost that dot-sources test/ps/Shadow.WindowsCommands.ps1 into every new child before
 * anything else (functions shadow Get-ItemProperty, Get-Service, New-PSSession, Invoke-Command, ...;
 * aliases replace the Rpc wrappers).
 */
import { join, resolve } from 'node:path';
import type { PowerShellHost, PowerShellInvocation } from '../../src/operations/windows/host';
import type { NodePowerShellHost } from '../../src/operations/windows/node-powershell-host';
import { resolvePowerShellExecutable } from '../../src/operations/windows/executable';

const ROOT = resolve(__dirname, '..', '..');
/** The ps1 scripts as in the sources (their _Common.ps1 loads its parts from ps1/common). */
export const PS1 = join(ROOT, 'ps1');
export const SHADOWS = join(ROOT, 'test', 'ps', 'Shadow.WindowsCommands.ps1');

function findPwsh(): string | null {
  try {
    return resolvePowerShellExecutable();
  } catch {
    return null;
  }
}
export const PWSH = findPwsh();

/** What the shadows hold and record (Get-ShadowState). */
export interface ShadowState {
  registry: Record<string, Record<string, { kind: string; value: unknown }>>;
  services: Record<string, { status: string }>;
  calls: Array<Record<string, unknown>>;
  sessions: Array<{ computerName: string; userName: string | null; passwordSha256: string | null; openTimeout: number }>;
  history: string[];
}

/** A PowerShellHost that dot-sources the shadows into every new child before anything else. */
export class ShadowedHost implements PowerShellHost {
  private loaded = -1;
  constructor(readonly inner: NodePowerShellHost) {}
  get generation(): number {
    return this.inner.generation;
  }
  private async ensureShadows(): Promise<void> {
    if (this.loaded === this.inner.generation) return;
    await this.inner.invoke({ command: `. '${SHADOWS}'`, timeoutMs: 60_000 });
    this.loaded = this.inner.generation;
  }
  async invoke(inv: PowerShellInvocation): Promise<string> {
    await this.ensureShadows();
    return this.inner.invoke(inv);
  }
  /** Fixed test commands: the state goes in as base64 JSON, never as script text. */
  async setState(state: unknown): Promise<void> {
    await this.ensureShadows();
    await this.inner.invoke({ command: `Set-ShadowState '${Buffer.from(JSON.stringify(state), 'utf8').toString('base64')}'`, timeoutMs: 60_000 });
  }
  async state(): Promise<ShadowState> {
    return JSON.parse(await this.inner.invoke({ command: 'Get-ShadowState', timeoutMs: 60_000 })) as ShadowState;
  }
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
