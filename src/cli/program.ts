import { Command } from 'commander';
import { VERSION } from './version';
import { newCommand } from './commands/new';
import { copyCommand } from './commands/copy';
import { inspectCommand } from './commands/inspect';
import { labCommand } from './commands/lab';
import { rpcCommand } from './commands/rpc';
import { recoverCommand } from './commands/recover';
import { EXIT_CODE_HELP } from './exit-codes';

export function buildProgram(): Command {
  const program = new Command('resync-glb')
    .description(
      'Generate Resync.glb on an Exchange directory synchronization server (DSS) safely, and deliver it to MS Mail requestors.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODE_HELP);
  program.addCommand(newCommand());
  program.addCommand(copyCommand());
  program.addCommand(inspectCommand());
  program.addCommand(labCommand());
  program.addCommand(recoverCommand());
  program.addCommand(rpcCommand(), { hidden: true });
  return program;
}
