/**
 * Backup of what a run touches under the MSExchangeDX key (ResyncConnectionRDNs, and
 * GlobalMaxSeqInResync when the run sets it), written before
 * the first change: a JSON file for the tool and a .reg file an admin can merge with Regedit.
 * REG_MULTI_SZ in .reg syntax is hex(7): UTF-16LE strings, each NUL-terminated, plus a final NUL.
 */
import { join } from 'node:path';
import { CONTRACT } from '../shared/contract';
import { backupBaseName } from '../shared/file-names';
import { writeFileAtomic } from '../shared/atomic-file';

export interface BackupRecord {
  computerName: string;
  takenUtc: string;
  key: string;
  values: Record<string, { present: boolean; type: string; data: string[] | number | null }>;
  serviceStatus: string;
}

export function regFileText(rec: BackupRecord): string {
  const lines = ['Windows Registry Editor Version 5.00', '', `[${rec.key}]`];
  for (const [name, v] of Object.entries(rec.values)) {
    if (!v.present || v.data === null) {
      lines.push(`"${name}"=-`);
      continue;
    }
    if (typeof v.data === 'number') {
      // REG_DWORD in .reg syntax: dword:8 hex digits (GlobalMaxSeqInResync, Q215505).
      lines.push(`"${name}"=dword:${(v.data >>> 0).toString(16).padStart(8, '0')}`);
      continue;
    }
    const bytes = Buffer.from(`${v.data.join('\u0000')}\u0000\u0000`, 'utf16le');
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',');
    lines.push(`"${name}"=hex(7):${hex}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function writeBackup(folder: string, stamp: string, rec: BackupRecord): Promise<string> {
  const base = join(folder, backupBaseName(rec.computerName, stamp));
  await writeFileAtomic(`${base}.reg`, Buffer.from(`\ufeff${regFileText(rec)}`, 'utf16le'));
  await writeFileAtomic(`${base}.json`, `${JSON.stringify(rec, null, 2)}\n`);
  return `${base}.json`;
}

export function serviceKeyName(): string {
  return `${CONTRACT.serviceKey.hive}\\${CONTRACT.serviceKey.subKey}`;
}
