/**
 * What makes a file the same file, whatever its name (docs/ARCHITECTURE.md, "File identity"): the lab DXA
 * records the identity of the Resync.glb it opened, and the engine compares it with the file it finds.
 * - Windows (NTFS): the volume serial number and the 64-bit file ID (`dev` and `ino` of a bigint stat).
 *   The file ID carries a sequence number, so a deleted file's ID is not given to a new one; and the
 *   creation time is not needed. (Under Wine, `ino` is the Unix inode and the creation time follows the
 *   last change, so neither NTFS property holds there: a test environment difference, not the target's.)
 * - POSIX: device and inode, which a file system reuses soon after a delete, so the creation time too.
 */
import type { BigIntStats } from 'node:fs';

export function fileIdentity(st: Pick<BigIntStats, 'dev' | 'ino' | 'birthtimeNs'>, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `${st.dev}:${st.ino}` : `${st.dev}:${st.ino}:${st.birthtimeNs}`;
}
