/**
 * Requestor name rules (docs/domain.md, "Requestor name rules"):
 * - one name per REG_MULTI_SZ string, so no NUL, no line break, and no empty string;
 * - reject names over 256 characters; over 64 can match only by display name (warn);
 * - trim surrounding whitespace; drop duplicates differing only in case, with a warning.
 * Control characters are rejected too: the Exchange Administrator could not have entered them.
 */
import { CONTRACT } from '../shared/contract';
import { ResyncError } from '../shared/errors';

export interface NameProblem {
  name: string;
  reason: string;
}

export interface NormalizedNames {
  names: string[];
  warnings: string[];
}

const MAX = CONTRACT.nameRules.maxLength;
const MAX_RDN = CONTRACT.nameRules.maxRdnLength;

function problemOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return `must be a string, not ${raw === null ? 'null' : typeof raw}`;
  if (raw.includes('\u0000')) return 'contains a NUL character, which would split the REG_MULTI_SZ value';
  if (/[\r\n\u2028\u2029\u0085]/.test(raw)) return 'contains a line break; each requestor must be its own string';
  if (/[\u0001-\u001f\u007f]/.test(raw)) return 'contains a control character';
  const trimmed = raw.trim();
  if (trimmed.length === 0) return 'is empty or only white space, which would end the REG_MULTI_SZ list early';
  if (trimmed.length > MAX) return `is ${trimmed.length} characters long; the limit is ${MAX} (display name)`;
  return null;
}

/** Validates and normalizes requestor names; throws InvalidRequestor listing every bad name at once. */
export function normalizeRequestorNames(input: unknown): NormalizedNames {
  const list = Array.isArray(input) ? input : input === undefined || input === null ? [] : [input];
  if (list.length === 0) {
    throw new ResyncError('InvalidRequestor', 'No requestor name was given. Name at least one Remote Dirsync Requestor.', {
      problems: [],
    });
  }
  const problems: NameProblem[] = [];
  for (const raw of list) {
    const reason = problemOf(raw);
    if (reason) problems.push({ name: typeof raw === 'string' ? raw : String(raw), reason });
  }
  if (problems.length > 0) {
    const summary = problems.map((p) => `${JSON.stringify(p.name)} ${p.reason}`).join('; ');
    throw new ResyncError(
      'InvalidRequestor',
      `${problems.length} requestor name${problems.length === 1 ? ' is' : 's are'} not valid: ${summary}.`,
      { problems, target: problems.map((p) => p.name).join(', ') },
    );
  }
  const names: string[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  for (const raw of list as string[]) {
    const name = raw.trim();
    if (name !== raw) warnings.push(`Requestor name ${JSON.stringify(raw)} was trimmed to ${JSON.stringify(name)}.`);
    const key = name.toLocaleUpperCase('en-US');
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push(
        `Requestor name ${JSON.stringify(name)} repeats ${JSON.stringify(first)} (names match without regard to case); it was dropped.`,
      );
      continue;
    }
    seen.set(key, name);
    if (name.length > MAX_RDN) {
      warnings.push(
        `Requestor name ${JSON.stringify(name)} is longer than ${MAX_RDN} characters, so it can only match a display name, not an RDN or common name.`,
      );
    }
    names.push(name);
  }
  return { names, warnings };
}

/** Exact equality of two lists of names, in order and with case (for "the value already matches"). */
export function sameNames(a: readonly string[] | null, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}
