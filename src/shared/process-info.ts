/**
 * Process liveness for the lab: a pid recorded in service.json is alive only if the process
 * exists, is not a zombie and (on Linux) still has the start time recorded with it, so a reused
 * pid is not mistaken for the lab DXA.
 */
import { readFileSync } from 'node:fs';

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

export function pidAlive(pid: number, startToken?: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform === 'linux') {
    const st = procStat(pid);
    if (!st) return false;
    if (st.state === 'Z' || st.state === 'X') return false;
    if (startToken && st.startTicks !== startToken) return false;
  }
  return true;
}

