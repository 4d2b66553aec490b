import { Command, Option } from 'commander';
import { runFromCli } from '../run-handler';
import { newHandler } from '../../handlers/new';
import { TRANSPORTS } from '../../operations/windows/transport';
import { readSecretFromStdin } from '../secret';
import { ResyncError } from '../../shared/errors';
import { collect } from '../options';

/** `--group '["a","b"]'` is one group of names (JSON keeps commas and spaces in names); a plain word is a group of one. */
export function parseGroupArg(arg: string): string[] {
  if (!arg.trimStart().startsWith('[')) return [arg];
  let v: unknown;
  try {
    v = JSON.parse(arg);
  } catch (e) {
    throw new ResyncError('Usage', `--group ${JSON.stringify(arg)} is not a JSON array of names: ${(e as Error).message}`, { target: 'group' });
  }
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string')) {
    throw new ResyncError('Usage', `--group ${JSON.stringify(arg)} must be a non-empty JSON array of names (strings).`, { target: 'group' });
  }
  return v as string[];
}
import { parseAttributeMap } from './requestors';
import { LDAPS_MODES } from '../../directory/ldap-source';

export function newCommand(): Command {
  return new Command('new')
    .description(
      'Make the DSS write Resync.glb for the named Remote Dirsync Requestors: preflight, back up, write ResyncConnectionRDNs, restart the directory synchronization service, wait for a complete file, verify it and move it out of Dxadata. Any failure is rolled back.',
    )
    .option('-r, --requestor <name>', 'requestor display name, common name or RDN (repeat for several); all -r names form one group, one run', collect, [])
    .option(
      '-g, --group <names>',
      'one configuration group per --group, run one after another (Q156063): a JSON array of names, e.g. \'["Sales, North","PO2"]\', or one plain name (repeat for several groups; not with -r)',
      collect,
      [],
    )
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
    .option('-f, --force', 'take over a pending ResyncConnectionRDNs value (it is backed up and restored on failure), and run a group whose requestors are configured differently (MixedConfiguration)')
    .option('--no-final-restart', 'skip the restart of the service after generation that Q156063 asks for (do it by hand before the next dirsync cycle)')
    .option('--global-max-seq', 'set GlobalMaxSeqInResync to 1 for the run, so the file carries the highest sequence numbers of all requestors (Q215505; DXA 5.5.2524+); backed up and restored afterwards')
    .option('--keep-global-max-seq', 'with --global-max-seq: leave GlobalMaxSeqInResync at 1 after the run (a lasting change)')
    .option('--what-if', 'show every change the run would make, in order, and change nothing')
    .option('--validate-with-directory', "check every name against the DSS's directory (the lab's own with --lab) before changing anything")
    .option('--directory-server <host[:port]|url>', 'check names against this directory server (implies --validate-with-directory)')
    .option('--directory-export-file <file>', "check names against an 'admin /e' raw-mode export (implies --validate-with-directory)")
    .addOption(new Option('--directory-ldaps <mode>', 'LDAPS for the directory check').choices([...LDAPS_MODES]).default('Auto'))
    .option('--directory-map <field=name>', 'override an assumed LDAP attribute or export column name (repeat; docs/DIRECTORY.md)', collect, [])
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
  resync-glb new --lab ./lab --group '["Sales, North","PO2"]' --group '["PO3"]'
  resync-glb new --lab ./lab -r PO1 --global-max-seq
  echo "$PW" | resync-glb new --lab ./lab --validate-with-directory --user 'LABDOM\\admin' --password-stdin -r "Sales PO"
  resync-glb new --computer-name EXCH01 --transport Rpc -r "Sales Postoffice" --json
  echo "$PW" | resync-glb new --computer-name EXCH01 --user CORP\\admin --password-stdin -r SALES`,
    )
    .action(async (o: Record<string, unknown>) => {
      const groupArgs = o.group as string[];
      const requestorArgs = o.requestor as string[];
      await runFromCli(
        // Inside the handler, so a missing or empty password is a usage error like any other (exit 2, JSON with --json).
        async (params, ctx) => {
          if (o.passwordStdin && !o.user) throw new ResyncError('Usage', '--password-stdin needs --user: the account the password belongs to.', { target: 'user' });
          if (groupArgs.length && requestorArgs.length) throw new ResyncError('Usage', 'Give either -r/--requestor (one group) or -g/--group (one per group), not both.', { target: 'group' });
          if (!groupArgs.length && !requestorArgs.length) throw new ResyncError('Usage', 'Name at least one requestor: -r <name> (repeat), or -g \'["name",...]\' per group.', { target: 'requestor' });
          const secret = o.user ? await readSecretFromStdin(String(o.user), Boolean(o.passwordStdin)) : undefined;
          const groups = groupArgs.length ? groupArgs.map(parseGroupArg) : undefined;
          await newHandler({ ...params, requestor: groups ? undefined : requestorArgs, group: groups }, { ...ctx, secret });
        },
        {
          noFinalRestart: o.finalRestart === false,
          globalMaxSeq: Boolean(o.globalMaxSeq),
          keepGlobalMaxSeq: Boolean(o.keepGlobalMaxSeq),
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
          validateWithDirectory: Boolean(o.validateWithDirectory),
          directoryServer: o.directoryServer,
          directoryExportFile: o.directoryExportFile,
          directoryLdaps: o.directoryLdaps,
          directoryAttributeMap: parseAttributeMap(o.directoryMap as string[]),
        },
        { json: Boolean(o.json), verbose: Boolean(o.verbose) },
      );
    });
}
