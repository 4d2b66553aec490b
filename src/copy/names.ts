/**
 * File names at a destination. The final name comes from dss-contract.json: RESYNC.GLB in an MS Mail
 * postoffice's GLB folder (domain.md, Q150976, Q119449), Resync.glb in an Exchange requestor's
 * Dxadata (domain.md, Q156124).
 */
import { randomBytes } from 'node:crypto';
import { CONTRACT } from '../operations/contract';
import type { RequestorType } from './types';

export function finalFileName(type: RequestorType): string {
  return type === 'Exchange' ? CONTRACT.resyncFileName : CONTRACT.requestorFileName;
}

/** yyyyMMddTHHmmssZ in UTC. */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * The name an earlier final file is kept under: RESYNC.GLB -> RESYNC.20261124T103000Z.GLB
 * (a second one in the same second gets -2, -3 ...). Inference: MS Mail Import and the DXA act on
 * the exact names RESYNC.GLB / Resync.glb only (domain.md names no other), so a stamped name is inert.
 */
export function backupFileName(finalName: string, d: Date, attempt = 1): string {
  const dot = finalName.lastIndexOf('.');
  const base = dot > 0 ? finalName.slice(0, dot) : finalName;
  const ext = dot > 0 ? finalName.slice(dot) : '';
  return `${base}.${backupStamp(d)}${attempt > 1 ? `-${attempt}` : ''}${ext}`;
}

export const TEMP_SUFFIX = '.resyncglb-tmp';

/** A unique temporary name beside the final one; never the final name, never a .GLB extension. */
export function tempFileName(finalName: string): string {
  return `${finalName}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}
