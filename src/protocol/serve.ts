/**
 * `resync-glb rpc`: the bundle side of the protocol (docs/PROTOCOL.md).
 * stdin: line 1 is the request; later lines are control messages ({"control":"cancel"}).
 * EOF on stdin after the request means the caller is gone: the run is cancelled and rolled back.
 * stdout: NDJSON events, starting with `hello` and ending with `end`.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { EXIT, ResyncError, toResyncError } from '../core/errors';
import { EventWriter, PROTOCOL_VERSION, type Sink } from './events';
import { parseControl, parseRequest } from './request';
import type { CommandHandler } from './context';
import { HANDLERS } from './handlers';

export interface ServeOptions {
  input: Readable;
  sink: Sink;
  version: string;
  handlers?: Readonly<Record<string, CommandHandler>>;
  /** Aborted when the caller can no longer read the events (its stdout closed): the run is cancelled like on EOF. */
  gone?: AbortSignal;
}

export async function serve(opts: ServeOptions): Promise<number> {
  const out = new EventWriter(opts.sink);
  out.emit({ event: 'hello', protocol: PROTOCOL_VERSION, version: opts.version, pid: process.pid });
  const controller = new AbortController();
  const onGone = (): void => {
    if (!ended) controller.abort(new Error('the caller closed the connection (stdout)'));
  };
  if (opts.gone?.aborted) onGone();
  else opts.gone?.addEventListener('abort', onGone, { once: true });
  const rl = createInterface({ input: opts.input, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  let exitCode: number = EXIT.ok;
  let ended = false;
  let nonTerminatingFailures = 0;
  try {
    const first = await lines.next();
    if (first.done) throw new ResyncError('ProtocolError', 'No request arrived on stdin.');
    const req = parseRequest(first.value);
    const handler = (opts.handlers ?? HANDLERS)[req.command];
    if (!handler) {
      throw new ResyncError('ProtocolError', `Unknown command ${JSON.stringify(req.command)}; known: ${Object.keys(opts.handlers ?? HANDLERS).join(', ')}.`);
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
    rl.close();
  }
  return exitCode;
}
