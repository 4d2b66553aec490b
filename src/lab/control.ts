/**
 * Starting, stopping and inspecting the lab service from outside: spawns the lab DXA as a
 * detached process (`resync-glb lab __dxa <dir>` from the bundle), asks it to stop through the
 * control file, and kills leftovers (tests).
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ResyncError } from '../shared/errors';
import { writeFileAtomic } from '../shared/atomic-file';
import { labPaths } from './paths';
import { pidAlive, processStartToken, proofAlive } from '../shared/process-info';
import { selfCommand } from '../shared/self-command';
import { sleep } from '../shared/sleep';
import { readServiceState, withServiceLock, writeServiceFile, type ServiceState } from './service-state';

const BUNDLE_NAME = 'resync-glb.cjs';

/**
 * The bundle that can run `lab __dxa`: this very file when running inside the bundle, else the
 * built dist/ResyncGlb/bin/resync-glb.cjs of the repository (vitest, ts-node).
 */
export function bundlePath(): string {
  if (basename(__filename) === BUNDLE_NAME) return __filename;
  const argv1 = process.argv[1];
  if (argv1 && basename(argv1) === BUNDLE_NAME && existsSync(argv1)) return resolve(argv1);
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'resyncglb') {
          const built = join(dir, 'dist', 'ResyncGlb', 'bin', BUNDLE_NAME);
          if (existsSync(built)) return built;
          throw new ResyncError('OperationFailed', `The lab DXA runs from the built bundle, and ${built} does not exist. Build it first: node build.mjs`, {
            target: built,
          });
        }
      } catch (e) {
        if (e instanceof ResyncError) throw e;
      }
    }
    if (dirname(dir) === dir) break;
  }
  throw new ResyncError('OperationFailed', `Cannot find ${BUNDLE_NAME} to start the lab DXA from; build it with: node build.mjs`);
}

export async function labServiceState(dir: string): Promise<ServiceState> {
  return readServiceState(labPaths(resolve(dir)).service);
}

/**
 * Spawns the DXA unless one is already up. Returns at once (the service is then StartPending);
 * callers wait for Running themselves.
 */
export async function spawnLabDxa(dir: string): Promise<{ pid: number; spawned: boolean }> {
  const root = resolve(dir);
  const paths = labPaths(root);
  const self = selfCommand(bundlePath);
  return withServiceLock(paths.service, async () => {
    const cur = await readServiceState(paths.service);
    if (cur.status !== 'Stopped' && cur.pid !== null) return { pid: cur.pid, spawned: false };
    await rm(paths.control, { force: true });
    const logFd = openSync(paths.log, 'a');
    let pid: number | undefined;
    try {
      const child = spawn(self.command, [...self.args, 'lab', '__dxa', root], {
        detached: true,
        stdio: ['ignore', logFd, logFd],
        windowsHide: true,
        // Not the lab folder: Windows caps a working folder at 260 characters (a deeper lab would not start)
        // and keeps a process's working folder from being removed.
        cwd: dirname(self.command),
      });
      child.on('error', () => undefined);
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(logFd);
    }
    if (pid === undefined) {
      throw new ResyncError('ServiceStartFailed', `Could not start the lab DXA process (${[self.command, ...self.args].join(' ')}).`, { target: root });
    }
    await writeServiceFile(paths.service, { status: 'StartPending', pid, startToken: processStartToken(pid), since: new Date().toISOString() });
    return { pid, spawned: true };
  });
}

/** Asks the DXA to stop (control file; the DXA also honours SIGTERM on POSIX). */
export async function requestLabStop(dir: string): Promise<void> {
  await writeFileAtomic(labPaths(resolve(dir)).control, 'stop\n');
}

/** Waits until the effective status satisfies `done`, or the timeout passes; returns the last state. */
export async function waitForLabState(
  dir: string,
  done: (s: ServiceState) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ state: ServiceState; reached: boolean }> {
  const file = labPaths(resolve(dir)).service;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await readServiceState(file);
    if (done(state)) return { state, reached: true };
    if (Date.now() >= until || signal?.aborted) return { state, reached: false };
    await sleep(Math.min(50, Math.max(1, until - Date.now())));
  }
}

/** Linux: pids of lab DXA processes for this lab (by command line), whatever service.json says. */
function findDxaPids(root: string): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const args = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      const i = args.indexOf('__dxa');
      if (i > 0 && args[i - 1] === 'lab' && args[i + 1] === root) out.push(Number(e));
    } catch {
      /* gone or not ours to read */
    }
  }
  return out;
}

/**
 * Kills every lab DXA process of this lab outright (SIGKILL) and marks the service Stopped. For
 * tests' cleanup and forced re-init; not a service stop.
 */
export async function killLab(dir: string): Promise<number[]> {
  const root = resolve(dir);
  const paths = labPaths(root);
  const pids = new Set<number>(findDxaPids(root));
  const state = await readServiceState(paths.service).catch(() => null);
  if (state?.pid && proofAlive({ pid: state.pid, startToken: state.startToken, liveFile: state.liveFile }, root)) pids.add(state.pid);
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      /* already gone */
    }
  }
  for (let i = 0; i < 100 && killed.some((p) => pidAlive(p)); i += 1) await sleep(20);
  if (existsSync(paths.service)) {
    await withServiceLock(paths.service, () =>
      writeServiceFile(paths.service, {
        status: 'Stopped',
        pid: null,
        startToken: null,
        since: new Date().toISOString(),
        ...(killed.length ? { lastError: `Killed by killLab (pids ${killed.join(', ')}).` } : {}),
      }),
    ).catch(() => undefined);
  }
  await rm(paths.control, { force: true });
  return killed;
}
