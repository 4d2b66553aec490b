/**
 * One PowerShell session to one DSS for one run: runs the fixed ps1 scripts through a
 * PowerShellHost, turns their envelopes into data or ResyncErrors, and keeps the DSS connection
 * (Initialize-DssSession.ps1) alive across a rebuilt child.
 *
 * The credential: the request to Initialize-DssSession.ps1 carries the user name, `secret: "pipe"`
 * and the name and token of a one-shot pipe this process serves for that one call
 * (secret-pipe.ts); the script connects, sends the token and reads the password ("#" + base64 of
 * its UTF-8 bytes) from the pipe. Not stdin: Windows PowerShell 5.1's console host swallows a
 * line written after the command. The password is in no command text, argument, environment
 * variable, file, log or history. It stays in this object's memory for the run, because a child
 * rebuilt after a timeout must open the connection again.
 */
import type { Secret } from '../secret';
import { ResyncError } from '../../shared/errors';
import type { PowerShellHost } from './host';
import { PowerShellHostError } from './host';
import { SCRIPTS, buildCommand, type ScriptName } from './scripts';
import { envelopeError, parseEnvelope } from './envelope';
import { connectionLost } from './connection-lost';
import { SERVICE_KEY } from './requests';
import type { Transport } from './transport';
import { openSecretPipe } from './secret-pipe';

/** How long Initialize-DssSession.ps1 may take to connect to the credential pipe before it gives up. */
const SECRET_PIPE_CONNECT_MS = 15_000;

export interface SessionOptions {
  /** Default time limit of one script call. */
  invocationTimeoutMs: number;
  /** Time limit for opening the connection to the DSS (New-PSSession's OpenTimeout). */
  connectTimeoutMs: number;
}

export interface SessionInfo {
  transport: Transport;
  computerName: string;
  psVersion: string | null;
}

export interface CallOptions {
  /** Time limit for this call (e.g. a service timeout plus a margin). */
  timeoutMs?: number;
}

export class DssScriptSession {
  private openedGeneration = -1;
  private info: SessionInfo | null = null;
  /** A re-open in progress, shared by calls made at the same time (e.g. Promise.all in the wait loop). */
  private reopening: Promise<SessionInfo> | null = null;
  private closed = false;

  constructor(
    private readonly host: PowerShellHost,
    private readonly scriptDir: string,
    private transportValue: Transport,
    readonly computerName: string,
    private readonly secret: Secret | undefined,
    private readonly options: SessionOptions,
  ) {}

  get transport(): Transport {
    return this.transportValue;
  }

  /** Opens the connection (Initialize-DssSession.ps1) over the given transport. */
  async open(transport: Transport = this.transportValue): Promise<SessionInfo> {
    this.transportValue = transport;
    const generation = this.host.generation;
    const request: Record<string, unknown> = {
      transport,
      computerName: this.computerName,
      userName: this.secret ? this.secret.userName : null,
      secret: null,
      connectTimeoutMs: this.options.connectTimeoutMs,
      probe: { hive: SERVICE_KEY.hive, subKey: SERVICE_KEY.subKey },
    };
    const pipe = this.secret ? await openSecretPipe(this.secret.password) : null;
    let data: unknown;
    try {
      if (pipe) {
        request.secret = 'pipe';
        request.secretPipe = { name: pipe.pipeName, token: pipe.token, timeoutMs: SECRET_PIPE_CONNECT_MS };
      }
      data = await this.invokeScript(SCRIPTS.initialize, request, this.options.connectTimeoutMs + this.options.invocationTimeoutMs, pipe !== null);
    } finally {
      await pipe?.close();
    }
    const d = (data ?? {}) as Record<string, unknown>;
    this.info = {
      transport,
      computerName: typeof d.computerName === 'string' && d.computerName ? d.computerName : this.computerName,
      psVersion: typeof d.psVersion === 'string' ? d.psVersion : null,
    };
    // A child lost during the call itself leaves the generation changed; the next call re-opens.
    this.openedGeneration = generation === this.host.generation ? generation : -1;
    return this.info;
  }

  /** Runs one script with the transport and computer name added to its request. */
  async run<T = Record<string, unknown>>(script: ScriptName, fields: Record<string, unknown>, call: CallOptions = {}): Promise<T> {
    if (this.closed) throw new ResyncError('Internal', `The session to ${this.computerName} is closed.`);
    if (this.openedGeneration !== this.host.generation) {
      // The child was rebuilt (after a timeout or a crash): the connection must be opened again.
      if (!this.reopening) {
        this.reopening = this.open(this.transportValue).finally(() => {
          this.reopening = null;
        });
      }
      await this.reopening;
    }
    const request = { transport: this.transportValue, computerName: this.computerName, ...fields };
    return (await this.invokeScript(script, request, call.timeoutMs ?? this.options.invocationTimeoutMs)) as T;
  }

  /** Closes the DSS connection (Close-DssSession.ps1) and the host. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.openedGeneration === this.host.generation) {
        const command = buildCommand(this.scriptDir, SCRIPTS.close, {});
        await this.host.invoke({ command, timeoutMs: 15_000 });
      }
    } catch {
      /* the child is stopped next anyway */
    }
    try {
      await this.host.dispose();
    } catch {
      /* nothing left to do */
    }
  }

  private async invokeScript(script: ScriptName, request: Record<string, unknown>, timeoutMs: number, sensitive = false): Promise<unknown> {
    const command = buildCommand(this.scriptDir, script, request);
    let stdout: string;
    try {
      stdout = await this.host.invoke(sensitive ? { command, timeoutMs, sensitive } : { command, timeoutMs });
    } catch (e) {
      throw this.hostFailure(e, script);
    }
    const envelope = parseEnvelope(stdout, script);
    if (envelope.ok) return envelope.data;
    if (envelope.error.id === 'ConnectionLost') throw connectionLost(this.computerName, script, envelope.error.message);
    throw envelopeError(envelope.error, script);
  }

  private hostFailure(e: unknown, script: ScriptName): ResyncError {
    if (e instanceof ResyncError) return e;
    if (!(e instanceof PowerShellHostError)) {
      return new ResyncError('Internal', `Calling ${script} failed: ${e instanceof Error ? e.message : String(e)}`, { script });
    }
    const remote = this.transportValue !== 'Local';
    switch (e.kind) {
      case 'not-found':
        return new ResyncError('PowerShellNotFound', e.message, { script });
      case 'timeout':
      case 'exited':
        if (remote && script !== SCRIPTS.initialize) return connectionLost(this.computerName, script, e.message);
        if (remote) return new ResyncError('HostUnreachable', `${this.computerName} did not answer while the connection was being opened: ${e.message}`, { target: this.computerName, script });
        return new ResyncError(e.kind === 'timeout' ? 'Timeout' : 'OperationFailed', `${script}: ${e.message} The PowerShell process was stopped; the next call starts a new one.`, {
          script,
        });
      case 'disposed':
        return new ResyncError('Cancelled', `${script} was not completed: the PowerShell session was closed.`, { script });
      case 'stderr':
      default:
        return new ResyncError('Internal', `${script}: ${e.message}`, { script });
    }
  }
}
