/**
 * The `copy` command (Copy-ResyncToRequestor, `resync-glb copy`): delivers a Resync.glb to requestor
 * folders (deliver.ts), emits one ResyncGlb.CopyResult per folder, failed ones included, and only
 * after every folder was attempted throws if any failed (so the exit code is non-zero).
 *
 * params: path, destination (string[]), sha256, throttleLimit (1..64, default 4),
 *   requestorType MSMail|Exchange (default MSMail), restartService, labPath, timeoutSec (600),
 *   force, whatIf (docs/PROTOCOL.md).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CommandContext, CommandHandler } from '../protocol/context';
import { optBool, optEnum, optNumber, optString, optStringArray } from '../protocol/params';
import type { DssOperations } from '../operations/operations';
import { openOperations } from '../operations/open';
import { CONTRACT } from '../shared/contract';
import { ResyncError, toResyncError } from '../shared/errors';
import { settleBeforeStop } from '../core/settle';
import { AuditLog, defaultAuditLog } from '../core/audit';
import { RunLock } from '../core/lock';
import { recoverStale } from '../core/run-lock';
import { deliver, failureOf, normalizeSha256, type OpenSource } from '../copy/deliver';
import { checkRequestorService, restartAndAwaitConsumption } from '../copy/exchange';
import { exchangeDone, exchangeNextStep, nextStepFor } from '../copy/next-step';
import { COPY_RESULT_TYPE, REQUESTOR_TYPES, type CopyResult, type RequestorType } from '../copy/types';

export interface CopyParams {
  path: string;
  destination?: string[];
  sha256?: string;
  throttleLimit: number;
  requestorType: RequestorType;
  restartService: boolean;
  labPath?: string;
  timeoutSec: number;
  force: boolean;
  whatIf: boolean;
}

export const DEFAULT_THROTTLE_LIMIT = 4;
export const DEFAULT_TIMEOUT_SEC = 600;
const SERVICE_TIMEOUT_MS = 120_000;

/** Reads and checks the request's params; every problem is a Usage or InvalidPath error naming it. */
export function readCopyParams(params: Record<string, unknown>): CopyParams {
  const path = optString(params, 'path');
  if (path === undefined) throw new ResyncError('Usage', "Parameter 'path' is required: the Resync.glb to deliver.", { target: 'path' });
  const rawDest = optStringArray(params, 'destination');
  const destination = rawDest?.map((d, i) => {
    if (typeof d !== 'string') throw new ResyncError('Usage', `Parameter 'destination' element ${i} must be a string; got ${d === null ? 'null' : typeof d}.`, { target: 'destination' });
    return d;
  });
  const throttleLimit = optNumber(params, 'throttleLimit', 1, 64) ?? DEFAULT_THROTTLE_LIMIT;
  if (!Number.isInteger(throttleLimit)) throw new ResyncError('Usage', `Parameter 'throttleLimit' must be a whole number; got ${throttleLimit}.`, { target: 'throttleLimit' });
  const requestorType = optEnum(params, 'requestorType', REQUESTOR_TYPES) ?? 'MSMail';
  const restartService = optBool(params, 'restartService');
  const labPathRaw = optString(params, 'labPath');
  const out: CopyParams = {
    path,
    destination,
    sha256: normalizeSha256(optString(params, 'sha256')),
    throttleLimit,
    requestorType,
    restartService,
    labPath: labPathRaw ? resolve(labPathRaw) : undefined,
    timeoutSec: optNumber(params, 'timeoutSec', 1, 86_400) ?? DEFAULT_TIMEOUT_SEC,
    force: optBool(params, 'force'),
    whatIf: optBool(params, 'whatIf'),
  };
  if (restartService && requestorType !== 'Exchange') {
    throw new ResyncError('Usage', "restartService applies to an Exchange requestor only (requestorType 'Exchange'); an MS Mail postoffice has no service to restart: run the NextStep commands there.", {
      target: 'restartService',
    });
  }
  if (restartService && !out.labPath) {
    throw new ResyncError(
      'Usage',
      'restartService needs labPath (a lab acting as the Exchange requestor). On a real Exchange requestor, restart its directory synchronization service as the NextStep says.',
      { target: 'labPath' },
    );
  }
  if ((!destination || destination.length === 0) && !(requestorType === 'Exchange' && out.labPath)) {
    throw new ResyncError('Usage', "Parameter 'destination' is required: the requestor GLB folder(s).", { target: 'destination' });
  }
  return out;
}

