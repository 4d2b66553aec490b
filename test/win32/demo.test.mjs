// `npm run demo`'s procedure on Windows, once per way the module runs the engine (node.exe with the bundle,
// and the self-contained resync-glb.exe): a lab DSS with PO1 and PO2, `new`, `copy` to both postoffices'
// GLB folders, and MS Mail's IMPORT -q at each; the lab DXA is the engine started by itself.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { ENGINES, cleanup, cli, ok, tempDir } from './support.mjs';

after(cleanup);

/** The names of the lab registry's values under every key, lower-cased (the registry store is lab.json's sibling). */
function registryValueNames(lab) {
  const reg = JSON.parse(readFileSync(join(lab, 'registry.json'), 'utf8'));
  return Object.values(reg.keys ?? {}).flatMap((values) => Object.keys(values).map((n) => n.toLowerCase()));
}

for (const engine of [ENGINES.node, ENGINES.exe]) {
  it(`the demo end to end through ${engine.name}: new, a verified copy to PO1 and PO2, IMPORT -q at both`, { timeout: 600_000 }, (t) => {
    assert.ok(existsSync(engine.command), `${engine.command} does not exist (node build.mjs builds it)`);
    const run = (args) => ok(args, { engine });
    const lab = join(tempDir('rg-demo-'), 'lab');
    t.after(() => {
      if (existsSync(join(lab, 'lab.json'))) cli(['lab', 'stop', lab, '--timeout', '20'], { engine, timeoutMs: 60_000 });
    });

    run(['lab', 'init', lab, '--requestor', 'PO1', '--requestor', 'PO2', '--recipients', '60', '--start-ms', '100', '--stop-ms', '50', '--force']);
    const started = run(['lab', 'start', lab, '--json']).json;
    assert.equal(started?.Status, 'Running');

    const made = run(['new', '--lab', lab, '--requestor', 'PO1', '--requestor', 'PO2', '--json']).json;
    assert.ok(made, 'new --json wrote one JSON document');
    assert.deepEqual(made.Requestor, ['PO1', 'PO2']);
    assert.equal(made.ValueRemoved, true);
    assert.equal(made.ServiceStatus, 'Running');
    assert.match(made.Sha256, /^[0-9A-F]{64}$/);
    assert.ok(made.Length > 0);
    assert.equal(readFileSync(made.Path).length, made.Length);
    // The DXA's file is taken out of Dxadata, and the Resync value is gone from the registry.
    assert.deepEqual(readdirSync(made.DxadataPath).filter((f) => f.toLowerCase() === 'resync.glb'), []);
    assert.ok(!registryValueNames(lab).includes('resync'), 'the Resync value is still in the lab registry');

    const pos = run(['lab', 'requestors', lab, '--json']).json;
    assert.deepEqual(pos.map((p) => p.Postoffice).sort(), ['PO1', 'PO2']);
    const copies = run(['copy', made.Path, '--sha256', made.Sha256, ...pos.flatMap((p) => ['--destination', p.GlbPath]), '--json']).json;
    assert.equal(copies.length, 2);
    for (const c of copies) {
      assert.equal(c.Status, 'Copied', `${c.Destination}: ${c.Error?.Message ?? JSON.stringify(c.Error)}`);
      assert.equal(c.Verified, true);
      assert.equal(c.Sha256, made.Sha256);
      assert.equal(readFileSync(c.Destination).length, made.Length);
    }

    for (const p of pos) {
      const imported = run(['lab', 'import', lab, p.Postoffice, '--json']).json;
      assert.equal(imported.Postoffice, p.Postoffice);
      assert.ok(imported.Addresses > 0, `${p.Postoffice} imported ${imported.Addresses} addresses`);
      assert.equal(imported.FileDeleted, true);
      assert.ok(!readdirSync(p.GlbPath).some((f) => f.toLowerCase() === 'resync.glb'), `RESYNC.GLB is still in ${p.GlbPath}`);
    }
  });
}
