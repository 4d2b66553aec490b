import { Command } from 'commander';
import { serve } from '../../protocol/serve';
import { HANDLERS } from '../../handlers';
import { callerPipe } from '../../protocol/caller-pipe';
import { VERSION } from '../version';

/** Hidden: the protocol mode used by the PowerShell module (docs/PROTOCOL.md). */
export function rpcCommand(): Command {
  return new Command('rpc')
    .description('Protocol mode for the PowerShell module: one JSON request on stdin, NDJSON events on stdout.')
    .action(async () => {
      // A caller that vanishes (window closed: stdin and stdout both gone) cancels the run, which
      // still rolls back in full; what it would have told the caller is dropped.
      const pipe = callerPipe(process.stdout, process.stderr);
      const code = await serve({ input: process.stdin, sink: pipe.sink, version: VERSION, handlers: HANDLERS, gone: pipe.gone });
      process.exitCode = code;
      // Handlers dispose their own resources; stdin may still be open, so end explicitly once stdout drains.
      pipe.flush(() => process.exit(code));
    });
}
