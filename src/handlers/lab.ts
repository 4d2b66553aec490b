/**
 * Protocol command handlers for the lab (the CLI's `lab` subcommands run the same ones):
 * lab init, requestors, status, start, stop and fault. Result objects use PascalCase fields and
 * PSTypeNames ResyncGlb.Lab, ResyncGlb.LabRequestor, ResyncGlb.LabService, ResyncGlb.LabFaults.
 */
import { utimes, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CommandHandler } from '../protocol/context';
import { optBool, optNumber, optString, optStringArray } from '../protocol/params';
import { ResyncError } from '../shared/errors';
import { CONTRACT } from '../shared/contract';
import { openLabOperations } from '../operations/lab-adapter';
import { initLab, readLabConfig, setLabFaults } from '../lab/layout';
import { labPaths, postofficeGlb, SERVICE_KEY } from '../lab/paths';
import { labServiceState } from '../lab/control';
import { sleep } from '../shared/sleep';
import { RegistryStore } from '../lab/registry-store';
import { resolveLabDxadata } from '../lab/dxadata';
import { buildLabGlb } from '../lab/glb-format';
import type { LabConfig, LabFaults, LabRequestor, LabTiming, RequestorSpec } from '../lab/types';
import { exportOf, initialPostofficeNumbers, parseRequestorSettings, syncOf } from '../lab/model';
import { importAtPostoffice, readPostofficeAddresses, readPostofficeState } from '../lab/postoffice';
import { requestorMatches } from '../lab/name-matching';
import { readJson } from '../shared/atomic-file';
import { sameProcess } from '../shared/process-info';
import type { DxaState } from '../lab/dxa-service';

function labDir(params: Record<string, unknown>): string {
  const p = optString(params, 'path') ?? optString(params, 'labPath');
  if (!p) throw new ResyncError('Usage', "Parameter 'path' (the lab folder) is required.", { target: 'path' });
  return resolve(p);
}

function requestorSpecs(params: Record<string, unknown>): Array<string | RequestorSpec> | undefined {
  const list = optStringArray(params, 'requestor') ?? optStringArray(params, 'requestors');
  if (!list) return undefined;
  return list.map((item, i) => {
    if (typeof item === 'string') return item;
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      const pick = (...keys: string[]): string | undefined => {
        for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
        return undefined;
      };
      const displayName = pick('DisplayName', 'displayName');
      if (!displayName) throw new ResyncError('Usage', `Requestor ${i + 1} has no DisplayName.`, { target: 'requestor' });
      const spec: RequestorSpec = { displayName, commonName: pick('CommonName', 'commonName'), rdn: pick('Rdn', 'rdn', 'RDN') };
      const settings = pick('Settings', 'settings');
      if (settings !== undefined) {
        try {
          const parsed = parseRequestorSettings(settings);
          if (parsed.export) spec.export = parsed.export;
          if (parsed.sync) spec.sync = parsed.sync;
          if (parsed.ahead !== undefined) spec.ahead = parsed.ahead;
        } catch (e) {
          throw new ResyncError('Usage', `Requestor ${JSON.stringify(displayName)}: ${(e as Error).message}.`, { target: 'requestor' });
        }
      }
      return spec;
    }
    throw new ResyncError('Usage', `Requestor ${i + 1} must be a name or an object with DisplayName, CommonName and Rdn.`, { target: 'requestor' });
  });
}

export function requestorObject(root: string, r: LabRequestor, cfg?: Pick<LabConfig, 'sync'>): Record<string, unknown> {
  const ex = exportOf(r);
  const sync = cfg ? syncOf(r, cfg) : r.sync;
  return {
    DisplayName: r.displayName,
    CommonName: r.commonName,
    Rdn: r.rdn,
    Postoffice: r.postoffice,
    GlbPath: postofficeGlb(root, r.postoffice),
    Containers: ex.containers,
    TrustLevel: ex.trustLevel,
    CustomRecipients: ex.customRecipients,
    ImpSeq: sync?.impSeq ?? null,
    ReqSeq: sync?.reqSeq ?? null,
    SrvSeq: sync?.srvSeq ?? null,
  };
}

/** The requestor object plus what its postoffice holds (confirmed numbers, address count, last import). */
async function requestorWithPostoffice(root: string, r: LabRequestor, cfg: LabConfig): Promise<Record<string, unknown>> {
  const po = await readPostofficeState(root, r.postoffice, initialPostofficeNumbers(cfg, r));
  const addresses = await readPostofficeAddresses(root, r.postoffice);
  return {
    ...requestorObject(root, r, cfg),
    PostofficeImpSeq: po.numbers.impSeq,
    PostofficeReqSeq: po.numbers.reqSeq,
    PostofficeSrvSeq: po.numbers.srvSeq,
    PostofficeAddresses: addresses.length,
    LastImportUtc: po.lastImportUtc,
  };
}

