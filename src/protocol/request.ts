/** Parsing the protocol's request line and control lines (docs/PROTOCOL.md). */
import { ResyncError } from '../shared/errors';
import type { Secret } from '../operations/secret';
import { PROTOCOL_VERSION } from './events';

export interface Request {
  protocol: number;
  command: string;
  params: Record<string, unknown>;
  secret?: Secret;
}

export const MAX_REQUEST_BYTES = 1024 * 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Drops one leading U+FEFF. Windows PowerShell 5.1 (.NET Framework) writes the console input
 * encoding's preamble first when that code page is 65001 (UTF-8 console, `chcp 65001`), so the
 * request, and in principle a later line, can start with a BOM that is not part of the JSON.
 */
export function stripBom(line: string): string {
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}

export function parseRequest(rawLine: string): Request {
  const line = stripBom(rawLine);
  if (Buffer.byteLength(line, 'utf8') > MAX_REQUEST_BYTES) {
    throw new ResyncError('ProtocolError', `The request is larger than ${MAX_REQUEST_BYTES} bytes.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new ResyncError('ProtocolError', `The request is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) throw new ResyncError('ProtocolError', 'The request must be a JSON object.');
  if (raw.protocol !== PROTOCOL_VERSION) {
    throw new ResyncError('ProtocolError', `Unsupported protocol version ${JSON.stringify(raw.protocol)}; this bundle speaks ${PROTOCOL_VERSION}.`);
  }
  if (typeof raw.command !== 'string' || raw.command.length === 0) {
    throw new ResyncError('ProtocolError', "The request has no 'command'.");
  }
  const params = raw.params === undefined ? {} : raw.params;
  if (!isObject(params)) throw new ResyncError('ProtocolError', "The request's 'params' must be an object.");
  let secret: Secret | undefined;
  if (raw.secret !== undefined && raw.secret !== null) {
    const s = raw.secret;
    if (!isObject(s) || typeof s.userName !== 'string' || typeof s.password !== 'string') {
      throw new ResyncError('ProtocolError', "The request's 'secret' must be {userName, password} strings.");
    }
    secret = { userName: s.userName, password: s.password };
  }
  return { protocol: PROTOCOL_VERSION, command: raw.command, params, secret };
}

export type Control = { control: 'cancel'; reason?: string };

export function parseControl(line: string): Control | null {
  try {
    const v: unknown = JSON.parse(stripBom(line));
    if (isObject(v) && v.control === 'cancel') return { control: 'cancel', reason: typeof v.reason === 'string' ? v.reason : undefined };
  } catch {
    /* ignored: unknown control lines are ignored */
  }
  return null;
}
