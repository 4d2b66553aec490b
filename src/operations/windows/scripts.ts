/**
 * The fixed scripts in ps1/ and the one shape of command text ever sent to PowerShell:
 *
 *     & '<absolute path of a script in ps1/>' '<base64 of the UTF-8 JSON request>'
 *
 * The path is ours (found next to the bundle or the sources). When it is printable ASCII without
 * a quote of any kind PowerShell recognises, it is written as is; otherwise (a module installed
 * under C:\Users\José\..., or a quote in a folder name) it travels as data like everything else:
 *
 *     & ([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('<base64 of the path>'))) '<base64>'
 *
 * (a non-ASCII character in command text would also depend on how the child decodes its stdin).
 * Base64 has no character PowerShell treats as special. So no request value (requestor names,
 * paths, user names) is ever part of script text: node-powershell's own template escaping is not
 * injection-safe (docs/ARCHITECTURE.md, "Data, never script text").
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ResyncError } from '../../shared/errors';

export const SCRIPTS = {
  initialize: 'Initialize-DssSession.ps1',
  close: 'Close-DssSession.ps1',
  getValue: 'Get-ResyncValue.ps1',
  setValue: 'Set-ResyncValue.ps1',
  removeValue: 'Remove-ResyncValue.ps1',
  getService: 'Get-DxService.ps1',
  stopService: 'Stop-DxService.ps1',
  startService: 'Start-DxService.ps1',
  resolveDxadata: 'Resolve-Dxadata.ps1',
  fileInfo: 'Get-DssFileInfo.ps1',
  openForWrite: 'Test-DssFileOpenForWrite.ps1',
  fileHash: 'Get-DssFileHash.ps1',
  readChunk: 'Read-DssFileChunk.ps1',
  removeFile: 'Remove-DssFile.ps1',
  snapshot: 'Get-DssSnapshot.ps1',
  getSequence: 'Get-DxaSequenceSettings.ps1',
  setGlobalMaxSeq: 'Set-GlobalMaxSeq.ps1',
  lock: 'Invoke-DssLock.ps1',
} as const;

export type ScriptName = (typeof SCRIPTS)[keyof typeof SCRIPTS];

/** The helper file every script dot-sources; its presence marks a ps1 folder. */
export const COMMON_SCRIPT = '_Common.ps1';

/** Characters PowerShell ends a single-quoted string with: ' and U+2018..U+201B (about_Quoting_Rules). */
const QUOTES = /['\u2018\u2019\u201A\u201B]/;

/**
 * The ps1 folder: the explicit one, else the first `ps1` folder holding _Common.ps1 found walking
 * up from this code's folder. That finds ps1/ next to the bundle's bin/ folder in the built
 * module (dist/ResyncGlb), two folders up from the Windows engine bin/win-x64/resync-glb.exe (in a
 * single executable application __dirname is the exe's folder), and <repo>/ps1 from the sources.
 */
export function findScriptDir(explicit?: string, from: string = __dirname): string {
  if (explicit !== undefined) {
    const dir = resolve(explicit);
    if (!existsSync(join(dir, COMMON_SCRIPT))) {
      throw new ResyncError('Internal', `The ResyncGlb ps1 folder ${dir} has no ${COMMON_SCRIPT}.`, { target: dir });
    }
    return checkScriptDir(dir);
  }
  let dir = resolve(from);
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'ps1');
    if (existsSync(join(candidate, COMMON_SCRIPT))) return checkScriptDir(candidate);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ResyncError('Internal', `The ResyncGlb ps1 folder (with ${COMMON_SCRIPT}) was not found near ${from}; the module is incomplete.`);
}

/** The folder's path must be absolute; any characters are fine (see plainPath). */
export function checkScriptDir(dir: string): string {
  if (!isAbsolute(dir)) {
    throw new ResyncError('Internal', `The ResyncGlb ps1 folder path ${JSON.stringify(dir)} cannot be used: it must be an absolute path.`, { target: dir });
  }
  return dir;
}

/** A path that can be written into command text as a single-quoted string as is. */
function plainPath(path: string): boolean {
  return /^[\x20-\x7E]+$/.test(path) && !QUOTES.test(path);
}

export function encodeRequest(request: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
}

/** `& '<dir>\<script>' '<base64>'`; the only command text the Windows operations send. */
export function buildCommand(scriptDir: string, script: ScriptName, request: Record<string, unknown>): string {
  const path = join(checkScriptDir(scriptDir), script);
  const base64 = encodeRequest(request);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new ResyncError('Internal', 'Request encoding produced non-base64 text.');
  if (plainPath(path)) return `& '${path}' '${base64}'`;
  const encodedPath = Buffer.from(path, 'utf8').toString('base64');
  return `& ([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${encodedPath}'))) '${base64}'`;
}

/** The inverse of buildCommand, for tests and diagnostics: null when the text has any other shape. */
export function parseCommand(command: string): { path: string; script: string; base64: string } | null {
  const m = /^& '([^'\u2018\u2019\u201A\u201B]+)' '([A-Za-z0-9+/]*={0,2})'$/.exec(command);
  const e = m ? null : /^& \(\[System\.Text\.Encoding\]::UTF8\.GetString\(\[System\.Convert\]::FromBase64String\('([A-Za-z0-9+/]*={0,2})'\)\)\) '([A-Za-z0-9+/]*={0,2})'$/.exec(command);
  if (!m && !e) return null;
  if (e) {
    const path = Buffer.from(e[1] as string, 'base64').toString('utf8');
    return { path, script: path.split(/[\\/]/).pop() as string, base64: e[2] as string };
  }
  const plain = m as RegExpExecArray;
  const path = plain[1] as string;
  const script = path.split(/[\\/]/).pop() as string;
  return { path, script, base64: plain[2] as string };
}
