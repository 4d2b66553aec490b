/**
 * service.json: the lab service's status, kept current by the DXA process (and by the spawner
 * for the moment between spawn and the child's first write). The status a reader sees is derived
 * with the process's proof of life: a file saying Running (or pending) whose process is gone means Stopped.
 */
import { readJson, writeJsonAtomic } from '../shared/atomic-file';
import { withFileLock } from './file-lock';
import { dirname } from 'node:path';
import { proofAlive } from '../shared/process-info';
import type { LabServiceStatus } from './types';

export interface ServiceFile {
  status: LabServiceStatus;
  pid: number | null;
  /** Linux process start time, so a reused pid is not taken for the DXA. */
  startToken: string | null;
  /** The file the DXA holds open while it runs (Windows), for the same reason (src/shared/process-info.ts). */
  liveFile?: string | null;
  since: string;
  lastError?: string;
}

export interface ServiceState extends ServiceFile {
  /** True when the file said the service was up but its process is gone (a crash). */
  died: boolean;
  /** The status service.json records (before pid liveness is applied). */
  recorded: LabServiceStatus;
}

export async function readServiceFile(file: string): Promise<ServiceFile> {
  for (let i = 0; ; i += 1) {
    try {
      const s = await readJson<ServiceFile>(file);
      return s ?? { status: 'Stopped', pid: null, startToken: null, since: new Date(0).toISOString() };
    } catch (e) {
      if (i >= 3) throw e;
    }
  }
}

/** The effective state: pid liveness decides whether a non-Stopped record is still true. */
export async function readServiceState(file: string): Promise<ServiceState> {
  const s = await readServiceFile(file);
  if (s.status !== 'Stopped' && (s.pid === null || !proofAlive({ pid: s.pid, startToken: s.startToken, liveFile: s.liveFile }, dirname(file)))) {
    return {
      ...s,
      status: 'Stopped',
      died: true,
      recorded: s.status,
      lastError: s.lastError ?? `The lab DXA process${s.pid ? ` (pid ${s.pid})` : ''} ended while the service was ${s.status}.`,
    };
  }
  return { ...s, died: false, recorded: s.status };
}

export function withServiceLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(`${file}.lock`, fn);
}

export async function writeServiceFile(file: string, s: ServiceFile): Promise<void> {
  await writeJsonAtomic(file, s);
}
