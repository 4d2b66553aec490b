/**
 * The one line each ps1 script writes: {"ok":true,"data":...} or
 * {"ok":false,"error":{"id","category","message","target"}}. The id is a ResyncGlb error id
 * (src/shared/errors.ts); the category the script sends is PowerShell's, kept as a detail, since
 * the category of a ResyncError always comes from ERRORS.
 */
import { ERRORS, ResyncError, type ErrorId } from '../../shared/errors';

export interface EnvelopeError {
  id: string;
  category?: string;
  message: string;
  target?: string | null;
}

export type Envelope = { ok: true; data: unknown } | { ok: false; error: EnvelopeError };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The envelope in a script's output: the last non-empty line. Throws ProtocolError otherwise. */
export function parseEnvelope(stdout: string, script: string): Envelope {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new ResyncError('ProtocolError', `${script} wrote nothing; one JSON line was expected.`, { target: script });
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new ResyncError('ProtocolError', `${script} did not end with a JSON line (it ended with ${JSON.stringify(last.slice(0, 200))}).`, { target: script });
  }
  if (!isRecord(parsed) || typeof parsed.ok !== 'boolean') {
    throw new ResyncError('ProtocolError', `${script} wrote JSON that is not an envelope.`, { target: script });
  }
  if (parsed.ok) return { ok: true, data: parsed.data ?? null };
  const err = parsed.error;
  if (!isRecord(err) || typeof err.id !== 'string' || typeof err.message !== 'string') {
    throw new ResyncError('ProtocolError', `${script} reported a failure without an id and a message.`, { target: script });
  }
  return {
    ok: false,
    error: {
      id: err.id,
      message: err.message,
      category: typeof err.category === 'string' ? err.category : undefined,
      target: typeof err.target === 'string' && err.target.length > 0 ? err.target : null,
    },
  };
}

export function isErrorId(id: string): id is ErrorId {
  return Object.prototype.hasOwnProperty.call(ERRORS, id);
}

/** A ResyncError for an envelope's error; an id ResyncGlb does not know becomes Internal. */
export function envelopeError(error: EnvelopeError, script: string): ResyncError {
  const details: Record<string, unknown> = { script };
  if (error.target) details.target = error.target;
  if (error.category) details.psCategory = error.category;
  if (isErrorId(error.id)) return new ResyncError(error.id, error.message, details);
  return new ResyncError('Internal', `${script} failed with an unknown error id ${error.id}: ${error.message}`, { ...details, reportedId: error.id });
}
