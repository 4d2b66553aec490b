/** The errno code of a Node.js file-system or process error (`ENOENT`, `EPERM`, …); undefined for anything else. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as NodeJS.ErrnoException).code) : undefined;
}
