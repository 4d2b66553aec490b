/**
 * A stale lock's journal is data anyone who can write the lock folder could forge: before `recover` acts on
 * it, checkJournal must refuse whatever could move a file anywhere but to a new name in a folder that is
 * not Dxadata, or write a value the registry would refuse.
 */
import { describe, expect, it } from 'vitest';
import { posix, win32 } from 'node:path';
import { checkJournal } from '../../../src/core/journal-check';
import { newRunState, type RunState } from '../../../src/core/run-state';
import type { DssOperations } from '../../../src/operations/operations';

function ops(pathMod: typeof posix | typeof win32, dxadata: string): DssOperations {
  return { computerName: 'LABDSS', target: 'lab', path: pathMod, resolveDxadata: async () => ({ path: dxadata }) } as unknown as DssOperations;
}

function journal(pathMod: typeof posix | typeof win32, dxadata: string, over: Record<string, unknown>): RunState {
  const s = newRunState('forged', 'LABDSS', '20260101T000000000Z', pathMod === posix ? '/tmp' : 'C:\\Windows\\Temp');
  return { ...s, dxadata, filePath: pathMod.join(dxadata, 'Resync.glb'), valueWritten: true, serviceStopped: true, priorServiceStatus: 'Running', ...over } as RunState;
}

const rejected = (p: Promise<void>, why: RegExp) => expect(p).rejects.toMatchObject({ id: 'JournalRejected', message: expect.stringMatching(why) });

describe('checkJournal against forged journals', () => {
  const dx = '/srv/lab/exchsrvr/Dxadata';
  it('a stamp that is not a time stamp of this tool (it becomes part of a file name) is refused', async () => {
    for (const stamp of ['x/../../../../etc/evil', 'x\\..\\..\\evil', '', '20260101T000000000Z/..']) {
      await rejected(checkJournal(ops(posix, dx), journal(posix, dx, { stamp }), 'lock'), /stamp/);
    }
  });

  it('a priorValue the registry would refuse (an empty name, a NUL) or of another type is refused before anything is written', async () => {
    for (const priorValue of [[''], ['PO1\u0000X'], 'SALES', [1], {}]) {
      await rejected(checkJournal(ops(posix, dx), journal(posix, dx, { priorValue }), 'lock'), /priorValue/);
    }
  });

  it('Dxadata itself as the output folder is refused however it is spelt', async () => {
    for (const outputFolder of [`${dx}/`, `${dx}//`, `${dx}/.`, `${dx}/sub/..`]) {
      await rejected(checkJournal(ops(posix, dx), journal(posix, dx, { outputFolder }), 'lock'), /Dxadata as its output folder/);
    }
    const wdx = 'C:\\exchsrvr\\DXADATA';
    for (const outputFolder of [`${wdx}\\`, `\\\\?\\${wdx}`, 'c:\\EXCHSRVR\\dxadata\\', `\\\\?\\${wdx}\\`]) {
      await rejected(checkJournal(ops(win32, wdx), journal(win32, wdx, { outputFolder }), 'lock'), /Dxadata as its output folder/);
    }
  });

  it('a whole, well-formed journal naming Resync.glb in Dxadata and another output folder passes', async () => {
    await expect(checkJournal(ops(posix, dx), journal(posix, dx, { outputFolder: '/tmp' }), 'lock')).resolves.toBeUndefined();
  });
});
