/**
 * The seam between the Windows operations and PowerShell. Production uses NodePowerShellHost
 * (one node-powershell child per run); unit tests use a fake that records every invocation.
 */

export interface PowerShellInvocation {
  /**
   * The one line of script text sent to the child: always `& '<script path>' '<base64>'`
   * (built by buildCommand in scripts.ts); never contains caller data in the clear.
   */
  command: string;
  /**
   * A line written to the child's standard input right after the command and read by the
   * script itself (Initialize-DssSession.ps1's credential hand-off). It is never parsed as
   * script and never kept in any history. Present only on that one call.
   */
  stdinLine?: string;
  /** The call hands over a credential (by any channel): its error output is withheld. */
  sensitive?: boolean;
  /** How long to wait for the answer before the child is stopped (and rebuilt on the next call). */
  timeoutMs: number;
}

export type PowerShellFailureKind =
  /** The executable is missing or cannot be started. */
  | 'not-found'
  /** No answer within timeoutMs; the child was stopped. */
  | 'timeout'
  /** The child exited (crashed, killed) while or before answering. */
  | 'exited'
  /** The child wrote to its error stream: a bug in a script, which must catch everything. */
  | 'stderr'
  /** The host was disposed. */
  | 'disposed';

export class PowerShellHostError extends Error {
  constructor(
    readonly kind: PowerShellFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'PowerShellHostError';
  }
}

export interface PowerShellHost {
  /** Runs one invocation and returns what the child wrote to standard output. Calls are serialized. */
  invoke(invocation: PowerShellInvocation): Promise<string>;
  /**
   * Increases every time the child is lost (timeout, exit), so the next invocation runs in a
   * fresh child: callers compare it to re-run their session set-up (Initialize-DssSession.ps1).
   */
  readonly generation: number;
  /** Stops the child. Safe to call twice. */
  dispose(): Promise<void>;
}
