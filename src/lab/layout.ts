/**
 * Creating and reading a lab DSS (docs/ARCHITECTURE.md, "The lab DSS on disk"): lab.json, the
 * registry store with the MSExchangeDX service key and the Exchange setup key (names from
 * dss-contract.json), the install tree with placeholder DXA database files in Dxadata (never
 * touched; docs/domain.md Q193378, Q185225), one MS Mail postoffice per requestor, and the recipients.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONTRACT } from '../shared/contract';
import { ResyncError } from '../shared/errors';
import { isSharingViolation, readJson, writeJsonAtomic } from '../shared/atomic-file';
import { labPaths, postofficeGlb, SERVICE_KEY, SETUP_KEY } from './paths';
import { RegistryStore, emptyRegistry } from './registry-store';
import { DEFAULT_REQUESTORS, toLabRequestors, withSettings } from './name-matching';
import { DEFAULT_DXA_VERSION, initialPostofficeNumbers } from './model';
import { writePostofficeState } from './postoffice';
import { generateRecipients, prng, writeRecipients } from './recipients';
import { DEFAULT_CONTAINERS, DEFAULT_TIMING, type LabConfig, type LabFaults, type LabRequestor, type LabTiming, type RequestorSpec } from './types';
import { withFileLock } from './file-lock';
import { killLab } from './control';
import { stopLabDirectory } from './directory-process';
import { errnoCode } from '../shared/errno';

export interface InitLabOptions {
  requestors?: string[] | RequestorSpec[];
  recipients?: number;
  computerName?: string;
  timing?: Partial<LabTiming>;
  seed?: number;
  /** Create no MSExchangeDX key (a server that is not a DSS; tests the ServiceNotFound path). */
  noService?: boolean;
  /** Re-create an existing lab (its DXA process is stopped first). */
  force?: boolean;
  /** The recipient containers (default Recipients, Sales, Engineering). */
  containers?: string[];
  /** Writes GlobalMaxSeqInResync (REG_DWORD) with this value; absent by default (Q215505). */
  globalMaxSeq?: number;
  /** The file version the lab's DXA.EXE reports (default 5.5.2653). */
  dxaVersion?: string;
}

export interface LabInfo {
  path: string;
  containers: string[];
  dxaVersion: string;
  globalMaxSeq?: number;
  computerName: string;
  requestors: LabRequestor[];
  recipients: number;
  dxadata: string;
}

export const LAB_NETWORK = 'LABNET';
export const DEFAULT_COMPUTER_NAME = 'LABDSS';
/** Windows service key values every service has (not ResyncGlb-specific names). */
export const SERVICE_DISPLAY_NAME_VALUE = 'DisplayName';
export const SERVICE_DEPENDS_VALUE = 'DependOnService';

/** Files and folders a lab owns (removed by a forced re-init; anything else is left alone). */
const LAB_ENTRIES = ['lab.json', 'registry.json', 'registry.json.lock', 'service.json', 'service.json.lock', 'service.control', 'dxa.log', 'dxa-state.json', 'recipients.tsv', 'exchsrvr', 'postoffices', 'directory'];

export async function isLab(dir: string): Promise<boolean> {
  try {
    const cfg = await readJson<Partial<LabConfig>>(labPaths(resolve(dir)).config);
    return cfg !== null && cfg.kind === 'ResyncGlb.Lab';
  } catch {
    return false;
  }
}

export async function readLabConfig(dir: string): Promise<LabConfig> {
  const root = resolve(dir);
  let cfg: LabConfig | null = null;
  try {
    cfg = await readJson<LabConfig>(labPaths(root).config);
  } catch (e) {
    if (isSharingViolation(e)) {
      throw new ResyncError('Busy', `${root}'s lab.json is held open by another process (${(e as Error).message}); try again once it has closed it.`, { target: root });
    }
    throw new ResyncError('LabNotFound', `${root} has a lab.json that is not valid JSON (${(e as Error).message}).`, { target: root });
  }
  if (!cfg || cfg.kind !== 'ResyncGlb.Lab') {
    throw new ResyncError('LabNotFound', `${root} is not a lab DSS (no lab.json). Create one with: resync-glb lab init ${JSON.stringify(root)}`, {
      target: root,
    });
  }
  return { ...cfg, timing: { ...DEFAULT_TIMING, ...cfg.timing }, faults: cfg.faults ?? {} };
}

/** Changes lab.json under its lock (atomic rename). */
export async function updateLabConfig(dir: string, fn: (cfg: LabConfig) => void): Promise<LabConfig> {
  const root = resolve(dir);
  const file = labPaths(root).config;
  return withFileLock(`${file}.lock`, async () => {
    const cfg = await readLabConfig(root);
    fn(cfg);
    await writeJsonAtomic(file, cfg);
    return cfg;
  });
}