export const labInitHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const timing: Partial<LabTiming> = {};
  const t = (key: keyof LabTiming, param: string, min: number, max: number): void => {
    const v = optNumber(params, param, min, max);
    if (v !== undefined) timing[key] = v;
  };
  t('startMs', 'startMs', 0, 3_600_000);
  t('stopMs', 'stopMs', 0, 3_600_000);
  t('chunkBytes', 'chunkBytes', 1, 64 * 1024 * 1024);
  t('chunkDelayMs', 'chunkDelayMs', 0, 60_000);
  const info = await initLab(dir, {
    requestors: requestorSpecs(params) as string[] | RequestorSpec[] | undefined,
    recipients: optNumber(params, 'recipients', 0, 10_000_000),
    computerName: optString(params, 'computerName'),
    seed: optNumber(params, 'seed', 0, 0xffffffff),
    timing,
    noService: optBool(params, 'noService'),
    force: optBool(params, 'force'),
    containers: (optStringArray(params, 'containers') as string[] | undefined)?.map(String),
    globalMaxSeq: optNumber(params, 'globalMaxSeq', 0, 0xffffffff),
    dxaVersion: optString(params, 'dxaVersion'),
  });
  ctx.reporter.verbose(`Created the lab DSS ${info.computerName} in ${info.path} with ${info.requestors.length} requestors and ${info.recipients} recipients.`);
  const state = await labServiceState(info.path);
  ctx.emitResult('ResyncGlb.Lab', {
    Path: info.path,
    ComputerName: info.computerName,
    Requestors: info.requestors.map((r) => requestorObject(info.path, r)),
    Containers: info.containers,
    DxaVersion: info.dxaVersion,
    GlobalMaxSeqInResync: info.globalMaxSeq ?? null,
    Recipients: info.recipients,
    Dxadata: info.dxadata,
    ServiceStatus: optBool(params, 'noService') ? null : state.status,
  });
};

export const labRequestorsHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const cfg = await readLabConfig(dir);
  for (const r of cfg.requestors) ctx.emitResult('ResyncGlb.LabRequestor', await requestorWithPostoffice(dir, r, cfg));
};

/**
 * `lab import <lab> <postoffice>`: plays MS Mail's `IMPORT admin -q` at one lab postoffice (named
 * by its folder, or by any of its requestor's names): see src/lab/postoffice.ts.
 */
export const labImportHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const which = optString(params, 'postoffice');
  if (!which) throw new ResyncError('Usage', "Parameter 'postoffice' (a lab postoffice or requestor name) is required.", { target: 'postoffice' });
  const cfg = await readLabConfig(dir);
  const fold = (x: string): string => x.trim().toUpperCase();
  const r = cfg.requestors.find((x) => fold(x.postoffice) === fold(which)) ?? cfg.requestors.find((x) => requestorMatches(which, x));
  if (!r) {
    throw new ResyncError('Usage', `The lab has no postoffice or requestor ${JSON.stringify(which)}; it has ${cfg.requestors.map((x) => x.postoffice).join(', ')}.`, { target: which });
  }
  const out = await importAtPostoffice(dir, r.postoffice, initialPostofficeNumbers(cfg, r));
  ctx.reporter.verbose(`IMPORT at ${r.postoffice}: ${out.addresses} addresses from ${out.transactions} transactions; numbers now IMPSEQ ${out.numbers.impSeq}, REQSEQ ${out.numbers.reqSeq}, SRVSEQ ${out.numbers.srvSeq}; ${CONTRACT.requestorFileName} deleted (Q122750).`);
  ctx.emitResult('ResyncGlb.LabImport', {
    Path: dir,
    Postoffice: r.postoffice,
    Requestor: r.displayName,
    File: out.file,
    Length: out.length,
    Transactions: out.transactions,
    Addresses: out.addresses,
    ImpSeq: out.numbers.impSeq,
    ReqSeq: out.numbers.reqSeq,
    SrvSeq: out.numbers.srvSeq,
    PreviousImpSeq: out.previous.impSeq,
    PreviousReqSeq: out.previous.reqSeq,
    PreviousSrvSeq: out.previous.srvSeq,
    FileDeleted: true,
    NextStep: `rebuild -f -d<drive> at ${r.postoffice} (Q96060); the lab does not model Rebuild.`,
  });
};

/** True while the DXA process that generated a Resync.glb still runs: Q156063's restart after generation is owed. */
async function restartOwed(dir: string, s: Awaited<ReturnType<typeof labServiceState>>): Promise<boolean> {
  if (s.status === 'Stopped' || s.pid === null) return false;
  const st = await readJson<DxaState>(labPaths(dir).dxaState).catch(() => null);
  return Boolean(st?.generatedBy && s.pid !== null && sameProcess(st.generatedBy, { pid: s.pid, startToken: s.startToken, liveFile: s.liveFile }));
}

async function emitService(dir: string, ctx: Parameters<CommandHandler>[1]): Promise<void> {
  const cfg = await readLabConfig(dir);
  const hasKey = await new RegistryStore(labPaths(dir).registry).keyExists(SERVICE_KEY);
  const s = await labServiceState(dir);
  ctx.emitResult('ResyncGlb.LabService', {
    Path: dir,
    ComputerName: cfg.computerName,
    Name: CONTRACT.service.name,
    Exists: hasKey,
    Status: hasKey ? s.status : null,
    Pid: s.status === 'Stopped' ? null : s.pid,
    Since: s.since,
    LastError: s.lastError ?? null,
    RestartOwed: await restartOwed(dir, s),
    Faults: cfg.faults,
  });
}

