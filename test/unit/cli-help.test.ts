/** Every command's --help describes it and shows at least one example (docs/TESTING.md, "Development": `npm run dev -- --help`). */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program';

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

function visible(cmd: Command, path: string[] = []): Array<[string, Command]> {
  const list: Array<[string, Command]> = [[[...path, cmd.name()].join(' '), cmd]];
  for (const sub of cmd.commands as Command[]) {
    if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
    list.push(...visible(sub, [...path, cmd.name()]));
  }
  return list;
}

describe('resync-glb --help', () => {
  const commands = visible(buildProgram());
  it('covers the main commands', () => {
    const names = commands.map(([n]) => n);
    for (const n of ['resync-glb', 'resync-glb new', 'resync-glb copy', 'resync-glb inspect', 'resync-glb lab init', 'resync-glb lab fault', 'resync-glb recover']) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('resync-glb rpc');
  });
  it.each(commands.filter(([, c]) => c.commands.length === 0 || c.name() === 'resync-glb').map(([n, c]) => [n, c] as const))('%s has a description and an example', (_n, cmd) => {
    const text = helpOf(cmd);
    expect(cmd.description().length).toBeGreaterThan(10);
    expect(text).toMatch(/Examples?:\n\s+resync-glb /);
  });
});