export async function setLabFaults(dir: string, faults: LabFaults, opts: { replace?: boolean } = {}): Promise<LabFaults> {
  const cfg = await updateLabConfig(dir, (c) => {
    const next: LabFaults = opts.replace ? { ...faults } : { ...c.faults, ...faults };
    for (const k of Object.keys(next) as Array<keyof LabFaults>) {
      if (next[k] === undefined || next[k] === false || next[k] === 0) delete next[k];
    }
    c.faults = next;
  });
  return cfg.faults;
}

function validateTiming(t: LabTiming): void {
  const check = (name: keyof LabTiming, min: number, max: number): void => {
    const v = t[name];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ResyncError('Usage', `Lab timing ${name} must be an integer between ${min} and ${max}; got ${String(v)}.`, { target: name });
    }
  };
  check('startMs', 0, 3_600_000);
  check('stopMs', 0, 3_600_000);
  check('chunkBytes', 1, 64 * 1024 * 1024);
  check('chunkDelayMs', 0, 60_000);
}

function validateRequestorSpecs(specs: ReadonlyArray<string | RequestorSpec>): void {
  const problems: Array<{ name: string; reason: string }> = [];
  for (const s of specs) {
    const names = typeof s === 'string' ? [s] : [s.displayName, s.commonName, s.rdn];
    for (const n of names) {
      if (n === undefined) continue;
      if (typeof n !== 'string' || n.trim().length === 0) problems.push({ name: String(n), reason: 'is empty' });
      else if (/[\u0000-\u001f\u007f]/.test(n)) problems.push({ name: n, reason: 'contains a control character or line break' });
      else if (n.trim().length > CONTRACT.nameRules.maxLength) problems.push({ name: n, reason: `is longer than ${CONTRACT.nameRules.maxLength} characters` });
    }
    if (typeof s !== 'string') {
      for (const n of [s.commonName, s.rdn]) {
        if (n !== undefined && n.trim().length > CONTRACT.nameRules.maxRdnLength) {
          problems.push({ name: n, reason: `a common name or RDN is limited to ${CONTRACT.nameRules.maxRdnLength} characters` });
        }
      }
    }
  }
  if (problems.length) {
    throw new ResyncError('InvalidRequestor', `Lab requestor names are not valid: ${problems.map((p) => `${JSON.stringify(p.name)} ${p.reason}`).join('; ')}.`, {
      problems,
    });
  }
}

