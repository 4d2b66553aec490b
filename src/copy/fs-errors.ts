/** Turns file-system errors at a destination into the delivery error ids of src/shared/errors.ts. */
import { ResyncError, isResyncError } from '../shared/errors';
import { errnoCode } from '../shared/errno';

/** An error while writing into `folder` (`what` says which step, for the message). */
export function destinationError(e: unknown, folder: string, what: string): ResyncError {
  if (isResyncError(e)) return e;
  const code = errnoCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ResyncError('DiskFull', `${folder} ran out of space while ${what} (${detail}).`, { target: folder, code });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ResyncError('DestinationNotWritable', `${folder} cannot be written: ${what} failed (${detail}).`, { target: folder, code });
    case 'ENOENT':
      return new ResyncError('DestinationNotFound', `${folder} does not exist (or vanished while ${what}).`, { target: folder, code });
    case 'ENOTDIR':
      return new ResyncError('InvalidPath', `${folder} is not a folder (a part of the path is a file).`, { target: folder, code });
    case 'EBUSY':
      // Windows: a sharing violation, another process has the file open and shares nothing.
      return new ResyncError('DestinationNotWritable', `${folder}: ${what} failed because another process has the file open (${detail}); nothing was replaced. Close it (or wait for the scan or backup to finish) and deliver again.`, {
        target: folder,
        code,
      });
    default:
      return new ResyncError('DestinationNotWritable', `${folder} could not be written: ${what} failed (${code && !detail.startsWith(code) ? `${code}: ` : ''}${detail}).`, {
        target: folder,
        code,
      });
  }
}
