/**
 * Every file name ResyncGlb writes, and its one timestamp format.
 * - A run's output folder: Resync-<host>-<stamp>.glb (the file taken), .previous.glb (an older file moved
 *   aside), .incomplete.glb (a partial file taken by a rollback); the registry backup MSExchangeDX-<host>-<stamp>.
 * - A delivery's destination: the final name comes from dss-contract.json: RESYNC.GLB in an MS Mail
 *   postoffice's GLB folder (docs/domain.md, Q150976, Q119449), Resync.glb in an Exchange requestor's
 *   Dxadata (docs/domain.md, Q156124); an earlier final file is kept under a stamped name.
 * The PowerShell side builds none of these: the engine sends them.
 */
import { randomBytes } from 'node:crypto';
import { CONTRACT } from './contract';

/** The kinds of requestor a Resync.glb is delivered to: an MS Mail postoffice or an Exchange requestor. */
export const REQUESTOR_TYPES = ['MSMail', 'Exchange'] as const;
export type RequestorType = (typeof REQUESTOR_TYPES)[number];

export function finalFileName(type: RequestorType): string {
  return type === 'Exchange' ? CONTRACT.resyncFileName : CONTRACT.requestorFileName;
}

/** The one timestamp in file names: UTC, filesystem-safe, to the millisecond: 20261124T103000123Z. */
export function stampOf(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** A computer name as it may appear in a file name (Resync-<host>-<stamp>.glb and the like). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

export type RunFileKind = 'taken' | 'previous' | 'incomplete' | 'generated' | `foreign-${number}`;

/** The name of a Resync.glb a run keeps in its output folder. */
export function runFileName(computerName: string, stamp: string, kind: RunFileKind): string {
  const suffix = kind === 'taken' ? '' : `.${kind}`;
  return `Resync-${fileSafe(computerName)}-${stamp}${suffix}.glb`;
}

/** The base name (without .json / .reg) of a run's registry backup. */
export function backupBaseName(computerName: string, stamp: string): string {
  return `MSExchangeDX-${fileSafe(computerName)}-${stamp}`;
}

/**
 * The name an earlier final file is kept under: RESYNC.GLB -> RESYNC.20261124T103000123Z.GLB
 * (a second one in the same millisecond gets -2, -3 ...). Inference: MS Mail Import and the DXA act on
 * the exact names RESYNC.GLB / Resync.glb only (domain.md names no other), so a stamped name is inert.
 */
export function backupFileName(finalName: string, d: Date, attempt = 1): string {
  const dot = finalName.lastIndexOf('.');
  const base = dot > 0 ? finalName.slice(0, dot) : finalName;
  const ext = dot > 0 ? finalName.slice(dot) : '';
  return `${base}.${stampOf(d)}${attempt > 1 ? `-${attempt}` : ''}${ext}`;
}

export const TEMP_SUFFIX = '.resyncglb-tmp';

/** A unique temporary name beside the final one; never the final name, never a .GLB extension. */
export function tempFileName(finalName: string): string {
  return `${finalName}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}
