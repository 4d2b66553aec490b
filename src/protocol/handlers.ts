/** The commands reachable through `rpc`. Each is the same handler the CLI subcommand runs. */
import type { CommandHandler } from './context';
import { newHandler, recoverHandler } from '../core/new-handler';

export const HANDLERS: Readonly<Record<string, CommandHandler>> = {
  new: newHandler,
  recover: recoverHandler,
};
