import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { runFromCli } from '../run-handler';
import { collect } from '../options';
import { labDirectoryStartHandler, labDirectoryStopHandler } from '../../handlers/lab-directory';
import { ResyncError } from '../../shared/errors';

async function readPassword(fromStdin: boolean): Promise<string> {
  if (!fromStdin) throw new ResyncError('Usage', 'lab directory start needs --password-stdin: the accounts\' password is read from stdin, never from the command line.');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new ResyncError('Usage', '--password-stdin was given but stdin was empty.');
}

/** `--trust-level "Sales Postoffice=5"`: a different export configuration for that requestor. */
function parseTrust(pairs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pairs) {
    const eq = p.lastIndexOf('=');
    const n = Number(p.slice(eq + 1));
    if (eq <= 0 || !Number.isInteger(n) || n < 0) throw new ResyncError('Usage', `--trust-level takes name=level (a whole number); got ${JSON.stringify(p)}.`, { target: 'trust-level' });
    out[p.slice(0, eq)] = n;
  }
  return out;
}

export function labDirectoryCommand(): Command {
  const dir = new Command('directory').description(
    "The lab's Exchange directory: a real OpenLDAP slapd on a loopback port (Debian package slapd), its configuration and databases in <lab>/directory, holding the lab's requestors as Remote-DXA objects (docs/DIRECTORY.md).",
  );
  dir
    .command('start')
    .description("(Re)build the lab directory from the lab's requestors and start its slapd. Accounts LABDOM\\admin (reads Configuration) and LABDOM\\reader (no rights there) get the password read from stdin.")
    .argument('<lab>', 'the lab folder')
    .option('--password-stdin', "read the accounts' password from the first line of stdin (required)")
    .option('--port <n>', 'loopback port (default: a free one)')
    .option('--trust-level <name=n>', 'give a requestor another trust level, so another export configuration (repeat)', collect, [])
    .option('--ldaps', 'also serve LDAPS, with a self-signed certificate for 127.0.0.1 (made with openssl; its PEM file is in the result)')
    .option('--without-requestor-class', 'leave the Remote-DXA class out of the schema (to see the schema error)')
    .option('--json', 'print the result (or the error) as one JSON document on stdout')
    .addHelpText('after', `\nExamples:\n  resync-glb lab directory start ./lab --password-stdin < password.txt\n  echo "$PW" | resync-glb lab directory start ./lab --password-stdin --trust-level "Engineering Postoffice=2"`)
    .action(async (lab: string, o: Record<string, unknown>) => {
      const password = await readPassword(Boolean(o.passwordStdin));
      await runFromCli(
        (params, ctx) => labDirectoryStartHandler(params, { ...ctx, secret: { userName: '', password } }),
        { path: lab, port: o.port, trustLevels: parseTrust(o.trustLevel as string[]), withoutRequestorClass: Boolean(o.withoutRequestorClass), ldaps: Boolean(o.ldaps) },
        { json: Boolean(o.json) },
      );
    });
  dir
    .command('stop')
    .description("Stop the lab directory's slapd.")
    .argument('<lab>', 'the lab folder')
    .option('--json', 'print the result (or the error) as one JSON document on stdout')
    .addHelpText('after', '\nExample:\n  resync-glb lab directory stop ./lab')
    .action(async (lab: string, o: Record<string, unknown>) => {
      await runFromCli(labDirectoryStopHandler, { path: lab }, { json: Boolean(o.json) });
    });
  return dir;
}
