/** Protocol handlers for the lab directory (lab-directory-start, lab-directory-stop). */
import { resolve } from 'node:path';
import type { CommandHandler } from '../protocol/context';
import { optBool, optNumber, optString } from '../protocol/params';
import { ResyncError } from '../shared/errors';
import { labSlapdPid, readLabDirectory, startLabDirectory, stopLabDirectory } from '../lab/directory-server';

function labDir(params: Record<string, unknown>): string {
  const p = optString(params, 'path') ?? optString(params, 'labPath');
  if (!p) throw new ResyncError('Usage', "Parameter 'path' (the lab folder) is required.", { target: 'path' });
  return resolve(p);
}

export const labDirectoryStartHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const levels = params.trustLevels;
  if (levels !== undefined && (typeof levels !== 'object' || levels === null || Array.isArray(levels) || Object.values(levels).some((v) => typeof v !== 'number'))) {
    throw new ResyncError('Usage', "Parameter 'trustLevels' must map requestor names to numbers.", { target: 'trustLevels' });
  }
  const info = await startLabDirectory(dir, {
    password: ctx.secret?.password ?? '',
    port: optNumber(params, 'port', 1, 65535),
    trustLevels: levels as Record<string, number> | undefined,
    withoutRequestorClass: optBool(params, 'withoutRequestorClass'),
    ldaps: optBool(params, 'ldaps'),
  });
  ctx.reporter.verbose(`The lab directory answers on ${info.url}.`);
  ctx.emitResult('ResyncGlb.LabDirectory', {
    Path: dir,
    Url: info.url,
    Port: info.port,
    Running: true,
    Pid: await labSlapdPid(dir),
    AdminAccount: info.adminAccount,
    ReaderAccount: info.readerAccount,
    ConfigurationDn: info.configurationDn,
    RequestorClass: info.requestorClass,
    LdapsUrl: info.ldapsUrl ?? null,
    CertificateFile: info.certificateFile ?? null,
  });
};

export const labDirectoryStopHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const info = await readLabDirectory(dir);
  const stopped = await stopLabDirectory(dir);
  ctx.emitResult('ResyncGlb.LabDirectory', { Path: dir, Url: info?.url ?? null, Port: info?.port ?? null, Running: false, Pid: null, WasRunning: stopped });
};
