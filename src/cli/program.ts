import { Command } from 'commander';
import { VERSION } from './version';
import { newCommand } from './commands/new';
import { copyCommand } from './commands/copy';
import { inspectCommand } from './commands/inspect';
import { labCommand } from './commands/lab';
import { rpcCommand } from './commands/rpc';
import { recoverCommand } from './commands/recover';
import { requestorsCommand } from './commands/requestors';
import { EXIT_CODE_HELP } from './exit-codes';

export function buildProgram(): Command {
  const program = new Command('resync-glb')
    .description(
      'Generate Resync.glb on an Exchange directory synchronization server (DSS) safely, and deliver it to MS Mail requestors.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  resync-glb lab init ./lab -r PO1 -r PO2 && resync-glb lab start ./lab
  resync-glb new --lab ./lab -r PO1 -r PO2 --json
  resync-glb copy ./lab/output/Resync-LABDSS-<time>.glb -d ./lab/postoffices/PO1/MAILDATA/GLB
  resync-glb inspect ./lab/output/Resync-LABDSS-<time>.glb
  resync-glb new --computer-name EXCH01 --transport Rpc -r "Sales Postoffice" --what-if
${EXIT_CODE_HELP}`,
    );
  program.addCommand(newCommand());
  program.addCommand(copyCommand());
  program.addCommand(inspectCommand());
  program.addCommand(labCommand());
  program.addCommand(recoverCommand());
  program.addCommand(requestorsCommand());
  program.addCommand(rpcCommand(), { hidden: true });
  return program;
}
