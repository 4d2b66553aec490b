import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    mkdirSync(join(d, '.live'));
    const live = join(d, '.live', `${process.pid}-0123456789ab.live`);
    writeFileSync(live, '');
    // This very process runs under the pid: only the live file decides.
    expect(proofAlive({ pid: process.pid, liveFile: live }, d, 'win32')).toBe(false);
    expect(existsSync(live)).toBe(false); // tidied away
    expect(proofAlive({ pid: process.pid, liveFile: live }, d, 'win32')).toBe(false);
  });

  it('a live file named outside the own .live folder of the record is never opened or removed (a forged lock)', () => {
    const d = mkdtempSync(join(tmpdir(), 'proof-'));
    dirs.push(d);
    const victim = join(d, 'precious.txt');
    writeFileSync(victim, 'keep');
    const elsewhere = join(d, 'other', '.live', `${process.pid}-0123456789ab.live`);
    mkdirSync(join(d, 'other', '.live'), { recursive: true });
    writeFileSync(elsewhere, '');
    for (const liveFile of [victim, elsewhere, join(d, '.live', '..', 'precious.txt')]) {
      // Not a live file of this folder: judged by the pid alone (this process runs), and left alone.
      expect(proofAlive({ pid: process.pid, liveFile }, d, 'win32')).toBe(true);
    }
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    // Without a folder no live file is looked at either.
    expect(proofAlive({ pid: process.pid, liveFile: victim }, undefined, 'win32')).toBe(true);
  });

  it('a folder where a live file should be is no proof and is left alone (a forged or damaged record never throws)', () => {
    const d = mkdtempSync(join(tmpdir(), 'proof-'));
    dirs.push(d);
    const asDir = join(d, '.live', `${process.pid}-0123456789ab.live`);
    mkdirSync(asDir, { recursive: true });
    expect(() => proofAlive({ pid: process.pid, liveFile: asDir }, d, 'win32')).not.toThrow();
    expect(existsSync(asDir)).toBe(true);
  });

  it('same process: pid and every part both proofs record', () => {
    expect(sameProcess({ pid: 5, startToken: 'a' }, { pid: 5, startToken: 'a', liveFile: 'f' })).toBe(true);
    expect(sameProcess({ pid: 5, startToken: 'a' }, { pid: 5, startToken: 'b' })).toBe(false);
    expect(sameProcess({ pid: 5, liveFile: 'f' }, { pid: 5, liveFile: 'g' })).toBe(false);
    expect(sameProcess({ pid: 5 }, { pid: 6 })).toBe(false);
  });
});
