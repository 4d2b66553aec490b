import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeRequestorNames } from '../../src/core/requestor-names';
import { ResyncError } from '../../src/shared/errors';

function problems(input: unknown): Array<{ name: string; reason: string }> {
  try {
    normalizeRequestorNames(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ResyncError);
    expect((e as ResyncError).id).toBe('InvalidRequestor');
    return (e as ResyncError).details.problems ?? [];
  }
  return [];
}

describe('requestor name rules (docs/domain.md)', () => {
  it('trims, drops case-insensitive duplicates with a warning, keeps order', () => {
    const r = normalizeRequestorNames(['  PO1 ', 'po1', 'PO2', 'Po2']);
    expect(r.names).toEqual(['PO1', 'PO2']);
    expect(r.warnings.filter((w) => w.includes('dropped'))).toHaveLength(2);
    expect(r.warnings.some((w) => w.includes('trimmed'))).toBe(true);
  });

  it('reports every bad name at once, each with its reason', () => {
    const p = problems(['', '   ', 'a\r\nb', 'nul\u0000here', 'bell\u0007', 'x'.repeat(257), 'good']);
    expect(p.map((x) => x.name)).toEqual(['', '   ', 'a\r\nb', 'nul\u0000here', 'bell\u0007', 'x'.repeat(257)]);
    expect(p[0]!.reason).toMatch(/empty/);
    expect(p[2]!.reason).toMatch(/line break/);
    expect(p[3]!.reason).toMatch(/NUL/);
    expect(p[4]!.reason).toMatch(/control character/);
    expect(p[5]!.reason).toMatch(/256/);
  });

  it('accepts 256 characters, warns above 64 (display name only)', () => {
    const r = normalizeRequestorNames(['y'.repeat(256)]);
    expect(r.names[0]).toHaveLength(256);
    expect(r.warnings.join()).toMatch(/64/);
  });

  it('rejects no names and non-strings', () => {
    expect(() => normalizeRequestorNames([])).toThrow(/No requestor/);
    expect(problems([42])[0]!.reason).toMatch(/string/);
  });

  it('keeps hostile but legal names byte for byte (property)', () => {
    const legal = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
      .map((s) => s.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, 'x').trim())
      .filter((s) => s.length > 0 && s.length <= 256);
    const hostile = fc.constantFrom(`a'b`, 'a"b', '‘q’', '“q”', '$(Remove-Item C:\\)', '`n', 'x;y', 'p|q', 'Zürich Postamt', '東京');
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(legal, hostile), { minLength: 1, maxLength: 5, selector: (s) => s.toLocaleUpperCase('en-US') }), (names) => {
        expect(normalizeRequestorNames(names).names).toEqual(names);
      }),
    );
  });
});
