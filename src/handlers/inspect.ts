/**
 * The `inspect` command (Get-ResyncGlb / Test-ResyncGlb): length, SHA-256, timestamps and, for a file in the
 * lab's own layout, its header and transaction counts (src/lab/inspect.ts).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandHandler } from '../protocol/context';
import { optString, optStringArray } from '../protocol/params';
import { ResyncError } from '../shared/errors';
import { inspectFile } from '../lab/inspect';

export const inspectHandler: CommandHandler = async (params, ctx) => {
  const files = optStringArray(params, 'path') ?? optStringArray(params, 'paths') ?? [];
  if (files.length === 0) throw new ResyncError('Usage', "Name at least one file to inspect (parameter 'path').", { target: 'path' });
  if (files.some((f) => typeof f !== 'string' || f === '')) throw new ResyncError('Usage', "Parameter 'path' must be file paths (strings).", { target: 'path' });
  const expected = optString(params, 'expectedSha256');
  if (expected !== undefined && !/^[0-9a-fA-F]{64}$/.test(expected)) {
    throw new ResyncError('Usage', `The expected SHA-256 must be 64 hexadecimal digits; got ${JSON.stringify(expected)}.`, { target: 'expectedSha256' });
  }
  // Check every file first, so a missing one is reported before any output.
  const missing: string[] = [];
  for (const f of files as string[]) {
    try {
      await stat(resolve(f));
    } catch {
      missing.push(resolve(f));
    }
  }
  if (missing.length) throw new ResyncError('SourceNotFound', `Not found: ${missing.join(', ')}.`, { target: missing.join(', ') });
  const mismatched: Array<{ path: string; sha256: string }> = [];
  for (const f of files as string[]) {
    ctx.reporter.verbose(`Inspecting ${resolve(f)}.`);
    const info = await inspectFile(f, expected);
    if (info.HashMatches === false) mismatched.push({ path: String(info.Path), sha256: String(info.Sha256) });
    ctx.emitResult('ResyncGlb.FileInfo', info);
  }
  if (mismatched.length) {
    throw new ResyncError(
      'HashMismatch',
      `SHA-256 does not match the expected ${expected?.toUpperCase()}: ${mismatched.map((m) => `${m.path} is ${m.sha256}`).join('; ')}.`,
      { target: mismatched.map((m) => m.path).join(', '), expected: expected?.toUpperCase(), actual: mismatched },
    );
  }
};
