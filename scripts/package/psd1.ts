// A reader for the PowerShell data language as module manifests (.psd1) use it: hashtables, arrays,
// quoted strings, numbers, $true/$false/$null and comments. Anything else (expressions, variables,
// here-strings) is refused with the line it is on, so the packer never guesses what a manifest means.
import { PackageError } from './errors';

export type Psd1Value = string | number | boolean | null | Psd1Value[] | Psd1Table;
export interface Psd1Table {
  [key: string]: Psd1Value;
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', 0: '\0', '`': '`', '"': '"', $: '$', "'": "'" };

/** Parses a manifest: one @{ ... } hashtable. fileName only labels the errors. */
export function parsePsd1(text: string, fileName = 'manifest'): Psd1Table {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new PackageError(`${fileName}, line ${line}: ${what}`);
  };
  const skip = (newlines: boolean): void => {
    for (;;) {
      const c = text[i];
      if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '<' && text[i + 1] === '#') {
        const end = text.indexOf('#>', i + 2);
        if (end < 0) fail('unterminated <# comment');
        i = end + 2;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF' || (newlines && c === '\n')) {
        i++;
      } else if (c === '`' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
        i += 2; // line continuation
      } else {
        return;
      }
    }
  };
  const single = (): string => {
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === "'" || c === '\u2019' || c === '\u2018') {
        if (text[i] === c) {
          s += c;
          i++;
        } else return s;
      } else s += c;
    }
  };
  const double = (): string => {
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === '"') {
        if (text[i] === '"') {
          s += '"';
          i++;
        } else return s;
      } else if (c === '`') {
        const e = text[i++] ?? '';
        s += DOUBLE_QUOTED_ESCAPES[e] ?? e;
      } else if (c === '$') {
        fail('a "$" in a double-quoted string is an expression, not data; use single quotes');
      } else s += c;
    }
  };
  const scalar = (): Psd1Value => {
    skip(false);
    const c = text[i];
    if (c === "'" || c === '\u2018' || c === '\u2019') return single();
    if (c === '"') return double();
    if (c === '@' && text[i + 1] === '{') return hashtable();
    if (c === '@' && text[i + 1] === '(') return array();
    if (c === '@' && (text[i + 1] === "'" || text[i + 1] === '"')) fail('here-strings are not supported in the manifest');
    const m = /^(\$true|\$false|\$null|-?\d+(\.\d+)?)(?![\w.])/i.exec(text.slice(i)) ?? fail(`unexpected '${text.slice(i, i + 20).split('\n')[0]}'`);
    i += m[0].length;
    const w = m[0].toLowerCase();
    if (w === '$true') return true;
    if (w === '$false') return false;
    if (w === '$null') return null;
    return Number(m[0]);
  };
  // A value, or a comma list of values (an array without @()).
  const value = (): Psd1Value => {
    const first = scalar();
    skip(false);
    if (text[i] !== ',') return first;
    const list: Psd1Value[] = [first];
    while (text[i] === ',') {
      i++;
      skip(true);
      list.push(scalar());
      skip(false);
    }
    return list;
  };
  const array = (): Psd1Value[] => {
    i += 2;
    const items: Psd1Value[] = [];
    for (;;) {
      skip(true);
      if (text[i] === ')') {
        i++;
        return items;
      }
      if (i >= text.length) fail('unterminated @(');
      const v = value();
      if (Array.isArray(v)) items.push(...v);
      else items.push(v);
      skip(false);
      if (text[i] === ',' || text[i] === ';') i++;
    }
  };
  const hashtable = (): Psd1Table => {
    i += 2;
    const table: Psd1Table = {};
    for (;;) {
      skip(true);
      if (text[i] === ';') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return table;
      }
      if (i >= text.length) fail('unterminated @{');
      let key: string;
      if (text[i] === "'") key = single();
      else if (text[i] === '"') key = double();
      else {
        key = (/^[A-Za-z_][\w]*/.exec(text.slice(i)) ?? fail('expected a key'))[0];
        i += key.length;
      }
      skip(false);
      if (text[i] !== '=') fail(`expected '=' after ${key}`);
      i++;
      skip(true);
      if (Object.keys(table).some((k) => k.toLowerCase() === key.toLowerCase())) fail(`duplicate key ${key}`);
      table[key] = value();
    }
  };
  skip(true);
  if (!(text[i] === '@' && text[i + 1] === '{')) fail('a manifest is one @{ ... } hashtable');
  const result = hashtable();
  skip(true);
  if (i < text.length) fail('text after the closing }');
  return result;
}

/** Case-insensitive lookup, as PowerShell hashtables do; undefined when `table` is not a hashtable. */
export function field(table: Psd1Value | undefined, name: string): Psd1Value | undefined {
  if (table === null || typeof table !== 'object' || Array.isArray(table)) return undefined;
  const key = Object.keys(table).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : table[key];
}

/** A manifest value as a list: a single value is a list of one, $null or a missing key an empty list. */
export function asList(v: Psd1Value | undefined): Psd1Value[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}
