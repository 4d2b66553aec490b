/** The bundle needs nothing from node_modules at run time, and the module lists what it ships. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const moduleDir = join(root, 'dist', 'ResyncGlb');

describe('the bundle (build.mjs)', () => {
  it('imports nothing at run time but Node built-ins (and debug\'s optional supports-color)', () => {
    const meta = JSON.parse(readFileSync(join(moduleDir, 'bin', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
    };
    const externals = Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const unexpected = [...new Set(externals)].filter((p) => !builtins.has(p) && p !== 'supports-color');
    expect(unexpected).toEqual([]);
    expect(externals.length).toBeGreaterThan(0); // the metafile really lists imports
  });

  it('bundles node-powershell and commander into the one file', () => {
    const meta = JSON.parse(readFileSync(join(moduleDir, 'bin', 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.includes('node_modules/node-powershell/'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/commander/'))).toBe(true);
  });

  it('ships every ps1/ script inside the module, and the manifest FileList names each shipped file', () => {
    const manifest = readFileSync(join(moduleDir, 'ResyncGlb.psd1'), 'utf8');
    const block = manifest.slice(manifest.indexOf('FileList'));
    const listed = [...block.slice(0, block.indexOf(')')).matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    expect(listed).toContain('bin/resync-glb.cjs');
    for (const f of readdirSync(join(root, 'ps1')).filter((f) => f.endsWith('.ps1'))) {
      expect(readFileSync(join(moduleDir, 'ps1', f), 'utf8')).toBe(readFileSync(join(root, 'ps1', f), 'utf8'));
      expect(listed).toContain(`ps1/${f}`);
    }
    for (const f of listed) expect(existsSync(join(moduleDir, f)), f).toBe(true);
  });
});
