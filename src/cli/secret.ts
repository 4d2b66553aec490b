/** Reads a password from the first line of stdin; it never touches argv or the environment. */
import { createInterface } from 'node:readline';
import { ResyncError } from '../shared/errors';
import type { Secret } from '../operations/secret';

export async function readSecretFromStdin(userName: string, fromStdin: boolean): Promise<Secret> {
  if (!fromStdin) {
    throw new ResyncError('Usage', '--user needs --password-stdin: the password is read from stdin, never from the command line.');
  }
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    if (line.length === 0) break;
    return { userName, password: line };
  }
  throw new ResyncError('Usage', '--password-stdin was given but stdin held no password (it was empty, or its first line was).', { target: 'password-stdin' });
}
