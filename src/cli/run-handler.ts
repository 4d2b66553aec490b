/**
 * Runs a protocol command handler from the command line: human text on stderr (or one JSON
 * document on stdout with --json), Ctrl+C aborts the run (which then rolls back), and the
 * process exit code follows docs/PROTOCOL.md.
 */
import type { CommandHandler } from '../protocol/context';
import type { ProgressUpdate, Reporter } from '../shared/reporter';
import { toResyncError } from '../shared/errors';
import { formatHuman } from './format';

export interface CliRunOptions {
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

class CliReporter implements Reporter {
  private lastBarLength = 0;
  constructor(private readonly opts: CliRunOptions) {}
  private get tty(): boolean {
    return Boolean(process.stderr.isTTY) && !this.opts.quiet;
  }
  progress(u: ProgressUpdate): void {
    if (!this.tty) return;
    const line = u.completed ? '' : `${u.activity}: ${u.status}${u.percent >= 0 ? ` ${u.percent}%` : ''}`;
    const padded = line.padEnd(this.lastBarLength, ' ');
    process.stderr.write(`\r${padded.slice(0, Math.max(padded.length, 1))}${u.completed ? '\r' : ''}`);
    this.lastBarLength = line.length;
  }
  private clearBar(): void {
    if (this.lastBarLength > 0 && this.tty) {
      process.stderr.write(`\r${' '.repeat(this.lastBarLength)}\r`);
      this.lastBarLength = 0;
    }
  }
  verbose(message: string): void {
    if (!this.opts.verbose) return;
    this.clearBar();
    process.stderr.write(`VERBOSE: ${message}\n`);
  }
  warning(message: string): void {
    this.clearBar();
    process.stderr.write(`WARNING: ${message}\n`);
  }
  whatIf(action: string, target: string): void {
    this.clearBar();
    process.stderr.write(`What if: Performing the operation "${action}" on target "${target}".\n`);
  }
  done(): void {
    this.clearBar();
  }
}

export async function runFromCli(
  handler: CommandHandler,
  params: Record<string, unknown>,
  opts: CliRunOptions,
): Promise<void> {
  const reporter = new CliReporter(opts);
  const controller = new AbortController();
  const results: Array<{ type: string; data: Record<string, unknown> }> = [];
  const onSigint = (): void => {
    if (controller.signal.aborted) return;
    process.stderr.write('\nresync-glb: interrupted; undoing what this run changed...\n');
    controller.abort(new Error('Interrupted (Ctrl+C)'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    await handler(params, {
      reporter,
      signal: controller.signal,
      emitResult: (type, data) => results.push({ type, data }),
    });
    reporter.done();
    if (opts.json) {
      const data = results.map((r) => r.data);
      process.stdout.write(`${JSON.stringify(data.length === 1 ? data[0] : data, null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${formatHuman(r.type, r.data)}\n`);
    }
    process.exitCode = 0;
  } catch (e) {
    reporter.done();
    const err = toResyncError(e);
    // A command with one result per item (copy) still owes the user the items that were done:
    // printed before the error, or with --json inside the error's details.results.
    if (results.length > 0) {
      if (opts.json) err.details.results = results.map((r) => r.data);
      else for (const r of results) process.stdout.write(`${formatHuman(r.type, r.data)}\n`);
    }
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ error: { id: err.id, category: err.category, message: err.message, details: err.details } }, null, 2)}\n`,
      );
    }
    process.stderr.write(`resync-glb: error ${err.id}: ${err.message}\n`);
    for (const step of err.details.undone ?? []) process.stderr.write(`  undone: ${step}\n`);
    for (const step of err.details.manualSteps ?? []) process.stderr.write(`  TO DO BY HAND: ${step}\n`);
    for (const p of err.details.problems ?? []) process.stderr.write(`  ${JSON.stringify(p.name)}: ${p.reason}\n`);
    process.exitCode = err.exitCode;
  } finally {
    // The outcome is decided and printed: a signal from now on ends the process with that outcome's
    // code instead of turning it into 130/143. The new listeners go on before the old ones come off:
    // removing a signal's last listener restores its default action, and a signal in that gap would
    // kill the process with 143.
    const settled = (): void => process.exit(process.exitCode ?? 0);
    process.once('SIGINT', settled);
    process.once('SIGTERM', settled);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    // And end now, once the output is flushed: left to drain on its own, the event loop first closes
    // the signal watchers (restoring the default action) and a signal in that window would kill the
    // process with 143. Every command run here is one-shot; the lab DXA does not come through here.
    process.stdout.write('', () => process.stderr.write('', settled));
  }
}
