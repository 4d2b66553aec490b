/**
 * How the engine runs itself again in a process of its own (the lab DXA is `resync-glb lab __dxa <dir>`).
 * As the self-contained Windows engine (bin/win-x64/resync-glb.exe, Node's single executable application;
 * docs/ARCHITECTURE.md, "The bundle") the program is the engine and takes no script argument; otherwise it
 * is this Node running the bundle.
 */

/** True inside a single executable application. node:sea exists from Node 20.12; before, nothing is one. */
export function isSea(): boolean {
  try {
    return (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    return false;
  }
}

/** The command and leading arguments that start this engine; `bundle` is asked only when one is needed. */
export function selfCommand(bundle: () => string, sea: boolean = isSea()): { command: string; args: string[] } {
  return sea ? { command: process.execPath, args: [] } : { command: process.execPath, args: [bundle()] };
}
