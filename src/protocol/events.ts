/**
 * The protocol's output side: one JSON object per line on stdout (docs/PROTOCOL.md).
 * Only this module writes to stdout in `rpc` mode.
 */
import type { ProgressUpdate, Reporter } from '../shared/reporter';
import type { ResyncError } from '../shared/errors';

export const PROTOCOL_VERSION = 1;

export type ProtocolEvent =
  | { event: 'hello'; protocol: number; version: string; pid: number }
  | ({ event: 'progress' } & ProgressUpdate)
  | { event: 'verbose'; message: string }
  | { event: 'warning'; message: string }
  | { event: 'whatif'; action: string; target: string }
  | { event: 'result'; type: string; data: Record<string, unknown> }
  | {
      event: 'error';
      id: string;
      category: string;
      message: string;
      target: string | null;
      terminating: boolean;
      details: Record<string, unknown>;
    }
  | { event: 'end'; exitCode: number };

export type Sink = (line: string) => void;

export class EventWriter implements Reporter {
  constructor(private readonly sink: Sink) {}
  emit(e: ProtocolEvent): void {
    this.sink(`${JSON.stringify(e)}\n`);
  }
  progress(u: ProgressUpdate): void {
    this.emit({ event: 'progress', ...u });
  }
  verbose(message: string): void {
    this.emit({ event: 'verbose', message });
  }
  warning(message: string): void {
    this.emit({ event: 'warning', message });
  }
  whatIf(action: string, target: string): void {
    this.emit({ event: 'whatif', action, target });
  }
  result(type: string, data: Record<string, unknown>): void {
    this.emit({ event: 'result', type, data });
  }
  error(err: ResyncError, terminating: boolean): void {
    const { target, ...rest } = err.details;
    this.emit({
      event: 'error',
      id: err.id,
      category: err.category,
      message: err.message,
      target: typeof target === 'string' ? target : null,
      terminating,
      details: rest,
    });
  }
}
