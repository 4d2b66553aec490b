'use strict';
// Preloaded (`node -r`) in front of the engine's entry point, bin/resync-glb.cjs, by build.mjs (to save
// the code cache of the very compile the entry point makes) and by the bundle tests (to see whether V8
// took the cache). With RESYNCGLB_V8_CACHE_OUT set it writes, at exit, RESYNCGLB_V8_CACHE_ID followed
// by V8's cache for the engine; otherwise it reports on stderr what V8 did with the cache it was given.
// Never shipped: the module's entry point has no such switch (docs/ARCHITECTURE.md, "The bundle").
const { writeFileSync } = require('node:fs');
const vm = require('node:vm');

const Script = vm.Script;
let engine = null;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    if (options && /resync-glb\.main\.cjs$/.test(String(options.filename))) engine = this;
  }
};
process.on('exit', () => {
  if (!engine) return;
  const out = process.env.RESYNCGLB_V8_CACHE_OUT;
  if (out) {
    writeFileSync(out, Buffer.concat([Buffer.from(process.env.RESYNCGLB_V8_CACHE_ID ?? '', 'latin1'), engine.createCachedData()]));
  } else {
    const taken = engine.cachedDataRejected === undefined ? 'none' : engine.cachedDataRejected ? 'rejected' : 'taken';
    process.stderr.write(`v8-cache: ${taken}\n`);
  }
});
