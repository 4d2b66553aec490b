/** How the core tells the outside world what it is doing (CLI text, protocol events, tests). */
export interface ProgressUpdate {
  /** Stable per activity, so PowerShell can keep one bar per id. */
  id: number;
  activity: string;
  status: string;
  /** 0..100, or -1 when unknown. */
  percent: number;
  secondsElapsed?: number;
  bytes?: number;
  completed?: boolean;
}

export interface Reporter {
  progress(update: ProgressUpdate): void;
  verbose(message: string): void;
  warning(message: string): void;
  /** A change the run would make; emitted instead of the change under what-if. */
  whatIf(action: string, target: string): void;
}

/** A reporter that records everything (tests) or drops it. */
export class MemoryReporter implements Reporter {
  readonly events: Array<{ kind: 'progress' | 'verbose' | 'warning' | 'whatif'; [k: string]: unknown }> = [];
  progress(update: ProgressUpdate): void {
    this.events.push({ kind: 'progress', ...update });
  }
  verbose(message: string): void {
    this.events.push({ kind: 'verbose', message });
  }
  warning(message: string): void {
    this.events.push({ kind: 'warning', message });
  }
  whatIf(action: string, target: string): void {
    this.events.push({ kind: 'whatif', action, target });
  }
  messages(kind: 'verbose' | 'warning'): string[] {
    return this.events.filter((e) => e.kind === kind).map((e) => String(e.message));
  }
  whatIfs(): Array<{ action: string; target: string }> {
    return this.events
      .filter((e) => e.kind === 'whatif')
      .map((e) => ({ action: String(e.action), target: String(e.target) }));
  }
}
