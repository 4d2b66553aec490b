/**
 * Without an output path, a Windows DSS's Resync.glb goes to a per-user folder, never the current
 * folder (C:\Windows\System32 in an elevated console).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultOutputFolder } from '../../src/core/run-lock';

const saved = { xdg: process.env.XDG_STATE_HOME, cwd: process.cwd() };
afterEach(() => {
  if (saved.xdg === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = saved.xdg;
  process.chdir(saved.cwd);
});

describe('the default output folder', () => {
  it('a lab keeps its own output folder', () => {
    expect(defaultOutputFolder({ labPath: '/labs/one' } as never)).toBe(join('/labs/one', 'output'));
  });

  it('a Windows DSS: the per-user state folder, whatever the current folder is', () => {
    process.env.XDG_STATE_HOME = '/home/admin/.state';
    process.chdir('/');
    const folder = defaultOutputFolder({ computerName: 'EXCH01' } as never);
    expect(folder).toBe(join('/home/admin/.state', 'resyncglb', 'output'));
    expect(folder).not.toBe(process.cwd());
  });
});
