/**
 * Stable error ids. The same id appears in the CLI's JSON, in the protocol's `error` event and, in
 * PowerShell, as the ErrorRecord's ErrorId (FullyQualifiedErrorId "ResyncGlb.<Id>,<Cmdlet>").
 * The category names are System.Management.Automation.ErrorCategory members.
 * docs/PROTOCOL.md lists them; keep the two in step (test/unit/protocol.test.ts checks it).
 */
import { errnoCode } from './errno';
export const ERRORS = {
  // usage and input
  Usage: { category: 'InvalidArgument', exitCode: 2 },
  InvalidRequestor: { category: 'InvalidArgument', exitCode: 2 },
  InvalidPath: { category: 'InvalidArgument', exitCode: 2 },
  ProtocolError: { category: 'InvalidData', exitCode: 2 },
  UnknownCommand: { category: 'InvalidArgument', exitCode: 2 },
  // preflight refusals (nothing was changed)
  ServiceNotFound: { category: 'ObjectNotFound', exitCode: 3 },
  ValuePending: { category: 'ResourceExists', exitCode: 3 },
  DxadataNotFound: { category: 'ObjectNotFound', exitCode: 3 },
  InsufficientSpace: { category: 'LimitsExceeded', exitCode: 3 },
  Busy: { category: 'ResourceBusy', exitCode: 3 },
  LabNotFound: { category: 'ObjectNotFound', exitCode: 3 },
  HostUnreachable: { category: 'ConnectionError', exitCode: 3 },
  AccessDenied: { category: 'PermissionDenied', exitCode: 3 },
  PowerShellNotFound: { category: 'NotInstalled', exitCode: 3 },
  MixedConfiguration: { category: 'InvalidOperation', exitCode: 3 },
  JournalRejected: { category: 'SecurityError', exitCode: 3 },
  CredentialUnavailable: { category: 'AuthenticationError', exitCode: 3 },
  SmbUnavailable: { category: 'ConnectionError', exitCode: 3 },
  // the run failed and was rolled back
  ServiceStopTimeout: { category: 'OperationTimeout', exitCode: 1 },
  ServiceStartFailed: { category: 'InvalidResult', exitCode: 1 },
  RequestorNotRecognised: { category: 'ObjectNotFound', exitCode: 1 },
  Timeout: { category: 'OperationTimeout', exitCode: 4 },
  IncompleteFile: { category: 'InvalidResult', exitCode: 1 },
  /** The DXA reported that it could not write Resync.glb (the lab DXA's own account; a real DXA keeps none). */
  GenerationFailed: { category: 'WriteError', exitCode: 1 },
  DxadataRemoved: { category: 'ObjectNotFound', exitCode: 1 },
  Cancelled: { category: 'OperationStopped', exitCode: 1 },
  ConnectionLost: { category: 'ConnectionError', exitCode: 1 },
  OperationFailed: { category: 'NotSpecified', exitCode: 1 },
  // delivery (Copy-ResyncToRequestor)
  DestinationNotFound: { category: 'ObjectNotFound', exitCode: 1 },
  DestinationNotWritable: { category: 'PermissionDenied', exitCode: 1 },
  DiskFull: { category: 'WriteError', exitCode: 1 },
  HashMismatch: { category: 'InvalidResult', exitCode: 1 },
  SourceChanged: { category: 'InvalidData', exitCode: 1 },
  SourceNotFound: { category: 'ObjectNotFound', exitCode: 1 },
  // the lab postoffice's IMPORT refused a RESYNC.GLB
  ImportFailed: { category: 'InvalidData', exitCode: 1 },
  // the Exchange directory (Get-ResyncRequestor, and New-ResyncGlb's directory preflight)
  RequestorNotFound: { category: 'ObjectNotFound', exitCode: 3 },
  DirectoryUnreachable: { category: 'ConnectionError', exitCode: 3 },
  DirectoryBindRefused: { category: 'PermissionDenied', exitCode: 3 },
  DirectoryAccessDenied: { category: 'PermissionDenied', exitCode: 3 },
  DirectorySchemaMismatch: { category: 'MetadataError', exitCode: 3 },
  DirectoryExportInvalid: { category: 'InvalidData', exitCode: 2 },
  DirectoryNotInstalled: { category: 'NotInstalled', exitCode: 3 },
  // needs a human
  RollbackIncomplete: { category: 'InvalidResult', exitCode: 5 },
  /** The file is good and kept; only the restart after generation (Q156063) failed. */
  FinalRestartFailed: { category: 'InvalidResult', exitCode: 5 },
  FileInUse: { category: 'ResourceBusy', exitCode: 5 },
  Internal: { category: 'NotSpecified', exitCode: 1 },
} as const;

export type ErrorId = keyof typeof ERRORS;
export type ErrorCategoryName = (typeof ERRORS)[ErrorId]['category'];

/** Exit codes of the CLI and the `rpc` command (docs/PROTOCOL.md). */
export const EXIT = {
  ok: 0,
  failedRolledBack: 1,
  usage: 2,
  refused: 3,
  timeout: 4,
  needsHuman: 5,
} as const;

export interface ErrorDetails {
  /** What the tool undid, in order, as sentences an admin can read. */
  undone?: string[];
  /** What is left for a human to undo, in order (RollbackIncomplete). */
  manualSteps?: string[];
  /** The requestor names, paths or other objects the error is about. */
  target?: string;
  /** For InvalidRequestor: every bad name with its reason. */
  problems?: Array<{ name: string; reason: string }>;
  [key: string]: unknown;
}

export class ResyncError extends Error {
  readonly id: ErrorId;
  readonly details: ErrorDetails;
  constructor(id: ErrorId, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ResyncError';
    this.id = id;
    this.details = details;
  }
  get category(): ErrorCategoryName {
    return ERRORS[this.id].category;
  }
  get exitCode(): number {
    return ERRORS[this.id].exitCode;
  }
}

export function isResyncError(e: unknown): e is ResyncError {
  return e instanceof ResyncError;
}

/** Wraps anything thrown into a ResyncError, keeping ResyncErrors as they are. */
export function toResyncError(e: unknown, fallback: ErrorId = 'Internal'): ResyncError {
  if (isResyncError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  // A full volume is never "a bug": say so, wherever it happened.
  const code = errnoCode(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const path = (e as NodeJS.ErrnoException).path;
    return new ResyncError('DiskFull', `The volume ran out of space${path ? ` writing ${path}` : ''} (${code}).`, { target: path, code });
  }
  return new ResyncError(fallback, message);
}
