/**
 * Whether a process recorded in a file (a lock's holder, the lab DXA) is still the very process that wrote
 * it. A pid alone does not tell: Windows reuses pids quickly, and Linux does too in time. So a holder
 * records a proof with its pid (docs/ARCHITECTURE.md, "Telling a live holder from a reused pid"):
 * - Linux: the process start time (field 22 of /proc/<pid>/stat), which a reused pid does not share;
 * - Windows: a "live file" the holder keeps open with no sharing at all for as long as it runs. Windows
 *   closes a process's handles when it ends, so a live file anyone can open belongs to a dead holder,
 *   whatever process has its pid now. Node exposes no process creation time on Windows.
 */
import { closeSync, mkdirSync, openSync, readFileSync, constants as fsc, rmSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, posix, win32 } from 'node:path';
import { errnoCode } from './errno';

/** Linux: the process start time in clock ticks (field 22 of /proc/<pid>/stat) and its state. */
function procStat(pid: number): { state: string; startTicks: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces and parentheses; fields after the last ')' are fixed.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', startTicks: rest[19] ?? '' };
  } catch {
    return null;
  }
}

/** A token identifying this process instance (Linux start time), or null elsewhere. */
export function processStartToken(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  return procStat(pid)?.startTicks ?? null;
}

/** Whether `pid` runs, and on Linux is not a zombie and (given a token) started when the token says. */
export function pidAlive(pid: number, startToken?: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (errnoCode(e) !== 'EPERM') return false;
  }
  if (process.platform === 'linux') {
    const st = procStat(pid);
    if (!st) return false;
    if (st.state === 'Z' || st.state === 'X') return false;
    if (startToken && st.startTicks !== startToken) return false;
  }
  return true;
}

/** What a holder records so others can tell whether it still runs. */
export interface ProcessProof {
  pid: number;
  /** Linux: the process start time. */
  startToken?: string | null;
  /** Windows: the file the holder keeps open with no sharing while it runs. */
  liveFile?: string | null;
}

/** libuv's UV_FS_O_EXLOCK on Windows: open with a share mode of 0, so no other open succeeds. */
const UV_FS_O_EXLOCK = 0x10000000;

const held = new Map<string, { file: string; fd: number }>();
let exitHook = false;

function releaseAll(): void {
  for (const { file, fd } of held.values()) {
    try {
      closeSync(fd);
      rmSync(file, { force: true });
    } catch {
      /* the process is ending; a dead holder's live file reads as dead anyway */
    }
  }
  held.clear();
}

/**
 * This process's proof for records kept in `folder`. On Windows the first call per folder creates and holds
 * `<folder>/.live/<pid>-<random>.live` until the process exits (then it is closed and removed).
 */
export function ownProof(folder: string, platform: NodeJS.Platform = process.platform): ProcessProof {
  const proof: ProcessProof = { pid: process.pid, startToken: processStartToken(process.pid) };
  if (platform !== 'win32') return proof;
  let h = held.get(folder);
  if (!h) {
    const dir = join(folder, '.live');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.live`);
    const fd = openSync(file, fsc.O_RDWR | fsc.O_CREAT | fsc.O_EXCL | UV_FS_O_EXLOCK);
    h = { file, fd };
    held.set(folder, h);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', releaseAll);
    }
  }
  return { ...proof, liveFile: h.file };
}

const LIVE_NAME = /^\d+-[0-9a-f]{12}\.live$/;

/**
 * The live file of a proof kept in `folder`, when it is one this code makes there (`<folder>/.live/<pid>-<hex>.live`);
 * null otherwise. A record is data anyone who can write its folder could forge: a live file named elsewhere
 * (another folder, a share on another host) is never opened, let alone removed.
 */
function liveFileIn(p: ProcessProof, folder: string | undefined, platform: NodeJS.Platform): string | null {
  if (!p.liveFile || folder === undefined) return null;
  const path = platform === 'win32' ? win32 : posix;
  const name = path.basename(p.liveFile);
  if (!LIVE_NAME.test(name)) return null;
  const expected = path.join(folder, '.live', name);
  const given = path.normalize(p.liveFile);
  return (platform === 'win32' ? given.toLowerCase() === expected.toLowerCase() : given === expected) ? p.liveFile : null;
}

/**
 * Whether the process a proof names still runs (the same process, not a reuse of its pid). `folder` is where
 * the record is kept; a live file is taken only from its `.live` subfolder.
 */
export function proofAlive(p: ProcessProof, folder?: string, platform: NodeJS.Platform = process.platform): boolean {
  const liveFile = platform === 'win32' ? liveFileIn(p, folder, platform) : null;
  if (liveFile) {
    let fd: number;
    try {
      fd = openSync(liveFile, 'r');
    } catch (e) {
      const code = errnoCode(e);
      // Held with no sharing: the holder's handle is open, so the holder runs.
      if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES') return true;
      // Released by a holder that ended cleanly.
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      return pidAlive(p.pid);
    }
    closeSync(fd);
    // Nobody holds it: its holder ended without removing it (killed). Tidy it away (a folder in its place
    // is no live file of ours and stays).
    try {
      unlinkSync(liveFile);
    } catch {
      /* gone already, or not a file */
    }
    return false;
  }
  return pidAlive(p.pid, p.startToken);
}

/** Whether two proofs name the same process instance (each part compared where both record it). */
export function sameProcess(a: ProcessProof, b: ProcessProof): boolean {
  if (a.pid !== b.pid) return false;
  if (a.startToken && b.startToken && a.startToken !== b.startToken) return false;
  if (a.liveFile && b.liveFile && a.liveFile !== b.liveFile) return false;
  return true;
}
