/**
 * What the admin runs at a requestor once the file is there.
 *
 * MS Mail (domain.md, "The MS Mail requestor side"; Q96060, Q119449): at that postoffice,
 *   import admin -p<password> -q -y -d<drive-or-path>
 *   rebuild -f -d<drive-or-path>
 * `-d` names the postoffice drive or path (default drive M). Inference (documented in the report):
 * the GLB directory is the `GLB` folder under the postoffice's `MAILDATA` tree, and the postoffice
 * drive or path is the folder that holds MAILDATA: M:\MAILDATA\GLB -> -dM:, and in the lab
 * <lab>/postoffices/PO1/MAILDATA/GLB -> -d<lab>/postoffices/PO1. A folder that is not
 * ...\MAILDATA\GLB (say, removable media carried to the postoffice) gets a placeholder.
 * `<password>` is a literal placeholder: the tool never asks for the admin password or stores it.
 *
 * Exchange requestor (domain.md, Q156124, Q160572, Q193395): restart that server's directory
 * synchronization service; the DXA then imports Resync.glb.
 */
import { posix, win32, type PlatformPath } from 'node:path';
import { CONTRACT } from '../shared/contract';

export interface NextStep {
  /** The commands, in order. */
  commands: string[];
  /** The commands as one string, one per line. */
  text: string;
  note: string;
  /** The value filled in for -d, or null when it could not be derived (a placeholder is used). */
  postoffice: string | null;
}

export const PASSWORD_PLACEHOLDER = '<password>';
export const POSTOFFICE_PLACEHOLDER = '<drive-or-path>';

/** Windows syntax when the path has a drive letter, is UNC, or uses backslashes. */
export function pathApiFor(p: string): PlatformPath {
  return /^[A-Za-z]:/.test(p) || p.startsWith('\\\\') || p.includes('\\') ? win32 : posix;
}

function trimTrailing(p: string, api: PlatformPath): string {
  const root = api.parse(p).root;
  let out = p;
  while (out.length > root.length && (out.endsWith(api.sep) || out.endsWith('/'))) out = out.slice(0, -1);
  return out;
}

/** The postoffice drive or path for a GLB folder, or null when the folder is not <po>/MAILDATA/GLB. */
export function postofficeOf(glbFolder: string): string | null {
  const api = pathApiFor(glbFolder);
  const glb = trimTrailing(glbFolder, api);
  const maildata = api.dirname(glb);
  if (api.basename(glb).toUpperCase() !== 'GLB' || maildata === glb) return null;
  if (api.basename(maildata).toUpperCase() !== 'MAILDATA') return null;
  const po = api.dirname(maildata);
  if (po === maildata) return null;
  // A drive root (M:\) is given to -d as the drive (M:), as in Q96060's -dM: default.
  if (api === win32 && /^[A-Za-z]:[\\/]?$/.test(po)) return po.slice(0, 2);
  // A UNC share root (\\server\share\) is given without its trailing separator.
  if (api === win32 && po.startsWith('\\\\')) return po.replace(/[\\/]+$/, '');
  return trimTrailing(po, api);
}

/**
 * cmd.exe splits at spaces, tabs, commas, semicolons and equals signs and acts on & | < > ^ ( ); all of
 * these are literal between double quotes, so such a value is quoted. What quotes cannot protect —
 * a line break (it ends the command), a double quote (it ends the quoting), % (expanded even between
 * quotes), control characters — makes the value unusable on a command line: null.
 */
export function cmdArg(value: string): string | null {
  if (/[\u0000-\u001f\u007f"%]/.test(value)) return null;
  return /[\s,;=&|<>^()!]/.test(value) ? `"${value}"` : value;
}

/** What every MS Mail resync costs and needs (docs/domain.md, "The MS Mail requestor side"). */
export const RESYNC_CAVEATS: readonly string[] = [
  'Run the import before the postoffice makes new local changes, and re-enter the changes made there since the last confirmed dirsync cycle (Q119450, Q119452).',
  'Locally defined external and gateway addresses are lost (Q105125).',
  '"Error [ 44] Gateway not installed" may appear and can be ignored (Q122751).',
  'IMPORT deletes RESYNC.GLB once it has imported it; a RESYNC.GLB still there afterwards means the import did not complete (Q122750).',
  'A drive letter is the safe value for -d (Q96060 documents -d as a drive or path; a UNC path is not documented for IMPORT).',
];

export function nextStepFor(glbFolder: string): NextStep {
  const found = postofficeOf(glbFolder);
  const quoted = found === null ? null : cmdArg(found);
  const po = quoted === null ? null : found;
  const d = quoted ?? POSTOFFICE_PLACEHOLDER;
  const commands = [
    `import admin -p${PASSWORD_PLACEHOLDER} -q -y -d${d}`,
    `rebuild -f -d${d}`,
  ];
  const notes: string[] = [];
  if (found !== null && quoted === null) {
    notes.push(
      `The postoffice path ${JSON.stringify(found)} holds a line break, a double quote, % or a control character, which a command line cannot carry safely: map a drive to the postoffice and replace ${POSTOFFICE_PLACEHOLDER} with that drive.`,
    );
  } else if (po === null) {
    notes.push(
      `${glbFolder} is not a postoffice's MAILDATA${pathApiFor(glbFolder).sep}GLB folder: put ${CONTRACT.requestorFileName} into the postoffice's GLB folder first, and replace ${POSTOFFICE_PLACEHOLDER} with the postoffice drive or path (the drive holding MAILDATA, default M:).`,
    );
  } else if (po.startsWith('\\\\')) {
    notes.push(`Import and Rebuild take a drive or path; whether they accept a UNC path such as ${po} is not documented: map a drive to it and use that drive (inference).`);
  }
  notes.push(
    `Run these at that postoffice, replacing ${PASSWORD_PLACEHOLDER} with the admin account's password (this tool never asks for it or stores it). Import -q processes ${CONTRACT.requestorFileName} before any other dirsync mail and resets the requestor's sync numbers (Q119449, Q96060).`,
    'Rebuild may fail with error 203 while users are signed in, because GAL.NME is open: run it when they are signed out (Q96060).',
    ...RESYNC_CAVEATS,
  );
  return { commands, text: commands.join('\n'), note: notes.join(' '), postoffice: po };
}

/** An Exchange requestor whose service the tool did not restart. */
export function exchangeNextStep(dxadata: string): NextStep {
  const commands = [`net stop ${CONTRACT.service.name}`, `net start ${CONTRACT.service.name}`];
  const note = [
    `Run these on the Exchange requestor whose Dxadata is ${dxadata}: when its ${CONTRACT.service.displayName} service starts, the DXA imports ${CONTRACT.resyncFileName} into the import containers and resets the requestor's sync numbers (Q156124, Q160572).`,
    `Do not stop the service while a ${CONTRACT.resyncFileName} is being processed: that can crash older DXAs (Q193395).`,
  ].join(' ');
  return { commands, text: commands.join('\n'), note, postoffice: null };
}

/** An Exchange requestor whose service the tool restarted and which consumed the file. */
export function exchangeDone(computerName: string): NextStep {
  return {
    commands: [],
    text: `None: ${computerName} restarted ${CONTRACT.service.name} and consumed ${CONTRACT.resyncFileName}.`,
    note: `Check the ${CONTRACT.service.name} entries in ${computerName}'s application event log for import errors (inference).`,
    postoffice: null,
  };
}
