/**
 * The lab's generated recipients: deterministic from a seed, spread over the requestor
 * postoffices, fast enough for 100,000 (a benchmark uses that). Kept in recipients.tsv as
 * `postoffice<TAB>mailbox<TAB>display name`, one per line.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export interface Recipient {
  postoffice: string;
  mailbox: string;
  displayName: string;
}

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ada', 'Alan', 'Barbara', 'Carlos', 'Chen', 'Dana', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Karin',
  'Lars', 'Maria', 'Nadia', 'Olu', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tomas', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zoe',
];
const LAST = [
  'Abbott', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Lopez',
  'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Young',
];

export function generateRecipients(count: number, postoffices: readonly string[], seed: number): Recipient[] {
  if (postoffices.length === 0) return [];
  const rnd = prng(seed);
  const out: Recipient[] = new Array<Recipient>(count);
  for (let i = 0; i < count; i += 1) {
    const first = FIRST[Math.floor(rnd() * FIRST.length)] as string;
    const last = LAST[Math.floor(rnd() * LAST.length)] as string;
    const po = postoffices[Math.floor(rnd() * postoffices.length)] as string;
    // MS Mail mailbox names are short; the index keeps them unique.
    const mailbox = `${first.slice(0, 1)}${last.slice(0, 4)}${i.toString(36)}`.toUpperCase();
    out[i] = { postoffice: po, mailbox, displayName: `${first} ${last}` };
  }
  return out;
}

export async function writeRecipients(file: string, list: readonly Recipient[]): Promise<void> {
  const lines = new Array<string>(list.length);
  for (let i = 0; i < list.length; i += 1) {
    const r = list[i] as Recipient;
    lines[i] = `${r.postoffice}\t${r.mailbox}\t${r.displayName}`;
  }
  await writeFile(file, lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

export async function readRecipients(file: string): Promise<Recipient[]> {
  const out: Recipient[] = [];
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const [postoffice, mailbox, displayName] = line.split('\t');
    if (postoffice && mailbox) out.push({ postoffice, mailbox, displayName: displayName ?? mailbox });
  }
  return out;
}
