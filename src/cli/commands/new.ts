import { Command, Option } from 'commander';
import { runFromCli } from '../run-handler';
import { newHandler, TRANSPORTS } from '../../core/new-handler';
import { readSecretFromStdin } from '../secret';

import { collect } from '../options';

export function newCommand(): Command {
  return new Command('new')
    .description(
      'Make the DSS write Resync.glb for the named Remote Dirsync Requestors: preflight, back up, write ResyncConnectionRDNs, restart the directory synchronization service, wait for a complete file, verify it and move it out of Dxadata. Any failure is rolled back.',
    )
    .requiredOption('-r, --requestor <name>', 'requestor display name, common name or RDN (repeat for several)', collect, [])
    .option('--lab <dir>', 'run against the lab DSS in <dir> (see: resync-glb lab init)')
    .option('--computer-name <host>', 'the DSS to reach (Windows); default: this computer')
    .addOption(new Option('--transport <kind>', 'how to reach a Windows DSS (Local: this computer, for tests only; Rpc to NT 4.0/2000/2003 needs the SMB1 client)').choices([...TRANSPORTS]).default('Auto'))
    .option('--user <name>', 'account for the DSS; the password is read from stdin (--password-stdin)')
    .option('--password-stdin', 'read the password for --user from the first line of stdin')
    .option('--powershell <exe>', 'PowerShell executable for the Windows operations (default: pwsh, or powershell.exe on Windows)')
    .option('--dxadata-path <dir>', 'Dxadata folder on the DSS; overrides DXADataPath and the setup key')
    .option('-o, --output <dir>', 'folder that receives Resync.glb and the backup (default: <lab>/output, or a per-user folder: %LOCALAPPDATA%\\ResyncGlb\\output, $XDG_STATE_HOME/resyncglb/output)')
    .option('--backup-path <dir>', 'folder for the registry backup (default: <output>/backup)')
    .option('--timeout <sec>', 'how long to wait for a complete Resync.glb', '600')
    .option('--service-timeout <sec>', 'how long a service stop or start may take', '120')
    .option('--recognition-timeout <sec>', 'with no file and the value still present this long after the start, the names were not recognised', '60')
    .option('--min-free-mb <n>', 'free space Dxadata must have', '64')
    .option('-f, --force', 'take over a pending ResyncConnectionRDNs value (it is backed up and restored on failure)')
    .option('--what-if', 'show every change the run would make, in order, and change nothing')
    .option('--log <file>', 'audit log (default: <lab>/audit.jsonl, or the user state folder)')
    .option('--json', 'print the result (or the error) as one JSON document on stdout')
    .option('-v, --verbose', 'narrate each step on stderr')
    .addHelpText(
      'after',
      `
Examples:
  resync-glb lab init ./lab --requestor PO1 --requestor PO2
  resync-glb new --lab ./lab --requestor PO1 --requestor PO2
  resync-glb new --lab ./lab -r PO1 --what-if
  resync-glb new --computer-name EXCH01 --transport Rpc -r "Sales Postoffice" --json
  echo "$PW" | resync-glb new --computer-name EXCH01 --user CORP\\admin --password-stdin -r SALES`,
    )
    .action(async (o: Record<string, unknown>) => {
      const secret = o.user ? await readSecretFromStdin(String(o.user), Boolean(o.passwordStdin)) : undefined;
      await runFromCli(
        (params, ctx) => newHandler(params, { ...ctx, secret }),
        {
          requestor: o.requestor,
          labPath: o.lab,
          computerName: o.computerName,
          transport: o.transport,
          powershell: o.powershell,
          dxadataPath: o.dxadataPath,
          outputPath: o.output,
          backupPath: o.backupPath,
          timeoutSec: o.timeout,
          serviceTimeoutSec: o.serviceTimeout,
          recognitionSec: o.recognitionTimeout,
          minFreeMb: o.minFreeMb,
          force: Boolean(o.force),
          whatIf: Boolean(o.whatIf),
          logPath: o.log,
        },
        { json: Boolean(o.json), verbose: Boolean(o.verbose) },
      );
    });
}
