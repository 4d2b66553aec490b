/** The bundle needs nothing from node_modules at run time, and the module lists what it ships. */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const moduleDir = join(root, 'dist', 'ResyncGlb');

describe('the bundle (build.mjs)', () => {
  it('imports nothing at run time but Node built-ins (and debug\'s optional supports-color)', () => {
    const meta = JSON.parse(readFileSync(join(moduleDir, 'bin', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
    };
    const externals = Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    // isBuiltin also knows the node:-only ones (node:sea, which the engine asks whether it is the exe).
    const unexpected = [...new Set(externals)].filter((p) => !isBuiltin(p) && p !== 'supports-color');
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

describe('the entry point and its code cache (build.mjs, scripts/bundle-loader.cjs)', () => {
  const bin = join(moduleDir, 'bin');
  const main = join(bin, 'resync-glb.main.cjs');
  // What V8 did with the cache when the entry point compiled the engine: taken, rejected, or none given.
  const hook = join(root, 'scripts', 'v8-cache-hook.cjs');
  const cacheVerdict = (binDir: string): string => {
    const r = spawnSync(process.execPath, ['-r', hook, join(binDir, 'resync-glb.cjs'), '--version'], { encoding: 'utf8' });
    return /v8-cache: (\w+)/.exec(r.stderr)?.[1] ?? `no verdict (exit ${r.status}): ${r.stderr}`;
  };
  const copyBin = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'resync-bin-'));
    // The files only: bin/win-x64 holds the Windows engine, which these tests do not run.
    for (const f of readdirSync(bin, { withFileTypes: true })) if (f.isFile()) copyFileSync(join(bin, f.name), join(dir, f.name));
    return dir;
  };

  it('the bundle ends with its build id, the cache starts with the same id, and V8 takes the cache', () => {
    const id = /\/\/ resyncglb-build ([0-9a-f]{64})\n$/.exec(readFileSync(main, 'utf8'))?.[1];
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(`${main}.v8cache`).toString('latin1', 0, 64)).toBe(id);
    expect(cacheVerdict(bin)).toBe('taken');
  });

  it('runs the engine as bin/resync-glb.cjs (its own path, its version) with the cache, without it, and with another build\'s or a damaged one', () => {
    const dir = copyBin();
    try {
      const run = (): { code: number | null; out: string; err: string } => {
        const r = spawnSync(process.execPath, [join(dir, 'resync-glb.cjs'), '--version'], { encoding: 'utf8' });
        return { code: r.status, out: r.stdout.trim(), err: r.stderr };
      };
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      expect(run()).toMatchObject({ code: 0, out: version });
      const cache = readFileSync(join(dir, 'resync-glb.main.cjs.v8cache'));
      // Another build's id: the entry point does not hand the cache to V8 at all.
      writeFileSync(join(dir, 'resync-glb.main.cjs.v8cache'), Buffer.concat([Buffer.from('0'.repeat(64), 'latin1'), cache.subarray(64)]));
      expect(cacheVerdict(dir)).toBe('none');
      expect(run()).toMatchObject({ code: 0, out: version });
      // The right id, damaged data: V8 refuses it and compiles as usual.
      const damaged = Buffer.from(cache);
      damaged.fill(0x5a, 64 + 16, 64 + 4096);
      writeFileSync(join(dir, 'resync-glb.main.cjs.v8cache'), damaged);
      expect(cacheVerdict(dir)).toBe('rejected');
      expect(run()).toMatchObject({ code: 0, out: version });
      rmSync(join(dir, 'resync-glb.main.cjs.v8cache'));
      expect(cacheVerdict(dir)).toBe('none');
      expect(run()).toMatchObject({ code: 0, out: version, err: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the engine knows the entry point as its own file: the lab starts its DXA from that copy', () => {
    const dir = copyBin();
    const lab = join(mkdtempSync(join(tmpdir(), 'resync-binlab-')), 'lab');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'resync-glb.cjs'), ...args], { encoding: 'utf8' });
    try {
      expect(cli('lab', 'init', lab).status).toBe(0);
      const started = cli('lab', 'start', lab, '--json');
      expect(started.status).toBe(0);
      const pid = (JSON.parse(started.stdout) as { Pid: number }).Pid;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain(join(dir, 'resync-glb.cjs'));
    } finally {
      cli('lab', 'stop', lab);
      rmSync(dir, { recursive: true, force: true });
      rmSync(join(lab, '..'), { recursive: true, force: true });
    }
  });
});

describe('the Windows engine bin/win-x64/resync-glb.exe (scripts/build-exe.mjs)', () => {
  const exe = join(moduleDir, 'bin', 'win-x64', 'resync-glb.exe');
  // The build skips it, saying so, only when node.exe cannot be had; npm run package then refuses.
  it.skipIf(!existsSync(exe))('is node.exe with this very bundle injected and its SEA fuse set, and without a signature that no longer matches', () => {
    const bytes = readFileSync(exe);
    const bundle = readFileSync(join(moduleDir, 'bin', 'resync-glb.main.cjs'), 'utf8');
    const id = /\/\/ resyncglb-build ([0-9a-f]{64})\n$/.exec(bundle)?.[1];
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(bytes.includes(`// resyncglb-build ${id!}`)).toBe(true);
    expect(bytes.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')).toBe(true);
    expect(bytes.toString('latin1', 0, 2)).toBe('MZ');
    const header = bytes.readUInt32LE(0x3c);
    const security = header + 24 + (bytes.readUInt16LE(header + 24) === 0x20b ? 112 : 96) + 4 * 8;
    expect([bytes.readUInt32LE(security), bytes.readUInt32LE(security + 4)]).toEqual([0, 0]);
  });
});
