import { Command } from 'commander';
import { runFromCli } from '../run-handler';
import { recoverHandler } from '../../handlers/new';

export function recoverCommand(): Command {
  return new Command('recover')
    .description(
      'Finish the cleanup of a run on this DSS that died (killed, crashed): remove the value it wrote and return the service to its prior state, from the journal in its run lock.',
    )
    .option('--lab <dir>', 'the lab DSS in <dir>')
    .option('--computer-name <host>', 'the Windows DSS')
    .option('--log <file>', 'audit log')
    .option('-v, --verbose', 'narrate each step on stderr')
    .addHelpText('after', '\nExamples:\n  resync-glb recover --lab ./lab -v\n  resync-glb recover --computer-name EXCH01')
    .action(async (o: Record<string, unknown>) => {
      await runFromCli(recoverHandler, { labPath: o.lab, computerName: o.computerName, logPath: o.log }, { verbose: Boolean(o.verbose) });
    });
}
