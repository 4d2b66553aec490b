import { Command } from 'commander';
import { runFromCli } from '../run-handler';
import { inspectHandler } from '../../handlers/inspect';

export { inspectHandler };

export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      "Show a file's length, SHA-256 (uppercase) and timestamps; for a Resync.glb in the lab's own layout also the header sync numbers (IMPSEQ, REQSEQ, SRVSEQ), whether it is complete, and the transactions per postoffice. The real Resync.glb layout is not public, so other files get only length, hash and timestamps.",
    )
    .argument('<file...>', 'files to inspect')
    .option('--expected-sha256 <hex>', 'compare each file with this SHA-256; a mismatch is error HashMismatch')
    .option('--json', 'print the result (or the error) as one JSON document on stdout')
    .option('-v, --verbose', 'narrate on stderr')
    .addHelpText(
      'after',
      `
Examples:
  resync-glb inspect ./lab/output/Resync-LABDSS-20261124T104856Z.glb
  resync-glb inspect Resync.glb --expected-sha256 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 --json`,
    )
    .action(async (files: string[], o: Record<string, unknown>) => {
      await runFromCli(inspectHandler, { path: files, expectedSha256: o.expectedSha256 }, { json: Boolean(o.json), verbose: Boolean(o.verbose) });
    });
}
