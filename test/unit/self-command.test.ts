/** How the engine starts itself again: Node with the bundle, or the self-contained exe alone. */
import { describe, expect, it } from 'vitest';
import { isSea, selfCommand } from '../../src/shared/self-command';

describe('selfCommand', () => {
  it('is this Node with the bundle outside a single executable application', () => {
    expect(isSea()).toBe(false);
    expect(selfCommand(() => '/m/bin/resync-glb.cjs')).toEqual({ command: process.execPath, args: ['/m/bin/resync-glb.cjs'] });
  });

  it('is the program alone inside one, and does not look for a bundle there', () => {
    const bundle = (): string => {
      throw new Error('no bundle in a single executable application');
    };
    expect(selfCommand(bundle, true)).toEqual({ command: process.execPath, args: [] });
  });
});
