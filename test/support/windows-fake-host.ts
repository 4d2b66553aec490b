/**
 * Test double for the Windows operations: a PowerShellHost that records every invocation (the
 * exact command text, the decoded request, any stdin line) and answers with canned envelopes.
 * It refuses any command that is not exactly `& '<script path>' '<base64>'`.
 */
import { basename } from 'node:path';
import type { PowerShellHost, PowerShellInvocation } from '../../src/operations/windows/host';
import { PowerShellHostError } from '../../src/operations/windows/host';
import { parseCommand } from '../../src/operations/windows/scripts';

export interface RecordedCall {
  command: string;
  stdinLine?: string;
  timeoutMs: number;
  /** Script file name, e.g. Set-ResyncValue.ps1. */
  script: string;
  /** Full script path as it appeared in the command. */
  path: string;
  base64: string;
  /** The decoded request object. */
  request: Record<string, unknown>;
  /** The decoded request bytes (UTF-8), for byte-exact comparisons. */
  requestBytes: Buffer;
}

export type Reply =
  | { ok: true; data?: unknown }
  | { ok: false; error: { id: string; message: string; category?: string; target?: string | null } }
  | { fail: 'timeout' | 'exited' | 'stderr' | 'not-found' }
  | { raw: string };

export type Handler = (script: string, request: Record<string, unknown>, call: RecordedCall) => Reply | Promise<Reply>;

export class FakePowerShellHost implements PowerShellHost {
  readonly calls: RecordedCall[] = [];
  disposeCount = 0;
  private lost = 0;

  constructor(private handler: Handler) {}

  get generation(): number {
    return this.lost;
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  scripts(): string[] {
    return this.calls.map((c) => c.script);
  }

  async invoke(invocation: PowerShellInvocation): Promise<string> {
    const parsed = parseCommand(invocation.command);
    if (!parsed) throw new Error(`FakePowerShellHost: command of the wrong shape: ${invocation.command}`);
    const requestBytes = Buffer.from(parsed.base64, 'base64');
    const request = JSON.parse(requestBytes.toString('utf8')) as Record<string, unknown>;
    const call: RecordedCall = {
      command: invocation.command,
      timeoutMs: invocation.timeoutMs,
      script: basename(parsed.path.replace(/\\/g, '/')),
      path: parsed.path,
      base64: parsed.base64,
      request,
      requestBytes,
      ...(invocation.stdinLine !== undefined ? { stdinLine: invocation.stdinLine } : {}),
    };
    this.calls.push(call);
    const reply = await this.handler(call.script, request, call);
    if ('fail' in reply) {
      if (reply.fail === 'timeout' || reply.fail === 'exited') this.lost += 1;
      throw new PowerShellHostError(reply.fail, `fake ${reply.fail}`);
    }
    if ('raw' in reply) return reply.raw;
    return JSON.stringify(reply);
  }

  async dispose(): Promise<void> {
    this.disposeCount += 1;
  }
}

/** Envelope helpers. */
export const ok = (data: unknown = {}): Reply => ({ ok: true, data });
export const fail = (id: string, message = `${id} from the fake`, target: string | null = null): Reply => ({ ok: false, error: { id, message, category: 'NotSpecified', target } });

/** Answers Initialize-DssSession.ps1 and Close-DssSession.ps1, then defers to `rest`. */
export function withSession(rest: Handler, computerName = 'DSS01'): Handler {
  return (script, request, call) => {
    if (script === 'Initialize-DssSession.ps1') {
      return ok({ transport: request.transport, computerName: request.transport === 'Local' ? 'WORKSTATION' : computerName, psVersion: '2.0' });
    }
    if (script === 'Close-DssSession.ps1') return ok({ closed: true });
    return rest(script, request, call);
  };
}
