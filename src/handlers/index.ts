/** The commands reachable through `rpc`. Each is the same handler the CLI subcommand runs. */
import type { CommandHandler } from '../protocol/context';
import { newHandler, recoverHandler } from './new';
import { labImportHandler, labInitHandler, labRequestorsHandler } from './lab';
import { openLabOperations } from '../operations/lab-adapter';
import { optBool } from '../protocol/params';
import { copyHandler } from './copy';
import { copyPlanHandler } from './copy-plan';
import { inspectHandler } from './inspect';
import { requestorsHandler } from './requestors';
import { labDirectoryStartHandler, labDirectoryStopHandler } from './lab-directory';

/** lab-init for New-ResyncLab: creates the lab and, with `start`, starts its DXA like a running DSS. */
const labInitAndStart: CommandHandler = async (params, ctx) => {
  const results: Array<{ type: string; data: Record<string, unknown> }> = [];
  await labInitHandler(params, { ...ctx, emitResult: (type, data) => results.push({ type, data }) });
  for (const r of results) {
    if (optBool(params, 'start') && r.type === 'ResyncGlb.Lab' && r.data.ServiceStatus) {
      const ops = await openLabOperations(String(r.data.Path));
      try {
        r.data.ServiceStatus = (await ops.startService(60_000)).status;
      } finally {
        await ops.dispose();
      }
    }
    ctx.emitResult(r.type, r.data);
  }
};

/** A table without a prototype, so only these names are commands. */
export const HANDLERS: Readonly<Record<string, CommandHandler>> = Object.assign(Object.create(null) as Record<string, CommandHandler>, {
  new: newHandler,
  recover: recoverHandler,
  copy: copyHandler,
  'copy-plan': copyPlanHandler,
  inspect: inspectHandler,
  'lab-init': labInitAndStart,
  'lab-requestors': labRequestorsHandler,
  'lab-import': labImportHandler,
  requestors: requestorsHandler,
  'lab-directory-start': labDirectoryStartHandler,
  'lab-directory-stop': labDirectoryStopHandler,
});
