import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownProof, pidAlive, processStartToken, proofAlive, sameProcess } from '../../../src/shared/process-info';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('proofs of life', () => {
  it('this process is alive by its own proof; a process that ended is not', () => {
    const me = ownProof(tmpdir());
    expect(me.pid).toBe(process.pid);
    expect(proofAlive(me)).toBe(true);
    expect(proofAlive({ pid: deadPid() })).toBe(false);
  });

  it('on Linux a reused pid is told apart by its start time', () => {
    if (process.platform !== 'linux') return;
    const token = processStartToken(process.pid);
    expect(token).toMatch(/^\d+$/);
    expect(pidAlive(process.pid, token)).toBe(true);
    expect(proofAlive({ pid: process.pid, startToken: `${token}1` })).toBe(false);
  });

  it('a Windows live file that anyone can open, or that is gone, names a dead holder whatever runs under its pid', () => {
    const d = mkdtempSync(join(tmpdir(), 'proof-'));
    dirs.push(d);
    const live = join(d, 'x.live');
    writeFileSync(live, '');
    // This very process runs under the pid: only the live file decides.
    expect(proofAlive({ pid: process.pid, liveFile: live }, 'win32')).toBe(false);
    expect(existsSync(live)).toBe(false); // tidied away
    expect(proofAlive({ pid: process.pid, liveFile: live }, 'win32')).toBe(false);
  });

  it('same process: pid and every part both proofs record', () => {
    expect(sameProcess({ pid: 5, startToken: 'a' }, { pid: 5, startToken: 'a', liveFile: 'f' })).toBe(true);
    expect(sameProcess({ pid: 5, startToken: 'a' }, { pid: 5, startToken: 'b' })).toBe(false);
    expect(sameProcess({ pid: 5, liveFile: 'f' }, { pid: 5, liveFile: 'g' })).toBe(false);
    expect(sameProcess({ pid: 5 }, { pid: 6 })).toBe(false);
  });
});
