/**
 * The lab's registry: a JSON file of keys -> values {type, data}, standing in for the Windows
 * registry of a DSS. Key and value names match without regard to case, as in the registry.
 * Every write is a read-modify-write under a cross-process lock, committed by an atomic rename, so
 * the orchestrator and the lab DXA process never see a torn file or lose each other's updates.
 * Data is stored byte-exact (JSON escapes everything, lone surrogates included).
 */
import { ResyncError } from '../shared/errors';
import { readJson, writeJsonAtomic } from '../shared/atomic-file';
import { withFileLock } from './file-lock';

export type RegType = 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD';

export type RegValue =
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ'; data: string }
  | { type: 'REG_MULTI_SZ'; data: string[] }
  | { type: 'REG_DWORD'; data: number };

export interface RegistryDocument {
  format: 'ResyncGlb.LabRegistry';
  version: 1;
  keys: Record<string, Record<string, RegValue>>;
}

const REG_TYPES: readonly RegType[] = ['REG_SZ', 'REG_EXPAND_SZ', 'REG_MULTI_SZ', 'REG_DWORD'];

export function emptyRegistry(): RegistryDocument {
  return { format: 'ResyncGlb.LabRegistry', version: 1, keys: {} };
}

/** Throws InvalidArgument-style errors for data the real registry could not hold. */
export function validateValue(name: string, value: RegValue): void {
  const fail = (why: string): never => {
    throw new ResyncError('Usage', `Registry value ${JSON.stringify(name)}: ${why}`, { target: name });
  };
  if (!REG_TYPES.includes(value.type)) fail(`unknown type ${JSON.stringify(value.type)}`);
  switch (value.type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      if (typeof value.data !== 'string') fail(`${value.type} data must be a string`);
      if (value.data.includes('\u0000')) fail(`${value.type} data cannot contain NUL (it would end the string)`);
      break;
    case 'REG_MULTI_SZ':
      if (!Array.isArray(value.data) || value.data.some((s) => typeof s !== 'string')) fail('REG_MULTI_SZ data must be an array of strings');
      value.data.forEach((s, i) => {
        if (s.includes('\u0000')) fail(`string ${i + 1} contains NUL, the REG_MULTI_SZ separator`);
        if (s.length === 0) fail(`string ${i + 1} is empty, which would end the REG_MULTI_SZ list early`);
      });
      break;
    case 'REG_DWORD':
      if (!Number.isInteger(value.data) || value.data < 0 || value.data > 0xffffffff) fail('REG_DWORD data must be an integer 0..4294967295');
      break;
  }
}

function findName<T>(record: Record<string, T>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(record, name)) return name;
  const upper = name.toUpperCase();
  return Object.keys(record).find((k) => k.toUpperCase() === upper);
}

function cloneValue(v: RegValue): RegValue {
  return v.type === 'REG_MULTI_SZ' ? { type: v.type, data: [...v.data] } : { ...v };
}

export class RegistryStore {
  constructor(readonly file: string) {}

  private get lockFile(): string {
    return `${this.file}.lock`;
  }

  async read(): Promise<RegistryDocument> {
    let doc: RegistryDocument | null;
    try {
      doc = await readJson<RegistryDocument>(this.file);
    } catch (e) {
      throw new ResyncError('OperationFailed', `The lab registry ${this.file} is not valid JSON: ${(e as Error).message}`, { target: this.file });
    }
    if (!doc) return emptyRegistry();
    if (doc.format !== 'ResyncGlb.LabRegistry' || typeof doc.keys !== 'object' || doc.keys === null) {
      throw new ResyncError('OperationFailed', `${this.file} is not a lab registry store.`, { target: this.file });
    }
    return doc;
  }

  async keyExists(key: string): Promise<boolean> {
    const doc = await this.read();
    return findName(doc.keys, key) !== undefined;
  }

  async getValue(key: string, name: string): Promise<RegValue | null> {
    const doc = await this.read();
    const k = findName(doc.keys, key);
    if (k === undefined) return null;
    const values = doc.keys[k] as Record<string, RegValue>;
    const n = findName(values, name);
    return n === undefined ? null : cloneValue(values[n] as RegValue);
  }

  async listValues(key: string): Promise<Record<string, RegValue> | null> {
    const doc = await this.read();
    const k = findName(doc.keys, key);
    return k === undefined ? null : (doc.keys[k] as Record<string, RegValue>);
  }

  /**
   * Read-modify-write under the lock. `fn` may change `doc` and returns whether it did; nothing is
   * written when it returns false.
   */
  async update(fn: (doc: RegistryDocument) => boolean): Promise<boolean> {
    return withFileLock(this.lockFile, async () => {
      const doc = await this.read();
      const changed = fn(doc);
      if (changed) await writeJsonAtomic(this.file, doc);
      return changed;
    });
  }

  async createKey(key: string): Promise<void> {
    await this.update((doc) => {
      if (findName(doc.keys, key) !== undefined) return false;
      doc.keys[key] = {};
      return true;
    });
  }

  async deleteKey(key: string): Promise<boolean> {
    return this.update((doc) => {
      const k = findName(doc.keys, key);
      if (k === undefined) return false;
      delete doc.keys[k];
      return true;
    });
  }

  /** Sets a value (creating the key). Returns false when the value already held exactly this. */
  async setValue(key: string, name: string, value: RegValue): Promise<boolean> {
    validateValue(name, value);
    const stored = cloneValue(value);
    return this.update((doc) => {
      let k = findName(doc.keys, key);
      if (k === undefined) {
        k = key;
        doc.keys[k] = {};
      }
      const values = doc.keys[k] as Record<string, RegValue>;
      const n = findName(values, name);
      if (n !== undefined && sameValue(values[n] as RegValue, stored)) return false;
      values[n ?? name] = stored;
      return true;
    });
  }

  /** Removes a value; false when it was absent. */
  async deleteValue(key: string, name: string): Promise<boolean> {
    return this.update((doc) => {
      const k = findName(doc.keys, key);
      if (k === undefined) return false;
      const values = doc.keys[k] as Record<string, RegValue>;
      const n = findName(values, name);
      if (n === undefined) return false;
      delete values[n];
      return true;
    });
  }
}

export function sameValue(a: RegValue, b: RegValue): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'REG_MULTI_SZ' && b.type === 'REG_MULTI_SZ') {
    return a.data.length === b.data.length && a.data.every((s, i) => s === b.data[i]);
  }
  return a.data === b.data;
}
