import { Command, Option } from 'commander';
import { runFromCli } from '../run-handler';
import { collect } from '../options';
import { copyHandler, DEFAULT_THROTTLE_LIMIT, DEFAULT_TIMEOUT_SEC } from '../../handlers/copy';
import { REQUESTOR_TYPES } from '../../copy/types';

export function copyCommand(): Command {
  return new Command('copy')
    .description(
      'Deliver Resync.glb to requestor GLB folders, verified and atomic: the source is read once and written to every folder in parallel under a temporary name, hashed (SHA-256) in the same pass, flushed to disk, and only then renamed to RESYNC.GLB. An existing RESYNC.GLB is kept under a timestamped name. Prints, per folder, the Import and Rebuild commands to run at that postoffice.',
    )
    .argument('<path>', 'the Resync.glb to deliver (for example the Path from `resync-glb new`)')
    .option('-d, --destination <dir...>', 'requestor GLB folder(s); several after one flag, or the flag repeated', collect, [])
    .option('--sha256 <hex>', 'the SHA-256 the source must still have (from `resync-glb new`); if it differs nothing is copied')
    .option('--throttle-limit <n>', 'how many writes run at once over all folders', String(DEFAULT_THROTTLE_LIMIT))
    .addOption(new Option('--requestor-type <type>', 'MSMail: a postoffice GLB folder; Exchange: an Exchange requestor\'s Dxadata').choices([...REQUESTOR_TYPES]).default('MSMail'))
    .option('--restart-service', 'Exchange requestor: restart its directory synchronization service and wait until it has imported the file (lab only, with --lab)')
    .option('--lab <dir>', 'the lab acting as the Exchange requestor (with --restart-service)')
    .option('--timeout <sec>', 'how long an Exchange requestor may take to import the file', String(DEFAULT_TIMEOUT_SEC))
    .option('-f, --force', 'replace an existing RESYNC.GLB without a warning (it is still kept under a timestamped name)')
    .option('--what-if', 'show every write and rename it would make, and change nothing')
    .option('--json', 'print the results (or the error) as JSON on stdout')
    .option('-v, --verbose', 'narrate each step on stderr')
    .addHelpText(
      'after',
      `
Exit code: 0 when every folder got a verified copy; otherwise non-zero, after every folder was tried
(each folder's result, failed ones included, is printed).

Examples:
  resync-glb copy ./lab/output/Resync-LABDSS-20261124T103000123Z.glb -d ./lab/postoffices/PO1/MAILDATA/GLB -d ./lab/postoffices/PO2/MAILDATA/GLB
  resync-glb copy Resync.glb -d /mnt/po1/MAILDATA/GLB --sha256 9D3140071FFBA8CCDA116BC42CCFFD37AEE12010213DC5A345655509EC9D8554
  resync-glb copy Resync.glb -d M:\\MAILDATA\\GLB -d \\\\po2\\mail\\MAILDATA\\GLB --what-if
  resync-glb copy Resync.glb --requestor-type Exchange --restart-service --lab ./lab --json`,
    )
    .action(async (path: string, o: Record<string, unknown>) => {
      const destination = o.destination as string[];
      await runFromCli(
        copyHandler,
        {
          path,
          destination: destination.length > 0 ? destination : undefined,
          sha256: o.sha256,
          throttleLimit: o.throttleLimit,
          requestorType: o.requestorType,
          restartService: Boolean(o.restartService),
          labPath: o.lab,
          timeoutSec: o.timeout,
          force: Boolean(o.force),
          whatIf: Boolean(o.whatIf),
        },
        { json: Boolean(o.json), verbose: Boolean(o.verbose) },
      );
    });
}
