import { Command } from 'commander';
import { runFromCli } from '../run-handler';
import {
  labFaultHandler,
  labImportHandler,
  labInitHandler,
  labRequestorsHandler,
  labStartHandler,
  labStatusHandler,
  labStopHandler,
} from '../../handlers/lab';
import { runDxaService } from '../../lab/dxa-service';
import { runShadowServer } from '../../lab/shadow-server';

import { collect } from '../options';
import { labDirectoryCommand } from './lab-directory';

/**
 * `--requestor "Display[|CommonName[|RDN[|settings]]]"`: a plain name is the display name (CN and RDN
 * derived); settings are `containers=A,B;trust=N;custom=yes|no;ahead=N;seq=IMP/REQ/SRV`.
 */
function parseRequestor(arg: string): string | Record<string, string | undefined> {
  if (!arg.includes('|')) return arg;
  const [displayName = '', commonName, rdn, settings] = arg.split('|');
  return { DisplayName: displayName, CommonName: commonName || undefined, Rdn: rdn || undefined, Settings: settings || undefined };
}

const jsonOpt = ['--json', 'print the result (or the error) as one JSON document on stdout'] as const;

export function labCommand(): Command {
  const lab = new Command('lab').description(
    'The lab DSS: a simulated Exchange directory synchronization server on local disk (registry store, a real separate DXA service process, MS Mail postoffices) for demos, tests and benchmarks.',
  );

  lab
    .command('init')
    .description('Create a lab DSS in <dir> (an empty or new folder).')
    .argument('<dir>', 'folder for the lab')
    .option(
      '-r, --requestor <name>',
      'a Remote Dirsync Requestor: "Display name", or "Display name|COMMONNAME|RDN|settings" where settings are containers=A,B;trust=N;custom=yes|no;ahead=N;seq=IMP/REQ/SRV (repeat; default: two requestors; by default every requestor exports all containers, trust 100, custom recipients, and has the same sync numbers)',
      collect,
      [],
    )
    .option('--containers <list>', 'comma-separated recipient containers the recipients are spread over (default Recipients,Sales,Engineering)')
    .option('--global-max-seq <n>', 'write GlobalMaxSeqInResync (REG_DWORD) with this value (default: absent; Q215505)')
    .option('--dxa-version <v>', 'the file version of the lab DXA.EXE (default 5.5.2653; GlobalMaxSeqInResync needs 5.5.2524+)')
    .option('--recipients <n>', 'how many recipients to generate over the postoffices', '200')
    .option('--computer-name <name>', 'the computer name the lab DSS reports', 'LABDSS')
    .option('--start-ms <n>', 'how long the service stays StartPending (default 1500)')
    .option('--stop-ms <n>', 'how long the service stays StopPending (default 500)')
    .option('--chunk-bytes <n>', 'bytes per write while the DXA writes Resync.glb (default 65536)')
    .option('--chunk-delay-ms <n>', 'pause after each chunk (default 10)')
    .option('--seed <n>', 'seed for the generated recipients and sync numbers', '1')
    .option('--no-service', 'create no MSExchangeDX service key (a server that is not a DSS)')
    .option('-f, --force', 're-create an existing lab (its DXA process is killed first)')
    .option(...jsonOpt)
    .addHelpText(
      'after',
      `
Examples:
  resync-glb lab init ./lab
  resync-glb lab init ./lab -r "Sales Postoffice|SALESPO|SALES" -r "Engineering Postoffice|ENGPO|ENG"
  resync-glb lab init ./lab -r PO1 -r PO2 --recipients 100000 --start-ms 200 --force --json
  resync-glb lab init ./lab -r "PO1|||containers=Sales;trust=50" -r "PO2|||ahead=25" --dxa-version 5.5.2448`,
    )
    .action(async (dir: string, o: Record<string, unknown>) => {
      await runFromCli(
        labInitHandler,
        {
          path: dir,
          requestor: (o.requestor as string[]).length ? (o.requestor as string[]).map(parseRequestor) : undefined,
          recipients: o.recipients,
          computerName: o.computerName,
          startMs: o.startMs,
          stopMs: o.stopMs,
          chunkBytes: o.chunkBytes,
          chunkDelayMs: o.chunkDelayMs,
          seed: o.seed,
          noService: o.service === false,
          force: Boolean(o.force),
          containers: typeof o.containers === 'string' ? o.containers.split(',').map((c) => c.trim()).filter(Boolean) : undefined,
          globalMaxSeq: o.globalMaxSeq,
          dxaVersion: o.dxaVersion,
        },
        { json: Boolean(o.json) },
      );
    });

  for (const [name, handler, what] of [
    ['start', labStartHandler, 'Start the lab MSExchangeDX service (a detached DXA process) and wait until it runs.'],
    ['stop', labStopHandler, 'Stop the lab MSExchangeDX service and wait until it has stopped.'],
  ] as const) {
    lab
      .command(name)
      .description(what)
      .argument('<dir>', 'the lab folder')
      .option('--timeout <sec>', 'how long to wait', '60')
      .option(...jsonOpt)
      .addHelpText('after', `\nExample:\n  resync-glb lab ${name} ./lab`)
      .action(async (dir: string, o: Record<string, unknown>) => {
        await runFromCli(handler, { path: dir, timeoutSec: o.timeout }, { json: Boolean(o.json) });
      });
  }

  lab
    .command('status')
    .description('Show the lab service status (derived from the DXA process: a dead process means Stopped), its pid and the faults set.')
    .argument('<dir>', 'the lab folder')
    .option(...jsonOpt)
    .addHelpText('after', '\nExample:\n  resync-glb lab status ./lab --json')
    .action(async (dir: string, o: Record<string, unknown>) => {
      await runFromCli(labStatusHandler, { path: dir }, { json: Boolean(o.json) });
    });

  lab
    .command('requestors')
    .description(
      "List the lab's Remote Dirsync Requestors: display name, common name, RDN, postoffice and its GLB folder, export settings (containers, trust level, custom recipients), the DSS's sync numbers for it, and what its postoffice has confirmed and holds.",
    )
    .argument('<dir>', 'the lab folder')
    .option(...jsonOpt)
    .addHelpText('after', '\nExample:\n  resync-glb lab requestors ./lab --json')
    .action(async (dir: string, o: Record<string, unknown>) => {
      await runFromCli(labRequestorsHandler, { path: dir }, { json: Boolean(o.json) });
    });

  lab
    .command('import')
    .description(
      "Play MS Mail's `IMPORT admin -q` at a lab postoffice: take GLB/RESYNC.GLB, check it is whole, refuse it with Fatal error 14 when its header numbers are below what the postoffice has confirmed (the lab's model of Q215505), else replace the postoffice's address list with the file's addresses, set its numbers from the header and delete RESYNC.GLB (Q122750).",
    )
    .argument('<dir>', 'the lab folder')
    .argument('<postoffice>', 'the postoffice folder name, or any name of its requestor')
    .option(...jsonOpt)
    .addHelpText('after', '\nExamples:\n  resync-glb lab import ./lab PO1\n  resync-glb lab import ./lab "Sales Postoffice" --json')
    .action(async (dir: string, postoffice: string, o: Record<string, unknown>) => {
      await runFromCli(labImportHandler, { path: dir, postoffice }, { json: Boolean(o.json) });
    });

  lab
    .command('fault')
    .description(
      'Set faults of the lab DXA (kept in lab.json; read by the DXA when it acts, so most take effect at once), or prepare the lab state an earlier attempt would leave.',
    )
    .argument('<dir>', 'the lab folder')
    .option('--hang-on-stop', 'the service ignores stop requests and stays Running')
    .option('--fail-start', 'the DXA process exits while starting; the service ends Stopped with an error')
    .option('--fail-start-times <n>', 'only the next <n> starts fail (a transient failure), then starts succeed')
    .option('--unrecognise', 'the DXA recognises no requestor name: no file, the value stays')
    .option('--slow-write <ms>', 'pause this long after each chunk while writing Resync.glb')
    .option('--crash-mid-write', 'the DXA dies halfway through writing Resync.glb (truncated file, service Stopped)')
    .option('--start-delay <ms>', 'extra time the service stays StartPending')
    .option('--prepare-delay <ms>', 'time the DXA spends between reading ResyncConnectionRDNs and opening Resync.glb')
    .option('--hold-open <ms>', 'once Resync.glb is written, a reader (antivirus, indexer, backup agent) holds it open for reading this long')
    .option('--import-on-start', 'the DXA also imports (and removes) at start a Resync.glb it wrote itself and that was left in Dxadata; files placed there by others are always imported (Q156124)')
    .option('--clear', 'remove all faults first (alone: clear every fault)')
    .option('--pending-value <name>', 'write ResyncConnectionRDNs with this name, as an unfinished earlier attempt would (repeat for several)', collect, [])
    .option('--old-resync', 'place an older, complete Resync.glb in Dxadata, as an earlier run would leave')
    .option(...jsonOpt)
    .addHelpText(
      'after',
      `
Stopping: the DXA stops when the file <dir>/service.control holds "stop" (what lab stop and the
lab operations write), or on SIGTERM/SIGINT on POSIX. Stopping it while it writes Resync.glb
crashes it, as Q193395 describes for older DXAs.

Examples:
  resync-glb lab fault ./lab --hang-on-stop
  resync-glb lab fault ./lab --slow-write 200
  resync-glb lab fault ./lab --pending-value SALES --old-resync
  resync-glb lab fault ./lab --clear`,
    )
    .action(async (dir: string, o: Record<string, unknown>) => {
      const pending = o.pendingValue as string[];
      await runFromCli(
        labFaultHandler,
        {
          path: dir,
          hangOnStop: o.hangOnStop ? true : undefined,
          failStart: o.failStart ? true : undefined,
          failStartTimes: o.failStartTimes,
          unrecognise: o.unrecognise ? true : undefined,
          crashMidWrite: o.crashMidWrite ? true : undefined,
          importOnStart: o.importOnStart ? true : undefined,
          slowWriteMs: o.slowWrite,
          startDelayMs: o.startDelay,
          prepareMs: o.prepareDelay,
          holdOpenMs: o.holdOpen,
          clear: Boolean(o.clear),
          pendingValue: pending.length ? pending : undefined,
          oldResync: Boolean(o.oldResync),
        },
        { json: Boolean(o.json) },
      );
    });

  lab.addCommand(labDirectoryCommand());
  lab.addCommand(
    new Command('__dxa')
      .description('(internal) run the lab DXA service process')
      .argument('<dir>', 'the lab folder')
      .action(async (dir: string) => {
        await runDxaService(dir);
      }),
    { hidden: true },
  );
  lab.addCommand(
    new Command('__shadow')
      .description('(internal, tests) serve the lab registry store and service control to test/ps/Shadow.WindowsCommands.ps1')
      .argument('<dir>', 'the lab folder')
      .action(async (dir: string) => {
        await runShadowServer(dir);
      }),
    { hidden: true },
  );
  return lab;
}
