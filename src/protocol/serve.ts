/**
 * `resync-glb rpc`: the bundle side of the protocol (docs/PROTOCOL.md).
 * stdin: line 1 is the request; later lines are control messages ({"control":"cancel"}).
 * EOF on stdin after the request means the caller is gone: the run is cancelled and rolled back.
 * stdout: NDJSON events, starting with `hello` and ending with `end`.
 */
import type { Readable } from 'node:stream';
import { EXIT, ResyncError, toResyncError } from '../shared/errors';
import { EventWriter, PROTOCOL_VERSION, type Sink } from './events';
import { MAX_REQUEST_BYTES, parseControl, parseRequest } from './request';
import { boundedLines } from './lines';
import type { CommandHandler } from './context';

export interface ServeOptions {
  input: Readable;
  sink: Sink;
  version: string;
  /** The commands this engine answers (the CLI's `rpc` passes the table of src/handlers). */
  handlers: Readonly<Record<string, CommandHandler>>;
  /** Aborted when the caller can no longer read the events (its stdout closed): the run is cancelled like on EOF. */
  gone?: AbortSignal;
}

export async function serve(opts: ServeOptions): Promise<number> {
  const out = new EventWriter(opts.sink);
  out.emit({ event: 'hello', protocol: PROTOCOL_VERSION, version: opts.version, pid: process.pid });
  const controller = new AbortController();
  let exitCode: number = EXIT.ok;
  let ended = false;
  let nonTerminatingFailures = 0;
  const onGone = (): void => {
    if (!ended) controller.abort(new Error('the caller closed the connection (stdout)'));
  };
  if (opts.gone?.aborted) onGone();
  else opts.gone?.addEventListener('abort', onGone, { once: true });
  // The limit is enforced while reading, so a huge unterminated line is never buffered whole.
  const lines = boundedLines(opts.input, MAX_REQUEST_BYTES, 64 * 1024);
  try {
    const first = await lines.next();
    if (first.done) throw new ResyncError('ProtocolError', 'No request arrived on stdin.');
    const req = parseRequest(first.value);
    const table = opts.handlers;
    // Own entries only: a command named after an object method (constructor, toString) is unknown.
    const handler = Object.prototype.hasOwnProperty.call(table, req.command) ? table[req.command] : undefined;
    if (typeof handler !== 'function') {
      throw new ResyncError('UnknownCommand', `Unknown command ${JSON.stringify(req.command)}; known: ${Object.keys(table).join(', ')}.`, { target: req.command });
    }
    // Watch the rest of stdin for cancel, and treat its end as the caller's disappearance.
    void (async () => {
      try {
        for (;;) {
          const next = await lines.next();
          if (next.done) break;
          const c = parseControl(next.value);
          if (c) controller.abort(new Error(c.reason ?? 'cancelled by the caller'));
        }
      } catch {
        /* stdin error: same as EOF */
      }
      if (!ended) controller.abort(new Error('the caller closed the connection (stdin)'));
    })();
    await handler(req.params, {
      reporter: out,
      signal: controller.signal,
      secret: req.secret,
      emitResult: (type, data) => {
        out.result(type, data);
        const e = data.Error as { Id?: string } | null | undefined;
        if (e && typeof e === 'object') nonTerminatingFailures++;
      },
    });
    exitCode = nonTerminatingFailures ? EXIT.failedRolledBack : EXIT.ok;
  } catch (e) {
    const err = toResyncError(e);
    // A handler that reported each failure on its own result (copy: one per destination) ends with
    // an aggregate error listing them in details.failed; those were already relayed, so only the
    // exit code carries it.
    if (!(nonTerminatingFailures > 0 && Array.isArray(err.details.failed))) out.error(err, true);
    exitCode = err.exitCode;
  } finally {
    ended = true;
    opts.gone?.removeEventListener('abort', onGone);
    out.emit({ event: 'end', exitCode });
    void lines.return(undefined).catch(() => undefined);
  }
  return exitCode;
}
