/**
 * PowerShellHost over node-powershell 5.0.1: one PowerShell child per run, reused for every call.
 *
 * What this class adds to node-powershell:
 * - The executable is checked before every child is constructed (node-powershell crashes Node on
 *   ENOENT when no call is pending), and the child's exit promise and stdin get handlers, so a
 *   child that dies later cannot crash Node either.
 * - The child starts `-NoProfile -NonInteractive -ExecutionPolicy Bypass` with TERM=dumb; the first
 *   call sets UTF-8 output, $ProgressPreference='SilentlyContinue', $ConfirmPreference='None' and
 *   silences warnings and verbose output (scripts answer with exactly one line).
 * - Our own time limit per call: on expiry the child is stopped (a command keeps running inside
 *   the REPL otherwise, and every later call would queue behind it) and `generation` increases;
 *   the next call starts a fresh child.
 * - node-powershell's `history` (which keeps every command and its output) is emptied after
 *   every call, and its `debug` loggers (enabled by a DEBUG environment variable, and writing the
 *   command text to stdout, which is the bundle's protocol channel) are switched off and bound
 *   to a no-op.
 * - NODE_POWERSHELL, which would silently replace the checked executable, is hidden while the
 *   child is constructed and removed from the child's environment.
 */
import { EOL } from 'node:os';
import { statSync } from 'node:fs';
import type { PowerShell } from 'node-powershell';
// node-powershell is loaded with the first PowerShell child, not at start-up: only runs against a
// real DSS need it, and the engine's start is on every run's path (bench B6).
type NodePowerShell = typeof import('node-powershell');
import type { PowerShellHost, PowerShellInvocation } from './host';
import { PowerShellHostError } from './host';
import { sleep } from '../../shared/sleep';

/** Fixed text, sent once per child before anything else. No caller data. */
export const SESSION_SETUP_COMMAND =
  "$ProgressPreference='SilentlyContinue'; $ConfirmPreference='None'; $WarningPreference='SilentlyContinue'; " +
  "$VerbosePreference='SilentlyContinue'; $InformationPreference='SilentlyContinue'; " +
  '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false); $OutputEncoding = [Console]::OutputEncoding; ' +
  "if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }";

export interface NodePowerShellHostOptions {
  /** Absolute path of pwsh / powershell.exe, already checked by resolvePowerShellExecutable. */
  executable: string;
  /** Time allowed for a child to start and run the set-up command. Default 60 s. */
  startTimeoutMs?: number;
  /** Time allowed for a child to exit after SIGTERM before SIGKILL. Default 5 s. */
  stopTimeoutMs?: number;
  /** Extra environment for the child (tests). Secrets never go here. */
  env?: NodeJS.ProcessEnv;
}

interface ShellInternals {
  exitPromise?: Promise<unknown>;
  debuggers?: Record<string, { enabled?: boolean }>;
}

function childEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, TERM: 'dumb', NO_COLOR: '1', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' };
  delete env.NODE_POWERSHELL;
  return env;
}


export class NodePowerShellHost implements PowerShellHost {
  private shell: PowerShell | null = null;
  /** node-powershell, once the first child is started. */
  private np: NodePowerShell | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private lost = 0;
  private readonly startTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  constructor(private readonly options: NodePowerShellHostOptions) {
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  }

  get generation(): number {
    return this.lost;
  }

  /** Entries in node-powershell's history of the live child (always 0 between calls). */
  get historySize(): number {
    return this.shell?.history.length ?? 0;
  }

  invoke(invocation: PowerShellInvocation): Promise<string> {
    const run = this.tail.then(() => this.invokeNow(invocation));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const shell = this.shell;
    this.shell = null;
    if (shell) await this.stop(shell);
  }

  private async invokeNow(invocation: PowerShellInvocation): Promise<string> {
    const shell = await this.ensureShell();
    const text = invocation.stdinLine === undefined ? invocation.command : invocation.command + EOL + invocation.stdinLine;
    return this.call(shell, text, invocation.timeoutMs, invocation.stdinLine !== undefined || invocation.sensitive === true);
  }

  private checkExecutable(): void {
    let ok = false;
    try {
      ok = statSync(this.options.executable).isFile();
    } catch {
      ok = false;
    }
    if (!ok) throw new PowerShellHostError('not-found', `PowerShell executable ${this.options.executable} does not exist.`);
  }

