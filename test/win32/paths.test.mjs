// Windows paths through the bundle in node.exe: labs and GLB folders whose paths hold spaces,
// non-ASCII characters, `&` and parentheses; a lab deeper than MAX_PATH (260); names that differ only
// in case (one file on Windows); Dxadata, output and GLB folders given as `\\?\` and `\\.\` paths.
//
// Not here: UNC paths (`\\localhost\C$\…`, `\\?\UNC\…`): Wine has no administrative shares, so
// they do not resolve under Wine (ENOENT); they need a real Windows host.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cli, makeLab, tempDir } from './support.mjs';
import { dxadata, inspectComplete, killChildren, labState, labStatus, labValue, resyncInDxadata, sha256, why } from './helpers-win.mjs';
import { cmdArgs } from '../support/cmd-args.cjs';

afterEach(killChildren);
after(cleanup);

const T = { timeout: 180_000 };
const RUN = { timeoutMs: 150_000 };

function glb(lab, po) {
  return join(lab, 'postoffices', po, 'MAILDATA', 'GLB');
}

function results(r) {
  return Array.isArray(r.json) ? r.json : [r.json];
}

/** `new` then `copy` to both postoffices of the lab: the whole procedure at a path. */
function procedureAt(lab, outDir) {
  const made = cli(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--timeout', '60', ...(outDir ? ['--output', outDir] : []), '--json'], RUN);
  assert.equal(made.status, 0, why(made, lab));
  assert.equal(made.json.Sha256, sha256(made.json.Path));
  assert.equal(inspectComplete(made.json.Path), true);
  assert.equal(labValue(lab), null);
  assert.equal(resyncInDxadata(lab), false);
  assert.equal(labStatus(lab), 'Running');
  const r = cli(['copy', made.json.Path, '--sha256', made.json.Sha256, '-d', glb(lab, 'PO1'), glb(lab, 'PO2'), '--json'], RUN);
  assert.equal(r.status, 0, why(r));
  for (const [i, po] of ['PO1', 'PO2'].entries()) {
    assert.equal(results(r)[i].Verified, true);
    assert.equal(sha256(join(glb(lab, po), 'RESYNC.GLB')), made.json.Sha256);
  }
  return { made, copied: results(r) };
}

describe('Windows paths', () => {
  it('a lab, an output folder and GLB folders under spaces, non-ASCII, & and parentheses: the procedure works and NextStep quotes for cmd.exe', T, () => {
    const root = tempDir('rg-paths-');
    const lab = makeLab({ dir: join(root, 'R&D (Zürich) 東京 ünï', 'lab & dss (1)') });
    const out = join(root, 'out put & (ÄÖÜ) 出力');
    const { made, copied } = procedureAt(lab, out);
    assert.ok(made.json.Path.startsWith(out), made.json.Path);
    assert.ok(made.json.BackupPath.startsWith(out), made.json.BackupPath);
    for (const [i, po] of ['PO1', 'PO2'].entries()) {
      const poDir = join(lab, 'postoffices', po);
      assert.deepEqual(copied[i].NextStepCommands.map(cmdArgs), [
        ['import', 'admin', '-pPASSWORD', '-q', '-y', `-d${poDir}`],
        ['rebuild', '-f', `-d${poDir}`],
      ]);
    }
    // the postoffice's IMPORT takes the delivered file
    const imp = cli(['lab', 'import', lab, 'PO1', '--json'], RUN);
    assert.equal(imp.status, 0, why(imp, lab));
    assert.equal(imp.json.FileDeleted, true);
  });

  /** A folder about 300 characters deep (MAX_PATH is 260; Wine's node.exe crashed at a lab path of about 427). */
  function deepFolder(prefix) {
    let dir = tempDir(prefix);
    while (dir.length < 290) dir = join(dir, `deep folder ${String(dir.length).padStart(3, '0')}`);
    return dir;
  }

  it('an output folder and GLB folders deeper than MAX_PATH (260 characters): made, delivered and verified there', T, () => {
    const lab = makeLab();
    const deep = deepFolder('rg-deep-');
    const out = join(deep, 'output');
    const made = cli(['new', '--lab', lab, '-r', 'PO1', '--timeout', '60', '--output', out, '--json'], RUN);
    assert.equal(made.status, 0, why(made, lab));
    assert.ok(made.json.Path.startsWith(out) && made.json.Path.length > 260, made.json.Path);
    assert.equal(sha256(made.json.Path), made.json.Sha256);
    assert.ok(made.json.BackupPath.length > 260);
    const dest = join(deep, 'PO1', 'MAILDATA', 'GLB');
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'RESYNC.GLB'), 'an earlier file');
    const r = cli(['copy', made.json.Path, '--sha256', made.json.Sha256, '-d', dest, '--json'], RUN);
    assert.equal(r.status, 0, why(r));
    assert.equal(results(r)[0].Verified, true);
    assert.equal(sha256(join(dest, 'RESYNC.GLB')), made.json.Sha256);
    assert.equal(readdirSync(dest).length, 2, readdirSync(dest).join(', '));
  });

  it('a lab deeper than MAX_PATH (260 characters): the procedure works', T, () => {
    // Made here rather than with makeLab so that a start that hangs fails in a minute, not four.
    const lab = join(deepFolder('rg-deeplab-'), 'lab');
    assert.ok(lab.length > 260, `${lab.length}`);
    try {
      const init = cli(['lab', 'init', lab, '-r', 'PO1', '-r', 'PO2', '--recipients', '60', '--start-ms', '100', '--stop-ms', '50', '--chunk-bytes', '1024', '--chunk-delay-ms', '1'], { timeoutMs: 60_000 });
      assert.equal(init.status, 0, why(init));
      const started = cli(['lab', 'start', lab], { timeoutMs: 60_000 });
      assert.equal(started.status, 0, why(started));
      const { made } = procedureAt(lab);
      assert.ok(made.json.Path.length > 260);
    } finally {
      cli(['lab', 'fault', lab, '--clear'], { timeoutMs: 60_000 });
      cli(['lab', 'stop', lab, '--timeout', '20'], { timeoutMs: 60_000 });
    }
  });

  it('names that differ only in case are one file: a destination holding resync.glb keeps it under the stamped name', T, () => {
    const root = tempDir('rg-case-');
    const dest = join(root, 'PO1', 'MAILDATA', 'GLB');
    mkdirSync(dest, { recursive: true });
    const earlier = randomBytes(4096);
    writeFileSync(join(dest, 'resync.glb'), earlier);
    const source = join(root, 'new.glb');
    writeFileSync(source, randomBytes(100_000));
    const r = cli(['copy', source, '--sha256', sha256(source), '-d', dest, '--json'], RUN);
    assert.equal(r.status, 0, why(r));
    const names = readdirSync(dest);
    // one final file, the new one; the earlier one under RESYNC.<stamp>.GLB, never overwritten
    assert.equal(names.filter((f) => f.toLowerCase() === 'resync.glb').length, 1, names.join(', '));
    assert.equal(sha256(join(dest, 'RESYNC.GLB')), sha256(source));
    const kept = names.find((f) => /^RESYNC\.\d{8}T\d{9}Z(-\d+)?\.GLB$/i.test(f));
    assert.ok(kept, names.join(', '));
    assert.equal(sha256(join(dest, kept)), sha256(earlier));
    assert.match(r.stderr, /was kept as/);
  });

  it('names that differ only in case are one file: an older RESYNC.GLB in Dxadata is the older Resync.glb, moved out first', T, () => {
    const lab = makeLab();
    const older = Buffer.from('an older RESYNC.GLB, upper case, from an earlier attempt\r\n'.repeat(20));
    writeFileSync(join(dxadata(lab), 'RESYNC.GLB'), older);
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--timeout', '60', '--json'], RUN);
    assert.equal(r.status, 0, why(r, lab));
    assert.ok(r.json.PreviousFilePath, 'the older file was not moved out first');
    assert.equal(sha256(r.json.PreviousFilePath), sha256(older));
    assert.notEqual(r.json.Sha256, sha256(older));
    assert.equal(inspectComplete(r.json.Path), true);
    assert.equal(resyncInDxadata(lab), false);
  });

  it('Dxadata and the output folder given as \\\\?\\ paths: the procedure works and the result names real files', T, () => {
    const lab = makeLab();
    const out = join(lab, 'long-form output');
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--timeout', '60', '--dxadata-path', `\\\\?\\${dxadata(lab)}`, '--output', `\\\\?\\${out}`, '--json'], RUN);
    assert.equal(r.status, 0, why(r, lab));
    assert.equal(r.json.DxadataSource, 'Explicit');
    assert.equal(sha256(r.json.Path), r.json.Sha256);
    assert.ok(readdirSync(out).includes(r.json.Path.split('\\').at(-1)), r.json.Path);
    assert.equal(labValue(lab), null);
    assert.equal(resyncInDxadata(lab), false);
    assert.equal(labStatus(lab), 'Running');
  });

  it('GLB folders given as \\\\?\\ and \\\\.\\ paths: delivered and verified; NextStep names the postoffice', T, () => {
    const root = tempDir('rg-long-');
    const a = join(root, 'PO1', 'MAILDATA', 'GLB');
    const b = join(root, 'PO2', 'MAILDATA', 'GLB');
    for (const d of [a, b]) mkdirSync(d, { recursive: true });
    const source = join(root, 'new.glb');
    writeFileSync(source, randomBytes(50_000));
    const r = cli(['copy', source, '--sha256', sha256(source), '-d', `\\\\?\\${a}`, `\\\\.\\${b}`, '--json'], RUN);
    assert.equal(r.status, 0, why(r));
    for (const [i, d] of [a, b].entries()) {
      assert.equal(results(r)[i].Verified, true);
      assert.equal(sha256(join(d, 'RESYNC.GLB')), sha256(source));
      assert.deepEqual(readdirSync(d), ['RESYNC.GLB']);
      // the postoffice folder the IMPORT command gets is the one above MAILDATA, whatever its prefix
      assert.match(results(r)[i].NextStepCommands[1], new RegExp(`^rebuild -f -d.*${['PO1', 'PO2'][i]}"?$`));
    }
  });
});
