declare const __RESYNCGLB_VERSION__: string | undefined;

/** Injected by build.mjs; read from package.json when running from source (ts-node, vitest). */
export const VERSION: string =
  typeof __RESYNCGLB_VERSION__ === 'string'
    ? __RESYNCGLB_VERSION__
    : (require('../../package.json') as { version: string }).version;