export interface CopyHandlerDeps {
  /** Opens the DssOperations of a lab acting as the Exchange requestor. */
  openOps?: (labPath: string) => Promise<DssOperations>;
  openSource?: OpenSource;
  now?: () => Date;
  checkFreeSpace?: boolean;
  chunkSize?: number;
  serviceTimeoutMs?: number;
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

export function createCopyHandler(deps: CopyHandlerDeps = {}): CommandHandler {
  const openOps = deps.openOps ?? ((labPath: string) => openOperations({ labPath }));
  return async (params, ctx) => {
    const p = readCopyParams(params);
    const serviceTimeoutMs = deps.serviceTimeoutMs ?? SERVICE_TIMEOUT_MS;
    const ops = p.requestorType === 'Exchange' && p.labPath ? await openOps(p.labPath) : null;
    let lock: RunLock | null = null;
    let audit: AuditLog | null = null;
    try {
      let dxadata: string | null = null;
      if (ops) {
        dxadata = (await ops.resolveDxadata()).path;
        ctx.reporter.verbose(`The Exchange requestor ${ops.computerName} keeps Dxadata in ${dxadata}.`);
      }
      const destinations = p.destination && p.destination.length > 0 ? p.destination : [dxadata!];
      if (p.restartService) {
        if (destinations.length !== 1 || !samePath(resolve(destinations[0]!), resolve(dxadata!))) {
          throw new ResyncError(
            'InvalidPath',
            `With restartService the one destination is the Dxadata folder of ${ops!.computerName}, ${dxadata}; got ${destinations.join(', ')}. Nothing was copied.`,
            { target: destinations.join(', ') },
          );
        }
        await checkRequestorService(ops!);
        if (!p.whatIf) {
          const runId = randomUUID();
          audit = new AuditLog(defaultAuditLog(p.labPath), { runId, computerName: ops!.computerName });
          // One run per server: a `new` run restarting the same service must not overlap this one.
          const store = await ops!.lockStore();
          lock = await RunLock.acquire(store, ops!.computerName, runId, (stale) => recoverStale(ops!, stale, ctx.reporter, audit!, store.location).then(() => undefined));
        }
      }

      const results = await deliver(
        {
          source: p.path,
          destinations,
          expectedSha256: p.sha256,
          throttleLimit: p.throttleLimit,
          requestorType: p.requestorType,
          force: p.force,
          whatIf: p.whatIf,
          now: deps.now,
          chunkSize: deps.chunkSize,
          checkFreeSpace: deps.checkFreeSpace,
          openSource: deps.openSource,
          nextStep: p.requestorType === 'Exchange' ? exchangeNextStep : nextStepFor,
          // Q193395: an earlier Resync.glb the DXA may be processing is not moved while it is busy.
          beforeCommit: p.restartService ? (finalPath) => settleBeforeStop(ops!, finalPath, serviceTimeoutMs) : undefined,
        },
        ctx.reporter,
        ctx.signal,
      );

      if (p.restartService && ops && dxadata) await consume(ops, dxadata, results, p, serviceTimeoutMs, ctx, audit);

      for (const r of results) ctx.emitResult(COPY_RESULT_TYPE, { ...r });
      const failure = failureOf(results);
      if (failure) throw failure;
    } finally {
      await lock?.release();
      await ops?.dispose();
    }
  };
}

async function consume(
  ops: DssOperations,
  dxadata: string,
  results: CopyResult[],
  p: CopyParams,
  serviceTimeoutMs: number,
  ctx: CommandContext,
  audit: AuditLog | null,
): Promise<void> {
  const target = `${CONTRACT.service.name} on ${ops.computerName}`;
  for (const r of results) {
    if (r.Status === 'WhatIf') {
      ctx.reporter.whatIf(`Stop (once ${CONTRACT.resyncFileName} is not being processed) and start the service, then wait until it has imported ${r.Destination}`, target);
      continue;
    }
    if (r.Status !== 'Copied') continue;
    try {
      await audit?.write({ event: 'service-restart', service: CONTRACT.service.name, file: r.Destination, purpose: 'exchange-requestor-import' });
      await restartAndAwaitConsumption(ops, r.Destination, dxadata, { timeoutMs: p.timeoutSec * 1000, serviceTimeoutMs }, ctx.reporter, ctx.signal);
      const done = exchangeDone(ops.computerName);
      Object.assign(r, { NextStep: done.text, NextStepCommands: done.commands, Note: done.note });
      await audit?.write({ event: 'outcome', result: 'success', command: 'copy', file: r.Destination, sha256: r.Sha256 });
    } catch (e) {
      const err = ctx.signal.aborted
        ? new ResyncError('Cancelled', `Cancelled while waiting for ${ops.computerName} to import ${r.Destination}; the file stays in Dxadata and is imported at the next start of the service.`, { target: r.Destination })
        : toResyncError(e, 'OperationFailed');
      const step = exchangeNextStep(dxadata);
      Object.assign(r, {
        Status: 'Failed',
        Error: { Id: err.id, Category: err.category, Message: err.message },
        NextStep: step.text,
        NextStepCommands: step.commands,
        Note: `${r.Destination} was delivered and verified but not consumed. ${step.note}`,
      });
      await audit?.write({ event: 'outcome', result: 'failed', command: 'copy', errorId: err.id, message: err.message }).catch(() => undefined);
    }
  }
}

export const copyHandler: CommandHandler = createCopyHandler();
