/**
 * Reading a request's params with clear, specific errors: a wrong type is a Usage error naming
 * the parameter, never a crash deep inside a step.
 */
import { ResyncError } from '../shared/errors';

type P = Record<string, unknown>;

function bad(name: string, want: string, got: unknown): never {
  throw new ResyncError('Usage', `Parameter '${name}' must be ${want}; got ${got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got}.`, {
    target: name,
  });
}

export function optString(p: P, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') bad(name, 'a string', v);
  return v;
}

export function reqString(p: P, name: string): string {
  const v = optString(p, name);
  if (v === undefined) throw new ResyncError('Usage', `Parameter '${name}' is required.`, { target: name });
  return v;
}

/** A string or an array of strings; elements are kept as given (validation is the caller's). */
export function optStringArray(p: P, name: string): unknown[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) bad(name, 'a string or an array of strings', v);
  return v;
}

export function optNumber(p: P, name: string, min: number, max: number): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) bad(name, 'a number', v);
  if (n < min || n > max) throw new ResyncError('Usage', `Parameter '${name}' must be between ${min} and ${max}; got ${n}.`, { target: name });
  return n;
}

export function optBool(p: P, name: string): boolean {
  const v = p[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') bad(name, 'true or false', v);
  return v;
}

export function optEnum<T extends string>(p: P, name: string, values: readonly T[]): T | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!hit) throw new ResyncError('Usage', `Parameter '${name}' must be one of ${values.join(', ')}; got ${JSON.stringify(v)}.`, { target: name });
  return hit;
}
