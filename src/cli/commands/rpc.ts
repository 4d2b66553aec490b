import { Command } from 'commander';
import { serve } from '../../protocol/serve';
import { HANDLERS } from '../../handlers';
import { VERSION } from '../version';

/** Hidden: the protocol mode used by the PowerShell module (docs/PROTOCOL.md). */
export function rpcCommand(): Command {
  return new Command('rpc')
    .description('Protocol mode for the PowerShell module: one JSON request on stdin, NDJSON events on stdout.')
    .action(async () => {
      const code = await serve({ input: process.stdin, sink: (l) => process.stdout.write(l), version: VERSION, handlers: HANDLERS });
      process.exitCode = code;
      // Handlers dispose their own resources; stdin may still be open, so end explicitly once stdout drains.
      process.stdout.write('', () => process.exit(code));
    });
}
