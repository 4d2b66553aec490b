// Diagnostic: the ways to make a verified copy of one file to N folders, timed in one process (no
// start-up), each ending with every copy flushed (fsync). Not part of `npm run bench`; it is how the
// copy engine's design was chosen (bench/PERFORMANCE.md, "The copy").
//   node bench/diag/copy-ways.mjs <source> <scratch-dir> [copies=1] [rounds=3]
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, writeSync, constants } from 'node:fs';
import { open, copyFile } from 'node:fs/promises';
import { join } from 'node:path';

const [src, dir, copiesArg = '1', roundsArg = '3'] = process.argv.slice(2);
const copies = Number(copiesArg);
const rounds = Number(roundsArg);
const dests = () => Array.from({ length: copies }, (_, i) => join(dir, `d${i}`, 'RESYNC.GLB'));

async function hashFileReused(path, chunk = 1 << 20) {
  const fh = await open(path, 'r');
  const h = createHash('sha256');
  const bufs = [Buffer.allocUnsafeSlow(chunk), Buffer.allocUnsafeSlow(chunk)];
  let pos = 0;
  let i = 0;
  // Two reads in flight: the next read overlaps the hashing of this one.
  let pending = fh.read(bufs[0], 0, chunk, 0);
  for (;;) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) break;
    const cur = bufs[i];
    pos += bytesRead;
    i ^= 1;
    pending = fh.read(bufs[i], 0, chunk, pos);
    h.update(cur.subarray(0, bytesRead));
  }
  await fh.close();
  return h.digest('hex');
}

const ways = {
  /** Kernel copy per folder beside one hashing pass over the source; each copy fsynced, then hashed back from disk. */
  async kernelCopyHashBack() {
    const srcHash = hashFileReused(src);
    const back = [];
    for (const d of dests()) {
      await copyFile(src, d, constants.COPYFILE_EXCL);
      const fh = await open(d, 'r+');
      await fh.sync();
      await fh.close();
      back.push(hashFileReused(d));
    }
    const [h, ...hs] = await Promise.all([srcHash, ...back]);
    if (hs.some((x) => x !== h)) throw new Error('mismatch');
  },
  /** Kernel copy beside one hashing pass over the source, no read-back (NOT a verified copy; the lower bound). */
  async kernelCopyUnverified() {
    const srcHash = hashFileReused(src);
    for (const d of dests()) {
      await copyFile(src, d, constants.COPYFILE_EXCL);
      const fh = await open(d, 'r+');
      await fh.sync();
      await fh.close();
    }
    await srcHash;
  },
  /** Synchronous read -> hash -> write to every folder with one reused buffer, then fsync each. */
  syncReadOnceWriteMany(chunk = 1 << 20) {
    const buf = Buffer.allocUnsafeSlow(chunk);
    const h = createHash('sha256');
    const s = openSync(src, 'r');
    const fds = dests().map((d) => openSync(d, 'wx'));
    let pos = 0;
    for (;;) {
      const n = readSync(s, buf, 0, chunk, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      for (const fd of fds) {
        let off = 0;
        while (off < n) off += writeSync(fd, buf, off, n - off, pos + off);
      }
      pos += n;
    }
    for (const fd of fds) {
      fsyncSync(fd);
      closeSync(fd);
    }
    closeSync(s);
    h.digest('hex');
  },
  /** Overlapped async read-once-write-many (what src/copy/fanout.ts does): a pool of buffers, reads ahead, writes in flight. */
  async asyncFanOut(chunk = 1 << 20, buffers = 8) {
    const h = createHash('sha256');
    const s = await open(src, 'r');
    const fhs = await Promise.all(dests().map((d) => open(d, 'wx')));
    const free = Array.from({ length: buffers }, () => Buffer.allocUnsafeSlow(chunk));
    const waiters = [];
    const take = async () => {
      while (!free.length) await new Promise((r) => waiters.push(r));
      return free.pop();
    };
    const give = (b) => {
      free.push(b);
      waiters.shift()?.();
    };
    let pos = 0;
    const chains = fhs.map(() => Promise.resolve());
    for (;;) {
      const buf = await take();
      const { bytesRead: n } = await s.read(buf, 0, chunk, pos);
      if (n === 0) {
        give(buf);
        break;
      }
      h.update(buf.subarray(0, n));
      const at = pos;
      pos += n;
      const all = fhs.map((fh, i) => (chains[i] = chains[i].then(() => fh.write(buf, 0, n, at))));
      void Promise.all(all).then(() => give(buf));
    }
    await Promise.all(chains);
    await Promise.all(fhs.map(async (fh) => {
      await fh.sync();
      await fh.close();
    }));
    await s.close();
    h.digest('hex');
  },
  asyncFanOut4M() {
    return ways.asyncFanOut(4 << 20, 4);
  },
  asyncFanOut2Mx4() {
    return ways.asyncFanOut(2 << 20, 4);
  },
  asyncFanOut1Mx4() {
    return ways.asyncFanOut(1 << 20, 4);
  },
  asyncFanOut8Mx3() {
    return ways.asyncFanOut(8 << 20, 3);
  },
  asyncFanOut4Mx8() {
    return ways.asyncFanOut(4 << 20, 8);
  },
  syncReadOnceWriteMany4M() {
    return ways.syncReadOnceWriteMany(4 << 20);
  },
};

const only = process.env.WAYS ? process.env.WAYS.split(',') : Object.keys(ways);
const results = Object.fromEntries(only.map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const k of only) {
    rmSync(dir, { recursive: true, force: true });
    for (const d of dests()) mkdirSync(join(d, '..'), { recursive: true });
    const t = performance.now();
    const c = process.cpuUsage();
    await ways[k]();
    const used = process.cpuUsage(c);
    results[k].push(`${Math.round(performance.now() - t)}/${Math.round((used.user + used.system) / 1000)}`);
  }
}
rmSync(dir, { recursive: true, force: true });
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(24)} ${v.join('  ')}  (wall/cpu ms per round; copies ${copies})`);
