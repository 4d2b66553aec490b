/**
 * The folders of src/ are layers (docs/ARCHITECTURE.md): every import between two folders points down the
 * flow cli -> handlers -> protocol -> copy -> core -> directory -> operations -> lab -> shared, so no folder imports one
 * above it and no two folders import each other.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', '..', 'src');
/** Top first. Folders on one line would be one level and must not import each other either. */
const LAYERS: string[][] = [['cli'], ['handlers'], ['protocol'], ['copy'], ['core'], ['directory'], ['operations'], ['lab'], ['shared']];
const level = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function topFolder(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

/** Every relative import of a file: `from '...'` and `import('...')`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!));
}

interface Edge {
  file: string;
  target: string;
}

function edgesOf(files: string[]): Edge[] {
  return files.flatMap((file) => importsOf(file).map((target) => ({ file, target })));
}

/** The cross-folder imports that break the layering, as "from -> to" lines. */
function violations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const { file, target } of edges) {
    const from = topFolder(file);
    const to = topFolder(target);
    if (to === from || !target.startsWith(SRC)) continue;
    const a = level.get(from);
    const b = level.get(to);
    if (a === undefined || b === undefined || b <= a) out.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
  }
  return out;
}

describe('layers of src/', () => {
  const files = sources(SRC);

  it('every top folder of src/ has a layer', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !level.has(f))).toEqual([]);
  });

  it('every import between folders points down', () => {
    expect(violations(edgesOf(files))).toEqual([]);
  });

  it('the check flags an upward import and passes a downward one and one inside a folder', () => {
    const edge = (file: string, target: string): Edge => ({ file: join(SRC, file), target: join(SRC, target) });
    expect(violations([edge('lab/a.ts', 'operations/operations.ts')])).toEqual(['lab/a.ts -> operations/operations.ts']);
    expect(violations([edge('lab/a.ts', 'lab/b.ts'), edge('shared/a.ts', 'lab/b.ts')])).toEqual(['shared/a.ts -> lab/b.ts']);
    expect(violations([edge('core/a.ts', 'shared/errors.ts'), edge('core/a.ts', 'core/b.ts')])).toEqual([]);
  });
});
