/**
 * The audit trail: one JSON line per change and one for the outcome, appended to a log
 * with a single write() on a file opened for append, so a crash leaves whole lines only (a torn
 * final write, if the OS ever produced one, lacks its newline and is skipped by readers).
 * Never holds a secret: callers pass only names, paths, states and error ids.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { currentUser } from './lock';

export interface AuditEntry {
  event: string;
  [key: string]: unknown;
}

/** Default log: %LOCALAPPDATA%\ResyncGlb\audit.jsonl on Windows, $XDG_STATE_HOME/resyncglb/audit.jsonl elsewhere; a lab keeps its own. */
export function defaultAuditLog(labPath?: string): string {
  if (labPath) return join(labPath, 'audit.jsonl');
  if (process.platform === 'win32') {
    return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'ResyncGlb', 'audit.jsonl');
  }
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'resyncglb', 'audit.jsonl');
}

export class AuditLog {
  private ready: Promise<void> | null = null;
  constructor(
    readonly path: string,
    private readonly base: { runId: string; computerName: string },
  ) {}

  async write(entry: AuditEntry): Promise<void> {
    if (!this.ready) this.ready = mkdir(dirname(this.path), { recursive: true }).then(() => undefined);
    await this.ready;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      runId: this.base.runId,
      user: currentUser(),
      workstation: hostname(),
      computerName: this.base.computerName,
      ...entry,
    });
    await appendFile(this.path, `${line}\n`, { flag: 'a' });
  }
}
