#!/usr/bin/env node
'use strict';
// ResyncGlb's engine entry point (bin/resync-glb.cjs). It runs the bundled engine, resync-glb.main.cjs,
// with the V8 code cache that build.mjs made beside it, so Node does not compile the whole bundle at
// every start (docs/ARCHITECTURE.md, "The bundle"). A cache from another build or another Node is not
// used; the engine then compiles as usual. The engine sees this file as its own path.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { wrap, createRequire } = require('node:module');

const main = join(__dirname, 'resync-glb.main.cjs');
const source = readFileSync(main, 'utf8');
let cachedData;
try {
  const cache = readFileSync(`${main}.v8cache`);
  // The cache starts with the build id the bundle ends with: another build's cache is never used.
  const id = /\/\/ resyncglb-build ([0-9a-f]{64})\s*$/.exec(source.slice(-100));
  if (id && cache.length > 64 && cache.toString('latin1', 0, 64) === id[1]) cachedData = cache.subarray(64);
} catch {
  // No cache: compile as usual.
}
const script = new Script(wrap(source), { filename: main, cachedData });
script.runInThisContext()(module.exports, createRequire(main), module, __filename, __dirname);