export const labStatusHandler: CommandHandler = async (params, ctx) => {
  await emitService(labDir(params), ctx);
};

/** lab start / lab stop: drive the lab service through its operations, then report its state. */
function labServiceHandler(action: 'startService' | 'stopService'): CommandHandler {
  return async (params, ctx) => {
    const dir = labDir(params);
    const timeoutMs = (optNumber(params, 'timeoutSec', 0, 86_400) ?? 60) * 1000;
    const ops = await openLabOperations(dir);
    try {
      await ops[action](timeoutMs);
      if (action === 'startService' && ops.generationStatus) {
        // Return once the DXA has looked at ResyncConnectionRDNs, so the lab is quiet when idle.
        const until = Date.now() + timeoutMs;
        while ((await ops.generationStatus()).state === 'checking' && Date.now() < until) await sleep(10);
      }
    } finally {
      await ops.dispose();
    }
    await emitService(dir, ctx);
  };
}

export const labStartHandler: CommandHandler = labServiceHandler('startService');
export const labStopHandler: CommandHandler = labServiceHandler('stopService');

/** Sets a pending ResyncConnectionRDNs value in the lab (as an earlier, unfinished attempt would). */
export async function setLabPendingValue(dir: string, names: string[]): Promise<void> {
  const store = new RegistryStore(labPaths(resolve(dir)).registry);
  if (!(await store.keyExists(SERVICE_KEY))) {
    throw new ResyncError('ServiceNotFound', `The lab in ${dir} has no ${CONTRACT.service.name} service key.`, { target: dir });
  }
  await store.setValue(SERVICE_KEY, CONTRACT.resyncValue.name, { type: 'REG_MULTI_SZ', data: names });
}

/** Places an older, complete lab Resync.glb in Dxadata (dated a day back); returns its path. */
export async function placeOldResync(dir: string): Promise<string> {
  const root = resolve(dir);
  const cfg = await readLabConfig(root);
  const where = await resolveLabDxadata(new RegistryStore(labPaths(root).registry), root);
  if (!where) throw new ResyncError('DxadataNotFound', `Cannot find Dxadata in the lab ${root}.`, { target: root });
  const when = new Date(Date.now() - 86_400_000);
  const data = buildLabGlb(
    { ...cfg.sync, srvSeq: Math.max(0, cfg.sync.srvSeq - 10), impSeq: Math.max(0, cfg.sync.impSeq - 10), reqSeq: Math.max(0, cfg.sync.reqSeq - 10) },
    cfg.requestors.map((r) => ({ network: r.network, postoffice: r.postoffice, addresses: [] })),
    when,
  );
  await mkdir(where.path, { recursive: true });
  const file = join(where.path, CONTRACT.resyncFileName);
  await writeFile(file, data);
  await utimes(file, when, when);
  return file;
}

export const labFaultHandler: CommandHandler = async (params, ctx) => {
  const dir = labDir(params);
  const faults: LabFaults = {};
  const flag = (key: 'hangOnStop' | 'failStart' | 'unrecognise' | 'crashMidWrite' | 'importOnStart'): void => {
    if (params[key] !== undefined) faults[key] = optBool(params, key);
  };
  flag('hangOnStop');
  flag('failStart');
  flag('unrecognise');
  flag('crashMidWrite');
  flag('importOnStart');
  const slow = optNumber(params, 'slowWriteMs', 0, 60_000);
  if (slow !== undefined) faults.slowWriteMs = slow;
  const times = optNumber(params, 'failStartTimes', 0, 1000);
  if (times !== undefined) faults.failStartTimes = times;
  const delay = optNumber(params, 'startDelayMs', 0, 3_600_000);
  if (delay !== undefined) faults.startDelayMs = delay;
  const prepare = optNumber(params, 'prepareMs', 0, 3_600_000);
  if (prepare !== undefined) faults.prepareMs = prepare;
  const hold = optNumber(params, 'holdOpenMs', 0, 3_600_000);
  if (hold !== undefined) faults.holdOpenMs = hold;
  const clear = optBool(params, 'clear');
  const result = await setLabFaults(dir, faults, { replace: clear });
  const pending = optStringArray(params, 'pendingValue');
  if (pending) {
    if (pending.some((n) => typeof n !== 'string')) throw new ResyncError('Usage', "Parameter 'pendingValue' must be names (strings).", { target: 'pendingValue' });
    await setLabPendingValue(dir, pending as string[]);
  }
  const old = optBool(params, 'oldResync') ? await placeOldResync(dir) : null;
  ctx.emitResult('ResyncGlb.LabFaults', {
    Path: dir,
    Faults: result,
    PendingValue: pending ?? null,
    OldResync: old,
  });
};
