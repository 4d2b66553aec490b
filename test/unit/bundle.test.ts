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
      // _Common.ps1 ships assembled from its parts (the next test).
      if (f !== '_Common.ps1') expect(readFileSync(join(moduleDir, 'ps1', f), 'utf8')).toBe(readFileSync(join(root, 'ps1', f), 'utf8'));
      expect(listed).toContain(`ps1/${f}`);
    }
    for (const f of listed) expect(existsSync(join(moduleDir, f)), f).toBe(true);
  });

  it('ships _Common.ps1 as one file: its parts (ps1/common) inlined in the order the source loads them, and no parts folder', () => {
    const loader = readFileSync(join(root, 'ps1', '_Common.ps1'), 'utf8');
    const shipped = readFileSync(join(moduleDir, 'ps1', '_Common.ps1'), 'utf8');
    const order = [...loader.matchAll(/^\. \(Join-Path \$DssCommonFolder '([^']+)'\)$/gm)].map((m) => m[1]!);
    expect(order.slice().sort()).toEqual(readdirSync(join(root, 'ps1', 'common')).filter((f) => f.endsWith('.ps1')).sort());
    let at = 0;
    for (const part of order) {
      const text = readFileSync(join(root, 'ps1', 'common', part), 'utf8').trimEnd();
      const found = shipped.indexOf(text, at);
      expect(found, `${part} inlined after the parts before it`).toBeGreaterThanOrEqual(at);
      at = found + text.length;
    }
    // The source's own lines stay (help, strict mode); nothing looks for the parts folder any more.
    expect(shipped.startsWith(loader.slice(0, loader.indexOf('Set-StrictMode -Version 2')))).toBe(true);
    expect(shipped).not.toContain('DssCommonFolder');
    expect(existsSync(join(moduleDir, 'ps1', 'common'))).toBe(false);
  });
});
