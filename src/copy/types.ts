/**
 * Shapes of Copy-ResyncToRequestor / `resync-glb copy`: what a delivery takes and the
 * ResyncGlb.CopyResult it emits, one per destination (docs/PROTOCOL.md, "Result types").
 */
import type { ErrorCategoryName, ErrorId } from '../shared/errors';

import { REQUESTOR_TYPES, type RequestorType } from '../shared/file-names';
export { REQUESTOR_TYPES, type RequestorType };

export type CopyStatus = 'Copied' | 'Failed' | 'WhatIf';

export interface CopyResultError {
  Id: ErrorId;
  Category: ErrorCategoryName;
  Message: string;
}

/** ResyncGlb.CopyResult: PascalCase, as PowerShell shows it. */
export interface CopyResult {
  /** The source file, absolute. */
  Source: string;
  /** The final file at the destination (RESYNC.GLB, or Resync.glb for an Exchange requestor). */
  Destination: string;
  /** Bytes of the source (as read in the copy pass; as found on disk under what-if). */
  Length: number | null;
  /** Uppercase hex SHA-256 of what was read and written; under what-if the expected hash, if given. */
  Sha256: string | null;
  /** True only when the copy was written, flushed, checked and renamed into place. */
  Verified: boolean;
  /** Where an earlier file of the final name was kept, or null. */
  BackupPath: string | null;
  /** What to run next at that requestor (commands separated by line breaks), or null after a failure. */
  NextStep: string | null;
  /** The same commands as a list. */
  NextStepCommands: string[];
  /** Caveats for the next step (Rebuild error 203, Q193395, placeholders). */
  Note: string | null;
  RequestorType: RequestorType;
  Status: CopyStatus;
  Error: CopyResultError | null;
}

export const COPY_RESULT_TYPE = 'ResyncGlb.CopyResult';