export async function initLab(dir: string, opts: InitLabOptions = {}): Promise<LabInfo> {
  const root = resolve(dir);
  const paths = labPaths(root);
  const specs: ReadonlyArray<string | RequestorSpec> = opts.requestors && opts.requestors.length ? opts.requestors : DEFAULT_REQUESTORS;
  validateRequestorSpecs(specs);
  const recipients = opts.recipients ?? 200;
  if (!Number.isInteger(recipients) || recipients < 0 || recipients > 10_000_000) {
    throw new ResyncError('Usage', `The recipient count must be an integer between 0 and 10000000; got ${recipients}.`, { target: 'recipients' });
  }
  const timing: LabTiming = { ...DEFAULT_TIMING, ...opts.timing };
  validateTiming(timing);
  const computerName = (opts.computerName ?? DEFAULT_COMPUTER_NAME).trim();
  if (!computerName || /[\\/:*?"<>|\s]/.test(computerName)) {
    throw new ResyncError('Usage', `The lab computer name ${JSON.stringify(opts.computerName)} is not a valid computer name.`, { target: 'computerName' });
  }
  const seed = opts.seed ?? 1;
  const dxaVersion = (opts.dxaVersion ?? DEFAULT_DXA_VERSION).trim();
  if (!/^\d+(\.\d+){1,3}$/.test(dxaVersion)) {
    throw new ResyncError('Usage', `The lab DXA version must look like 5.5.2653; got ${JSON.stringify(opts.dxaVersion)}.`, { target: 'dxaVersion' });
  }
  if (opts.globalMaxSeq !== undefined && (!Number.isInteger(opts.globalMaxSeq) || opts.globalMaxSeq < 0 || opts.globalMaxSeq > 0xffffffff)) {
    throw new ResyncError('Usage', `GlobalMaxSeqInResync is a REG_DWORD; got ${String(opts.globalMaxSeq)}.`, { target: 'globalMaxSeq' });
  }
  for (const c of opts.containers ?? []) {
    if (!c.trim() || /[\u0000-\u001f\u007f\t]/.test(c)) throw new ResyncError('Usage', `A container name must be non-empty text without tabs or control characters; got ${JSON.stringify(c)}.`, { target: 'containers' });
  }

  // Refuse a folder that holds something other than a lab, and an existing lab unless forced.
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOTDIR') throw new ResyncError('InvalidPath', `${root} exists and is not a folder.`, { target: root });
    if (code !== 'ENOENT') throw new ResyncError('InvalidPath', `Cannot read ${root}: ${(e as Error).message}`, { target: root });
  }
  if (entries.length > 0) {
    if (!(await isLab(root))) {
      throw new ResyncError('InvalidPath', `${root} is not empty and is not a lab DSS; choose an empty or new folder.`, { target: root });
    }
    if (!opts.force) {
      throw new ResyncError('InvalidPath', `${root} is already a lab DSS; use --force (Force) to re-create it.`, { target: root });
    }
    await killLab(root);
    await stopLabDirectory(root);
    for (const e of LAB_ENTRIES) await rm(join(root, e), { recursive: true, force: true });
  }

  const rnd = prng(seed ^ 0x5eed);
  const srvSeq = 1000 + Math.floor(rnd() * 9000);
  const reqSeq = srvSeq - Math.floor(rnd() * 100);
  const containers = opts.containers && opts.containers.length ? opts.containers.map((c) => c.trim()) : [...DEFAULT_CONTAINERS];
  const sync = { impSeq: srvSeq, reqSeq, srvSeq };
  const requestors = withSettings(toLabRequestors(specs, LAB_NETWORK), specs, containers, sync);
  const config: LabConfig = {
    kind: 'ResyncGlb.Lab',
    version: 1,
    computerName,
    createdUtc: new Date().toISOString(),
    seed,
    recipients,
    service: !opts.noService,
    requestors,
    sync,
    containers,
    dxaVersion,
    timing,
    faults: {},
  };

  await mkdir(paths.bin, { recursive: true });
  await mkdir(paths.dxadata, { recursive: true });
  // The FileVersion line stands in for DXA.EXE's version resource (read like a real file version).
  await writeFile(paths.image, `Lab placeholder for EXCHSRVR\\BIN\\DXA.EXE; the lab DXA is \`resync-glb lab __dxa\`.\nFileVersion=${dxaVersion}\n`);
  // Placeholders for the DXA's Jet database (docs/domain.md, Q193378): never touched by ResyncGlb.
  for (const f of CONTRACT.dxaDatabaseFiles) {
    await writeFile(join(paths.dxadata, f), `Lab placeholder for the DXA database file ${f}. Never touch it (docs/domain.md, Q185225).\n`);
  }
  for (const r of requestors) await mkdir(postofficeGlb(root, r.postoffice), { recursive: true });
  const list = generateRecipients(recipients, requestors.map((r) => r.postoffice), seed, containers);
  await writeRecipients(paths.recipients, list);
  // Each postoffice starts with its own users and its own confirmed numbers (docs/lab-glb-format.md).
  for (const r of requestors) {
    const own = list.filter((x) => x.postoffice === r.postoffice).map((x) => `PCM:${r.network}/${r.postoffice}/${x.mailbox}\t${x.displayName}`);
    await writePostofficeState(root, r.postoffice, { numbers: initialPostofficeNumbers({ ...config, requestors }, r), lastImportUtc: null }, own);
  }

  const store = new RegistryStore(paths.registry);
  await writeJsonAtomic(paths.registry, emptyRegistry());
  if (!opts.noService) {
    // docs/domain.md (Q143380, Q160572): service key, display name, binary, MTA dependency.
    await store.setValue(SERVICE_KEY, CONTRACT.imagePathValue.name, { type: 'REG_EXPAND_SZ', data: paths.image });
    await store.setValue(SERVICE_KEY, SERVICE_DISPLAY_NAME_VALUE, { type: 'REG_SZ', data: CONTRACT.service.displayName });
    await store.setValue(SERVICE_KEY, SERVICE_DEPENDS_VALUE, { type: 'REG_MULTI_SZ', data: [...CONTRACT.service.dependsOn] });
    if (opts.globalMaxSeq !== undefined) {
      await store.setValue(SERVICE_KEY, CONTRACT.globalMaxSeqValue.name, { type: 'REG_DWORD', data: opts.globalMaxSeq });
    }
  }
  // docs/domain.md (Q149205; Q147374 names the key only): Exchange\Setup `Services` holds the install folder.
  await store.setValue(SETUP_KEY, CONTRACT.setupKey.installPathValue, { type: 'REG_SZ', data: paths.install });
  await writeJsonAtomic(paths.service, { status: 'Stopped', pid: null, startToken: null, since: new Date().toISOString() });
  // lab.json last: a folder is a lab only once everything else is in place.
  await writeJsonAtomic(paths.config, config);
  return { path: root, computerName, requestors, recipients, dxadata: paths.dxadata, containers, dxaVersion, globalMaxSeq: opts.globalMaxSeq };
}

