/**
 * Finds the PowerShell executable and checks that it exists before node-powershell is ever
 * constructed: node-powershell crashes Node with an unhandled ProcessError when the executable
 * is missing and no invocation is pending (node-powershell 5.0.1, measured on Node 20).
 *
 * Order: the explicit option (the cmdlet's -PowerShell / the `powershell` parameter), then the
 * RESYNCGLB_PWSH environment variable, then `pwsh` on PATH, then (Windows only) `powershell.exe`
 * (Windows PowerShell 5.1) on PATH. node-powershell's own NODE_POWERSHELL override is not
 * honoured: NodePowerShellHost hides it while constructing, so the checked path is the one run.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ResyncError } from '../../shared/errors';

export interface ExecutableLookup {
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

function isRunnableFile(p: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    if (platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(names: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  const pathVar = env.PATH ?? env.Path ?? '';
  const sep = platform === 'win32' ? ';' : delimiter;
  for (const dir of pathVar.split(sep)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isRunnableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}

/** The absolute path of the PowerShell to run; throws ResyncError PowerShellNotFound. */
export function resolvePowerShellExecutable(lookup: ExecutableLookup = {}): string {
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const given = lookup.explicit ?? (env.RESYNCGLB_PWSH ? env.RESYNCGLB_PWSH : undefined);
  const from = lookup.explicit !== undefined ? 'the PowerShell option' : 'RESYNCGLB_PWSH';
  if (given !== undefined) {
    if (given.trim() === '') throw new ResyncError('PowerShellNotFound', `${from} is empty; give the path of pwsh or powershell.exe.`);
    // A bare name (pwsh, powershell.exe) is looked up on PATH; a path is taken as it is.
    const looksLikePath = isAbsolute(given) || given.includes('/') || given.includes('\\');
    const found = looksLikePath ? (isRunnableFile(resolve(given), platform) ? resolve(given) : null) : searchPath([given], env, platform);
    if (!found) {
      throw new ResyncError(
        'PowerShellNotFound',
        `PowerShell was not found at ${JSON.stringify(given)} (from ${from})${looksLikePath ? '' : ' on PATH'}, or it is not an executable file.`,
        { target: given },
      );
    }
    return found;
  }
  const names = platform === 'win32' ? ['pwsh.exe'] : ['pwsh'];
  const found = searchPath(names, env, platform) ?? (platform === 'win32' ? searchPath(['powershell.exe'], env, platform) : null);
  if (!found) {
    throw new ResyncError(
      'PowerShellNotFound',
      `No PowerShell found: RESYNCGLB_PWSH is not set and ${platform === 'win32' ? 'neither pwsh.exe nor powershell.exe is' : 'pwsh is not'} on PATH. Install PowerShell 7 (or use Windows PowerShell 5.1 on Windows), or give its path with RESYNCGLB_PWSH.`,
    );
  }
  return found;
}
