/**
 * The lab's generated recipients: deterministic from a seed, spread over the requestor
 * postoffices, fast enough for 100,000 (a benchmark uses that). Kept in recipients.tsv as
 * `postoffice<TAB>mailbox<TAB>display name<TAB>container<TAB>trust level<TAB>mailbox|custom`, one per
 * line (older labs have the first three columns only).
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export interface Recipient {
  postoffice: string;
  mailbox: string;
  displayName: string;
  /** The recipient container it lives in (the lab's model; absent in older labs: the first container). */
  container?: string;
  /** Its trust level (absent: 0). */
  trustLevel?: number;
  /** A custom recipient rather than a mailbox. */
  custom?: boolean;
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

export function generateRecipients(count: number, postoffices: readonly string[], seed: number, containers: readonly string[] = ['Recipients']): Recipient[] {
  if (postoffices.length === 0) return [];
  const rnd = prng(seed);
  // A second stream for container, trust and kind, so the names and postoffices stay what the seed gave before.
  const attr = prng(seed ^ 0x0c0ffee);
  const out: Recipient[] = new Array<Recipient>(count);
  for (let i = 0; i < count; i += 1) {
    const first = FIRST[Math.floor(rnd() * FIRST.length)] as string;
    const last = LAST[Math.floor(rnd() * LAST.length)] as string;
    const po = postoffices[Math.floor(rnd() * postoffices.length)] as string;
    // MS Mail mailbox names are short; the index keeps them unique.
    const mailbox = `${first.slice(0, 1)}${last.slice(0, 4)}${i.toString(36)}`.toUpperCase();
    const container = containers.length ? (containers[Math.floor(attr() * containers.length)] as string) : 'Recipients';
    const trustLevel = Math.floor(attr() * 101);
    const custom = attr() < 0.1;
    out[i] = { postoffice: po, mailbox, displayName: `${first} ${last}`, container, trustLevel, custom };
  }
  return out;
}

export async function writeRecipients(file: string, list: readonly Recipient[]): Promise<void> {
  const lines = new Array<string>(list.length);
  for (let i = 0; i < list.length; i += 1) {
    const r = list[i] as Recipient;
    lines[i] = `${r.postoffice}\t${r.mailbox}\t${r.displayName}\t${r.container ?? ''}\t${r.trustLevel ?? 0}\t${r.custom ? 'custom' : 'mailbox'}`;
  }
  await writeFile(file, lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

export async function readRecipients(file: string): Promise<Recipient[]> {
  const out: Recipient[] = [];
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const [postoffice, mailbox, displayName, container, trust, kind] = line.split('\t');
    if (!postoffice || !mailbox) continue;
    const r: Recipient = { postoffice, mailbox, displayName: displayName ?? mailbox };
    if (container) r.container = container;
    if (trust !== undefined && /^\d+$/.test(trust)) r.trustLevel = parseInt(trust, 10);
    if (kind === 'custom') r.custom = true;
    out.push(r);
  }
  return out;
}
