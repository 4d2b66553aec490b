/**
 * The packer's manifest reader (scripts/package/psd1.ts) and the names it derives: the PowerShell data
 * language as manifests write it, and refusals that name the line.
 */
import { describe, expect, it } from 'vitest';
import { normalizeVersion } from '../../scripts/package/module-folder';
import { partName } from '../../scripts/package/nupkg';
import { asList, field, parsePsd1 } from '../../scripts/package/psd1';

describe('parsePsd1', () => {
  it('reads hashtables, @() and bare comma lists, quotes and escapes, numbers, $true/$false/$null, comments', () => {
    const text = [
      '\uFEFF# a manifest',
      '@{',
      "    RootModule = 'M.psm1'  # trailing comment",
      '    <# a block',
      '       comment #>',
      "    Quote = 'It''s'",
      '    Escaped = "tab`there ""q"""',
      "    'Quoted Key' = 1.5",
      '    Flags = $TRUE, $false ,',
      '        $null',
      '    Empty = @()',
      "    Nested = @{ Inner = @('a'; 'b', 'c'\n 'd') ; N = -3 }",
      '}',
      '',
    ].join('\r\n');
    expect(parsePsd1(text)).toEqual({
      RootModule: 'M.psm1',
      Quote: "It's",
      Escaped: 'tab\there "q"',
      'Quoted Key': 1.5,
      Flags: [true, false, null],
      Empty: [],
      Nested: { Inner: ['a', 'b', 'c', 'd'], N: -3 },
    });
  });

  it.each([
    ['a variable in a double-quoted string', '@{\n  A = 1\n  B = "$env:USERNAME"\n}', /^M\.psd1, line 3: a "\$" in a double-quoted string is an expression/],
    ['an expression', "@{\n  A = (Get-Date)\n}", /^M\.psd1, line 2: unexpected '\(Get-Date\)'/],
    ['a here-string', "@{\n  A = @'\nx\n'@\n}", /line 2: here-strings are not supported/],
    ['a duplicate key, whatever its case', "@{\n  Key = 1\n  KEY = 2\n}", /line 3: duplicate key KEY/],
    ['text after the hashtable', '@{ A = 1 }\nB = 2', /line 2: text after the closing }/],
    ['anything but one hashtable', "'just a string'", /line 1: a manifest is one @\{ \.\.\. \} hashtable/],
    ['an unterminated string', "@{\n  A = 'open\n}", /unterminated string/],
    ['an unterminated block comment', '@{ <# open\n}', /unterminated <# comment/],
  ])('refuses %s, naming the line', (_label, text, message) => {
    expect(() => parsePsd1(text, 'M.psd1')).toThrow(message);
  });
});

describe('field and asList', () => {
  it('look keys up without case, as PowerShell hashtables do, and treat a single value as a list of one', () => {
    const m = parsePsd1("@{ PrivateData = @{ PSData = @{ Tags = 'One' } } }");
    const psData = field(field(m, 'privatedata'), 'PSDATA');
    expect(asList(field(psData, 'tags'))).toEqual(['One']);
    expect(asList(field(psData, 'Missing'))).toEqual([]);
    expect(field('not a table', 'x')).toBeUndefined();
  });
});

describe('normalizeVersion', () => {
  it.each([
    ['1.2', '1.2.0'],
    ['01.2.3', '1.2.3'],
    ['1.2.3.0', '1.2.3'],
    ['1.2.3.4', '1.2.3.4'],
  ])('%s is %s in the nupkg name and nuspec', (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });
  it.each(['1', '1.2.3.4.5', '1.2-beta', ''])('refuses %j', (input) => {
    expect(() => normalizeVersion(input)).toThrow(/is not a version of 2 to 4 numbers/);
  });
});

describe('partName', () => {
  it('escapes each path segment as Uri.EscapeDataString does, keeping the slashes', () => {
    expect(partName("Public/a b(1)!'*.ps1")).toBe('Public/a%20b%281%29%21%27%2A.ps1');
    expect(partName('en-US/about_X.help.txt')).toBe('en-US/about_X.help.txt');
  });
});