  private async ensureShell(): Promise<PowerShell> {
    if (this.disposed) throw new PowerShellHostError('disposed', 'The PowerShell host was disposed.');
    if (this.shell) return this.shell;
    this.checkExecutable();
    // The cast only reconciles the ESM and CommonJS views of the same declarations.
    const np = (await import('node-powershell')) as unknown as NodePowerShell;
    this.np = np;
    if (this.disposed) throw new PowerShellHostError('disposed', 'The PowerShell host was disposed.');
    if (this.shell) return this.shell;
    const saved = process.env.NODE_POWERSHELL;
    delete process.env.NODE_POWERSHELL;
    // node-powershell binds its debug loggers to console.log while constructing (and logs there at
    // once when DEBUG names them): bind them to nothing, so stdout (the protocol) stays clean.
    const consoleLog = console.log;
    console.log = (): void => undefined;
    let shell: PowerShell;
    try {
      shell = new np.PowerShell({
        executable: this.options.executable,
        executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
        spawnOptions: { env: childEnv(this.options.env), windowsHide: true },
        inputEncoding: 'utf-8',
        outputEncoding: 'utf-8',
        throwOnInvocationError: true,
      });
    } finally {
      console.log = consoleLog;
      if (saved !== undefined) process.env.NODE_POWERSHELL = saved;
    }
    this.guard(shell);
    this.shell = shell;
    try {
      await this.call(shell, SESSION_SETUP_COMMAND, this.startTimeoutMs, false);
    } catch (e) {
      if (this.shell === shell) await this.lose(shell);
      if (e instanceof PowerShellHostError && (e.kind === 'not-found' || e.kind === 'disposed')) throw e;
      // A child that never answered its first line is a PowerShell that does not start here.
      throw new PowerShellHostError('not-found', `PowerShell ${this.options.executable} did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    return shell;
  }

  /** Handlers that keep a dying child from crashing Node, and no debug logging of commands. */
  private guard(shell: PowerShell): void {
    const internals = shell as unknown as ShellInternals;
    const onExit = (): void => {
      if (this.shell === shell) {
        this.shell = null;
        this.lost += 1;
      }
    };
    if (internals.exitPromise && typeof internals.exitPromise.then === 'function') {
      internals.exitPromise.then(onExit, onExit);
    }
    shell.streams.stdin.on('error', () => undefined);
    for (const d of Object.values(internals.debuggers ?? {})) {
      if (d) d.enabled = false;
    }
  }

  private async call(shell: PowerShell, text: string, timeoutMs: number, sensitive: boolean): Promise<string> {
    const pending = shell.invoke(text);
    pending.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PowerShellHostError('timeout', `PowerShell did not answer within ${Math.round(timeoutMs / 1000)} s.`)),
        timeoutMs,
      );
    });
    try {
      const result = await Promise.race([pending, expired]);
      return result.raw;
    } catch (e) {
      if (e instanceof PowerShellHostError) {
        await this.lose(shell);
        throw e;
      }
      if (this.np && e instanceof this.np.InvocationError) {
        const detail = sensitive ? '(output withheld: this call carried a credential)' : e.message.slice(0, 2000);
        throw new PowerShellHostError('stderr', `PowerShell wrote to its error stream: ${detail}`);
      }
      if (this.np && e instanceof this.np.ProcessError) {
        await this.lose(shell);
        if (this.disposed) throw new PowerShellHostError('disposed', 'The PowerShell host was disposed.');
        const code = (e.originalError as NodeJS.ErrnoException | undefined)?.code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOEXEC') {
          throw new PowerShellHostError('not-found', `PowerShell ${this.options.executable} could not be started (${code}).`);
        }
        throw new PowerShellHostError('exited', `PowerShell exited unexpectedly (exit code ${String(e.exitCode)}, signal ${String(e.signalCode)}).`);
      }
      await this.lose(shell);
      throw new PowerShellHostError(this.disposed ? 'disposed' : 'exited', e instanceof Error ? e.message : String(e));
    } finally {
      if (timer) clearTimeout(timer);
      // The history keeps every command (with its base64 request) and every output: never keep it.
      shell.history.length = 0;
    }
  }

  private async lose(shell: PowerShell): Promise<void> {
    if (this.shell === shell) {
      this.shell = null;
      this.lost += 1;
    }
    await this.stop(shell);
  }

  private async stop(shell: PowerShell): Promise<void> {
    shell.history.length = 0;
    const done = shell.dispose('SIGTERM').then(
      () => true,
      () => true,
    );
    const ok = await Promise.race([done, sleep(this.stopTimeoutMs, undefined, { unref: true }).then(() => false)]);
    if (!ok) {
      await Promise.race([shell.dispose('SIGKILL').catch(() => undefined), sleep(this.stopTimeoutMs, undefined, { unref: true })]);
    }
  }
}
