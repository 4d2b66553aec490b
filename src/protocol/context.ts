/**
 * What every command handler gets, whether it was called from the CLI or through the `rpc`
 * protocol (docs/PROTOCOL.md). Handlers never print: they report through `reporter` and hand
 * their result objects to `emitResult`.
 */
import type { Reporter } from '../shared/reporter';
import type { Secret } from '../operations/secret';

export interface CommandContext {
  reporter: Reporter;
  /** Aborted on Ctrl+C, on a `cancel` control message, or when the caller's stdin closes. */
  signal: AbortSignal;
  /** One call per output object; `type` is the PSTypeName (e.g. 'ResyncGlb.Result'). */
  emitResult(type: string, data: Record<string, unknown>): void;
  /** Present only when the request carried a credential. */
  secret?: Secret;
}

/** A command reachable through the protocol: params are plain JSON from the request. */
export type CommandHandler = (params: Record<string, unknown>, ctx: CommandContext) => Promise<void>;
