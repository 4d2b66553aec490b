/**
 * The `copy-plan` command: the names and the next step of one delivery that PowerShell makes itself.
 * Copy-ResyncToRequestor -ToSession writes through a PSSession the engine cannot reach, so its remote
 * side only writes, hashes and renames; what the files are called, the stamp an earlier file is kept
 * under and what to run next come from here, from the same rules `copy` uses (shared/file-names.ts,
 * copy/next-step.ts), so both deliveries give one ResyncGlb.CopyResult shape.
 *
 * params: destination (the folder, in the remote computer's path syntax), requestorType MSMail|Exchange
 * (default MSMail). Result: ResyncGlb.CopyPlan (docs/PROTOCOL.md).
 */
import type { CommandHandler } from '../protocol/context';
import { optEnum, reqString } from '../protocol/params';
import { ResyncError } from '../shared/errors';
import { backupFileName, finalFileName, tempFileName, REQUESTOR_TYPES, type RequestorType } from '../shared/file-names';
import { exchangeNextStep, nextStepFor } from '../copy/next-step';

export const COPY_PLAN_TYPE = 'ResyncGlb.CopyPlan';

/** As many stamped names as a local delivery tries before it gives up on a millisecond (copy/destination.ts). */
export const BACKUP_NAME_CANDIDATES = 20;

export interface CopyPlan {
  RequestorType: RequestorType;
  /** The name the delivered file ends up with (RESYNC.GLB, or Resync.glb for an Exchange requestor). */
  FinalName: string;
  /** The temporary name beside it the copy is written to, hashed under, then renamed from. */
  TempName: string;
  /** Stamped names for an earlier final file, in order: the first that is free is used. */
  BackupNames: string[];
  NextStep: string;
  NextStepCommands: string[];
  Note: string;
}

export function planDelivery(folder: string, requestorType: RequestorType, now: Date): CopyPlan {
  const finalName = finalFileName(requestorType);
  const step = requestorType === 'Exchange' ? exchangeNextStep(folder) : nextStepFor(folder);
  return {
    RequestorType: requestorType,
    FinalName: finalName,
    TempName: tempFileName(finalName),
    BackupNames: Array.from({ length: BACKUP_NAME_CANDIDATES }, (_, i) => backupFileName(finalName, now, i + 1)),
    NextStep: step.text,
    NextStepCommands: step.commands,
    Note: step.note,
  };
}

export function createCopyPlanHandler(now: () => Date = () => new Date()): CommandHandler {
  return async (params, ctx) => {
    const folder = reqString(params, 'destination');
    if (folder.includes('\0')) throw new ResyncError('InvalidPath', 'The destination folder is not a valid path.', { target: 'destination' });
    const requestorType = optEnum(params, 'requestorType', REQUESTOR_TYPES) ?? 'MSMail';
    ctx.emitResult(COPY_PLAN_TYPE, { ...planDelivery(folder, requestorType, now()) });
  };
}

export const copyPlanHandler: CommandHandler = createCopyPlanHandler();
