/**
 * The lab directory's slapd as a process: where its files are, whether it runs, stopping it.
 * Kept apart from its provisioning (./directory-server.ts) so that a forced lab re-init
 * (./layout.ts) can stop it without importing the provisioning.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errnoCode } from '../shared/errno';

export function labDirectoryFiles(lab: string) {
  const d = join(resolve(lab), 'directory');
  return {
    dir: d,
    conf: join(d, 'slapd.conf'),
    schema: join(d, 'lab-dxa.schema'),
    accounts: join(d, 'accounts'),
    org: join(d, 'org'),
    pid: join(d, 'slapd.pid'),
    args: join(d, 'slapd.args'),
    info: join(d, 'directory.json'),
    cert: join(d, 'tls-cert.pem'),
    key: join(d, 'tls-key.pem'),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** The pid of this lab's slapd, if it runs (its command line names this lab's slapd.conf). */
export async function labSlapdPid(lab: string): Promise<number | null> {
  const f = labDirectoryFiles(lab);
  const pid = Number((await readFile(f.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline !== null && !cmdline.split('\0').includes(f.conf)) return null;
  return pid;
}

export async function stopLabDirectory(lab: string, timeoutMs = 10_000): Promise<boolean> {
  const pid = await labSlapdPid(lab);
  if (pid === null) return false;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
  return true;
}

