import { Command, Option } from 'commander';
import { runFromCli } from '../run-handler';
import { readSecretFromStdin } from '../secret';
import { collect } from '../options';
import { requestorsHandler } from '../../handlers/requestors';
import { LDAPS_MODES } from '../../directory/ldap-source';
import { ResyncError } from '../../shared/errors';

/** `--map displayName=adminDisplayName` (repeat); `exportSettings=A,B` lists several. */
export function parseAttributeMap(pairs: string[]): Record<string, unknown> | undefined {
  if (!pairs.length) return undefined;
  const map: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ResyncError('Usage', `--map takes field=name; got ${JSON.stringify(p)}.`, { target: 'map' });
    const field = p.slice(0, eq).trim();
    const name = p.slice(eq + 1).trim();
    map[field] = field.toLowerCase() === 'exportsettings' ? name.split(',').map((x) => x.trim()).filter(Boolean) : name;
  }
  return map;
}

export function requestorsCommand(): Command {
  return new Command('requestors')
    .description(
      "List the DSS's Remote Dirsync Requestors from the Exchange directory: display name, common name, RDN, export settings and sequence numbers. Reads LDAP (LDAPS where the server offers it; bind as cn=<account>,cn=<NT domain>) with the server's own schema checked, or an 'admin /e' raw-mode export of the Connections container (docs/DIRECTORY.md).",
    )
    .option('--lab <dir>', "read the lab's directory (see: resync-glb lab directory start)")
    .option('--computer-name <host>', "read the DSS's own directory on <host> (default: this computer)")
    .option('--directory-server <host[:port]|url>', 'the directory server, when it is not the DSS itself')
    .option('--export-file <file>', "read an 'admin /e' raw-mode export file instead of LDAP")
    .addOption(new Option('--ldaps <mode>', 'LDAPS: Auto uses it where port 636 answers').choices([...LDAPS_MODES]).default('Auto'))
    .option('--map <field=name>', 'override an assumed LDAP attribute or export column name (repeat; docs/DIRECTORY.md)', collect, [])
    .option('--search-base <dn>', 'where to search (default: every naming context)')
    .option('--timeout <sec>', 'connect and per-operation timeout', '15')
    .option('-n, --name <name>', 'only requestors with this display name, common name or RDN (repeat)', collect, [])
    .option('--group-by-configuration', 'one object per group of requestors with identical export settings, with their RDNs in Requestor')
    .option('--user <DOMAIN\\account>', 'account to bind as; the password is read from stdin (--password-stdin)')
    .option('--password-stdin', 'read the password for --user from the first line of stdin')
    .option('--json', 'print the result (or the error) as one JSON document on stdout')
    .option('-v, --verbose', 'narrate on stderr')
    .addHelpText(
      'after',
      `
Examples:
  resync-glb requestors --lab ./lab --user 'LABDOM\\admin' --password-stdin < password.txt
  echo "$PW" | resync-glb requestors --computer-name EXCH01 --user 'CORP\\exadmin' --password-stdin --group-by-configuration --json
  resync-glb requestors --export-file connections.csv -n "Sales Postoffice"
  echo "$PW" | resync-glb requestors --computer-name EXCH01 --user 'CORP\\exadmin' --password-stdin --map displayName=adminDisplayName`,
    )
    .action(async (o: Record<string, unknown>) => {
      const secret = o.user ? await readSecretFromStdin(String(o.user), Boolean(o.passwordStdin)) : undefined;
      await runFromCli(
        (params, ctx) => requestorsHandler(params, { ...ctx, secret }),
        {
          labPath: o.lab,
          computerName: o.computerName,
          directoryServer: o.directoryServer,
          exportFile: o.exportFile,
          ldaps: o.ldaps,
          attributeMap: parseAttributeMap(o.map as string[]),
          searchBase: o.searchBase,
          timeoutSec: o.timeout,
          name: (o.name as string[]).length ? o.name : undefined,
          groupByConfiguration: Boolean(o.groupByConfiguration),
        },
        { json: Boolean(o.json), verbose: Boolean(o.verbose) },
      );
    });
}
