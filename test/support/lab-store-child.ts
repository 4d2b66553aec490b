/**
 * Child process for test/unit/lab-registry-store.test.ts (bundled by esbuild at test time):
 *   set <file> <prefix> <count>    sets <prefix><i> = REG_SZ for i < count
 *   incr <file> <count>            increments REG_DWORD Counter count times (read-modify-write)
 *   churn <file> <count>           rewrites a large REG_MULTI_SZ value count times
 */
import { RegistryStore } from '../../src/lab/registry-store';

const KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\LabTest';

async function main(): Promise<void> {
  const [mode, file, a, b] = process.argv.slice(2);
  const store = new RegistryStore(String(file));
  if (mode === 'set') {
    for (let i = 0; i < Number(b); i += 1) await store.setValue(KEY, `${a}${i}`, { type: 'REG_SZ', data: `${a}-${i}` });
  } else if (mode === 'incr') {
    for (let i = 0; i < Number(a); i += 1) {
      await store.update((doc) => {
        const values = (doc.keys[KEY] ??= {});
        const cur = values.Counter;
        values.Counter = { type: 'REG_DWORD', data: (cur && cur.type === 'REG_DWORD' ? cur.data : 0) + 1 };
        return true;
      });
    }
  } else if (mode === 'churn') {
    for (let i = 0; i < Number(a); i += 1) {
      await store.setValue(KEY, 'Big', { type: 'REG_MULTI_SZ', data: Array.from({ length: 2000 }, (_, j) => `value ${i} line ${j} "quoted" $(x) \`tick\``) });
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
