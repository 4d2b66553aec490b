/**
 * The lab DXA: the long-running process behind the lab's MSExchangeDX service, started detached
 * by `resync-glb lab __dxa <dir>`. It behaves as docs/domain.md says the DXA does:
 * - StartPending for timing.startMs, then Running;
 * - reads ResyncConnectionRDNs (Q150976) and matches each name, without regard to case, against the
 *   display name, common name or RDN of the lab's Remote Dirsync Requestors;
 * - names it does not know are logged as an event-136-like line in dxa.log (Q147084);
 * - when at least one is recognised it writes Resync.glb into Dxadata (DXADataPath if set,
 *   Q185504) progressively, in chunks with pauses, then removes the value itself (Q150976);
 *   with none recognised it writes nothing and leaves the value (docs/domain.md inference);
 * - stopping it while it writes Resync.glb crashes it, as older DXAs did (Q193395);
 * - a Resync.glb placed in Dxadata by someone else is imported and removed at start (Q156124); one
 *   it wrote itself is left alone unless faults.importOnStart (docs/domain.md's risk inference);
 * - then it idles until stopped: a stop request is the control file `service.control` holding
 *   "stop" (portable), or SIGTERM/SIGINT on POSIX. StopPending for timing.stopMs, then Stopped.
 * Faults from lab.json (`faults`) change this behaviour (see types.ts).
 */
import { appendFileSync, watch, type FSWatcher } from 'node:fs';
import { open, readFile, rm, mkdir, stat } from 'node:fs/promises';
import { readJson, writeJsonAtomic } from '../shared/atomic-file';
import { join, resolve } from 'node:path';
import { CONTRACT } from '../shared/contract';
import { buildLabGlb, readLabGlb, type GlbPostoffice } from './glb-format';
import { readLabConfig, setLabFaults } from './layout';
import { matchRequestorNames } from './name-matching';
import { labPaths, SERVICE_KEY, type LabPaths } from './paths';
import { ownProof, proofAlive, type ProcessProof } from '../shared/process-info';
import { fileIdentity } from '../shared/file-identity';
import { sleep } from '../shared/sleep';
import { readRecipients } from './recipients';
import { RegistryStore, type RegValue } from './registry-store';
import { resolveLabDxadata } from './dxadata';
import { readServiceFile, withServiceLock, writeServiceFile } from './service-state';
import type { LabConfig, LabRequestor, LabServiceStatus } from './types';
import { describeExport, exportOf, headerNumbers, selects } from './model';

/**
 * The lab DXA's own completion signal (a real DXA has none): which process is doing what with
 * ResyncConnectionRDNs. See GenerationStatus in src/operations/operations.ts.
 */
export interface DxaGeneration extends ProcessProof {
  state: 'checking' | 'generating' | 'written' | 'done' | 'failed';
  since: string;
  path?: string;
  /** The identity (src/shared/file-identity.ts) of the file it writes or wrote. */
  file?: string;
  length?: number;
  /** Why the generation failed (state `failed`). */
  error?: string;
}

export interface DxaState {
  /** The Resync.glb this DXA wrote last: its path and identity. */
  ownResync?: { path: string; id: string };
  generation?: DxaGeneration;
  /** The DXA process that last generated a Resync.glb (a restart after it is owed while it runs). */
  generatedBy?: ProcessProof & { at: string };
}

class LabDxa {
  private status: LabServiceStatus = 'StartPending';
  private stopRequested = false;
  private writing = false;
  private stopping = false;
  private readonly store: RegistryStore;
  /** This process's proof of life, recorded with its status (src/shared/process-info.ts). */
  private readonly proof: ProcessProof;
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;

  constructor(private readonly paths: LabPaths) {
    this.store = new RegistryStore(paths.registry);
    this.proof = ownProof(paths.root);
  }

  log(line: string): void {
    try {
      appendFileSync(this.paths.log, `${new Date().toISOString()} ${CONTRACT.service.name}[${process.pid}] ${line}\n`);
    } catch {
      /* the log is best effort */
    }
  }

  private async setStatus(status: LabServiceStatus, lastError?: string): Promise<void> {
    this.status = status;
    await withServiceLock(this.paths.service, () =>
      writeServiceFile(this.paths.service, {
        status,
        pid: status === 'Stopped' ? null : process.pid,
        startToken: status === 'Stopped' ? null : (this.proof.startToken ?? null),
        liveFile: status === 'Stopped' ? null : (this.proof.liveFile ?? null),
        since: new Date().toISOString(),
        ...(lastError ? { lastError } : {}),
      }),
    );
  }

  /** Updates the generation record in dxa-state.json, keeping what else is there. */
  private async recordGeneration(g: Omit<DxaGeneration, 'pid' | 'startToken' | 'liveFile' | 'since'>): Promise<void> {
    const cur = (await readJson<DxaState>(this.paths.dxaState).catch(() => null)) ?? {};
    // Later states keep the file this process wrote (`done` after `written`).
    const mine = cur.generation && cur.generation.pid === process.pid ? cur.generation : {};
    await writeJsonAtomic(this.paths.dxaState, {
      ...cur,
      generation: { ...mine, ...this.proof, since: new Date().toISOString(), ...g },
    } satisfies DxaState);
  }

  private async config(): Promise<LabConfig> {
    return readLabConfig(this.paths.root);
  }

  /** Refuses to run beside another live DXA of the same lab. */
  /**
   * Refuses to run beside another live DXA of the same lab. Returns when the start was requested:
   * the spawner's StartPending record for this pid, so StartPending lasts timing.startMs from the
   * request, not from when this process got going.
   */
  private async claim(): Promise<number | null> {
    return withServiceLock(this.paths.service, async () => {
      const cur = await readServiceFile(this.paths.service);
      if (cur.status !== 'Stopped' && cur.pid !== null && cur.pid !== process.pid && proofAlive({ pid: cur.pid, startToken: cur.startToken, liveFile: cur.liveFile }, this.paths.root)) return null;
      const requested = cur.pid === process.pid && cur.status === 'StartPending' ? Date.parse(cur.since) : NaN;
      const since = Number.isFinite(requested) && requested <= Date.now() ? requested : Date.now();
      await writeServiceFile(this.paths.service, {
        status: 'StartPending',
        pid: process.pid,
        startToken: this.proof.startToken ?? null,
        liveFile: this.proof.liveFile ?? null,
        since: new Date(since).toISOString(),
      });
      return since;
    });
  }

  async run(): Promise<void> {
    const requestedAt = await this.claim();
    if (requestedAt === null) {
      this.log('Another lab DXA process is already running for this lab; exiting.');
      return;
    }
    process.on('uncaughtException', (e) => void this.die(`Unexpected error: ${e.stack ?? e.message}`));
    process.on('unhandledRejection', (e) => void this.die(`Unexpected error: ${String(e)}`));
    this.listenForStop();
    let cfg = await this.config();
    this.log(`Service starting (StartPending for ${cfg.timing.startMs + (cfg.faults.startDelayMs ?? 0)} ms).`);
    const transient = (cfg.faults.failStartTimes ?? 0) > 0;
    if (cfg.faults.failStart || transient) {
      if (transient) await setLabFaults(this.paths.root, { failStartTimes: (cfg.faults.failStartTimes ?? 1) - 1 });
      await sleep(Math.min(cfg.timing.startMs, 200));
      const why = 'The lab DXA failed to start (fault fail-start), as a DXA does when its database is inconsistent (error 2140, Q185225).';
      this.log(why);
      await this.setStatus('Stopped', why);
      process.exit(1);
    }
    await sleep(Math.max(0, requestedAt + cfg.timing.startMs + (cfg.faults.startDelayMs ?? 0) - Date.now()));
    // Recorded before Running, so anyone who sees Running also sees that the value may be read now.
    await this.recordGeneration({ state: 'checking' });
    // Read while the service starts: the value acts at the DXA's next start (Q150976, docs/domain.md),
    // so one written once it runs waits for the following start.
    const value = await this.store.getValue(SERVICE_KEY, CONTRACT.resyncValue.name);
    await this.setStatus('Running');
    this.log('The Microsoft Exchange Directory Synchronization service started (lab).');
    cfg = await this.config();
    await this.importWaitingResync(cfg);
    try {
      await this.processResync(cfg, value);
    } catch (e) {
      // Never a silent stall: the failure is logged, recorded where the engine looks, and the service
      // keeps running, as a DXA that logs an error event does.
      const why = `Could not write ${CONTRACT.resyncFileName}: ${(e as Error).message}`;
      this.writing = false;
      this.log(why);
      await this.recordGeneration({ state: 'failed', error: why });
      await this.setStatus('Running', why);
      if (this.stopRequested) await this.stop();
      return;
    }
    await this.recordGeneration({ state: 'done' });
    if (this.stopRequested) await this.stop();
  }

  private listenForStop(): void {
    const onSignal = (): void => {
      void this.requestStop('signal');
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const check = (): void => {
      void this.checkControl();
    };
    try {
      this.watcher = watch(this.paths.root, (_e, name) => {
        if (name === null || String(name).startsWith('service.control')) check();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      /* polling below still works */
    }
    // Also keeps the process alive while it idles.
    this.poller = setInterval(check, 200);
  }

  private async checkControl(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.paths.control, 'utf8');
    } catch {
      return;
    }
    if (text.trim().toLowerCase() !== 'stop') return;
    await rm(this.paths.control, { force: true });
    await this.requestStop('control file');
  }

  private async requestStop(via: string): Promise<void> {
    const cfg = await this.config().catch(() => null);
    if (cfg?.faults.hangOnStop) {
      this.log(`Stop request (${via}) ignored: the service does not respond (fault hang-on-stop; Q176566).`);
      return;
    }
    if (this.writing) {
      // Q193395: stopping the service while Resync.glb is processed crashes older DXAs.
      const why = `Access violation: the service was stopped while ${CONTRACT.resyncFileName} was being written (Q193395). ${CONTRACT.resyncFileName} is incomplete.`;
      this.log(why);
      await this.setStatus('Stopped', why);
      process.exit(3);
    }
    if (this.status === 'StartPending') {
      this.stopRequested = true; // acted on once Running, as the service control manager would
      this.log(`Stop request (${via}) queued until the service has started.`);
      return;
    }
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const cfg = await this.config().catch(() => null);
    await this.setStatus('StopPending');
    this.log('Service stopping.');
    await sleep(cfg?.timing.stopMs ?? 500);
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    await this.setStatus('Stopped');
    this.log('The Microsoft Exchange Directory Synchronization service stopped (lab).');
    process.exit(0);
  }

  /** Ends the process after an error that escaped run(): logged, the service recorded Stopped with it. */
  async fail(e: unknown): Promise<void> {
    await this.die(`The lab DXA failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  private async die(why: string): Promise<void> {
    this.log(why);
    try {
      await this.setStatus('Stopped', why.split('\n')[0]);
    } finally {
      process.exit(1);
    }
  }

  /**
   * A Resync.glb waiting in Dxadata when the service starts is imported and removed, as Q156124
   * describes for a Resync.glb delivered into an Exchange server's Dxadata. What a DXA does at
   * start with a Resync.glb it generated itself and that was left there is not documented
   * (docs/domain.md only calls it a risk), so the lab leaves its own file alone unless
   * faults.importOnStart asks it to process any waiting file (the risk scenario).
   */
  private async importWaitingResync(cfg: LabConfig): Promise<void> {
    const where = await resolveLabDxadata(this.store, this.paths.root);
    if (!where) return;
    const file = join(where.path, CONTRACT.resyncFileName);
    let id: string;
    try {
      id = fileIdentity(await stat(file, { bigint: true }));
    } catch {
      return;
    }
    const own = await readJson<DxaState>(this.paths.dxaState).catch(() => null);
    if (!cfg.faults.importOnStart && own?.ownResync && own.ownResync.path === file && own.ownResync.id === id) {
      this.log(`The ${CONTRACT.resyncFileName} this DXA wrote earlier is still in ${where.path}; left as it is.`);
      return;
    }
    let info: Awaited<ReturnType<typeof readLabGlb>>;
    try {
      info = await readLabGlb(file);
    } catch (e) {
      this.log(`Could not read ${file} to import it: ${(e as Error).message}`);
      return;
    }
    const what =
      info.format === 'Lab'
        ? `${info.transactions} transactions, ${info.complete ? 'complete' : `incomplete: ${info.problem}`}`
        : 'not in the lab layout, taken as it is';
    // Logged before the file goes: whoever waits for it to vanish then finds the import in dxa.log.
    this.log(`Imported the ${CONTRACT.resyncFileName} found in ${where.path} at start (${info.length} bytes; ${what}); removing it (Q156124).`);
    await rm(file, { force: true });
  }

  private async processResync(cfg: LabConfig, value: RegValue | null): Promise<void> {
    if (!value) return;
    if (value.type !== 'REG_MULTI_SZ') {
      this.log(`${CONTRACT.resyncValue.name} is ${value.type}, not ${CONTRACT.resyncValue.type}; ignored.`);
      return;
    }
    const names = value.data;
    const match = cfg.faults.unrecognise ? { recognised: [], unrecognised: [...names] } : matchRequestorNames(names, cfg.requestors);
    for (const n of match.unrecognised) {
      // Q147084: the DXA discards dirsync work for requestors it does not know (event 136).
      this.log(`Event 136 (MSExchangeDX, lab): ${JSON.stringify(n)} in ${CONTRACT.resyncValue.name} matches no Remote Dirsync Requestor; ignored.`);
    }
    if (match.recognised.length === 0) {
      this.log(`No requestor in ${CONTRACT.resyncValue.name} was recognised; no ${CONTRACT.resyncFileName} written; the value is left in place.`);
      return;
    }
    const where = await resolveLabDxadata(this.store, this.paths.root);
    if (!where) {
      this.log('Cannot find Dxadata (no DXADataPath, setup key or ImagePath); nothing written.');
      return;
    }
    // The DXA's database lives in Dxadata (Q193378): without the folder there is nothing to work from.
    if (!(await stat(where.path).then((s) => s.isDirectory(), () => false))) {
      this.log(`Dxadata ${where.path} does not exist; no ${CONTRACT.resyncFileName} written; the value is left in place.`);
      return;
    }
    this.log(`Generating ${CONTRACT.resyncFileName} for ${match.recognised.map((r) => JSON.stringify(r.displayName)).join(', ')} in ${where.path}.`);
    await this.recordGeneration({ state: 'generating', path: join(where.path, CONTRACT.resyncFileName) });
    if (cfg.faults.prepareMs) await sleep(cfg.faults.prepareMs);
    await this.writeResync(cfg, join(where.path, CONTRACT.resyncFileName), match.recognised);
    await this.store.deleteValue(SERVICE_KEY, CONTRACT.resyncValue.name);
    this.log(`Removed ${CONTRACT.resyncValue.name} (Q150976).`);
  }

  /**
   * The file holds what the named requestors' export settings select (Q156063). Named requestors
   * whose settings differ cannot be served by one file; what a real DXA then writes is not
   * documented, so the lab uses the first named requestor's settings and says so in dxa.log.
   * Header numbers: docs/lab-glb-format.md, "The lab's model" (Q215505).
   */
  private async writeResync(cfg: LabConfig, file: string, named: LabRequestor[]): Promise<void> {
    const recipients = await readRecipients(this.paths.recipients).catch(() => []);
    const first = named[0] as LabRequestor;
    const settings = exportOf(first);
    const differ = named.filter((r) => JSON.stringify(describeExport(exportOf(r))) !== JSON.stringify(describeExport(settings)));
    if (differ.length) {
      this.log(`Named requestors have different export settings (${differ.map((r) => JSON.stringify(r.displayName)).join(', ')} differ from ${JSON.stringify(first.displayName)}); one file cannot serve them all (Q156063). The lab writes what ${JSON.stringify(first.displayName)}'s settings select.`);
    }
    const byPo = new Map<string, GlbPostoffice>();
    for (const r of cfg.requestors) byPo.set(r.postoffice, { network: r.network, postoffice: r.postoffice, addresses: [] });
    for (const rc of recipients) if (selects(settings, rc)) byPo.get(rc.postoffice)?.addresses.push({ mailbox: rc.mailbox, displayName: rc.displayName });
    const gms = await this.store.getValue(SERVICE_KEY, CONTRACT.globalMaxSeqValue.name);
    const { numbers, fromAll } = headerNumbers(cfg, named, gms && gms.type === 'REG_DWORD' ? gms.data : null);
    this.log(`Header numbers IMPSEQ ${numbers.impSeq}, REQSEQ ${numbers.reqSeq}, SRVSEQ ${numbers.srvSeq}, from ${fromAll ? 'all registered requestors (GlobalMaxSeqInResync = 1; Q215505)' : 'the named requestors only'}.`);
    const data = buildLabGlb(numbers, [...byPo.values()]);
    const chunk = cfg.timing.chunkBytes;
    const delay = cfg.faults.slowWriteMs ?? cfg.timing.chunkDelayMs;
    await mkdir(resolve(file, '..'), { recursive: true });
    this.writing = true;
    const fh = await open(file, 'w');
    // Remember which file is this DXA's own (before any data: a crash must not lose it).
    const identity = fileIdentity(await fh.stat({ bigint: true }));
    const cur = (await readJson<DxaState>(this.paths.dxaState).catch(() => null)) ?? {};
    await writeJsonAtomic(this.paths.dxaState, {
      ...cur,
      ownResync: { path: file, id: identity },
      generation: { ...this.proof, since: new Date().toISOString(), state: 'generating', path: file, file: identity },
    } satisfies DxaState);
    // With crash-mid-write the process dies once half the file is out, leaving it truncated.
    const crashAt = cfg.faults.crashMidWrite ? Math.max(1, Math.floor(data.length / 2)) : Infinity;
    for (let off = 0; off < data.length; off += chunk) {
      const end = Math.min(off + chunk, data.length, crashAt);
      await fh.write(data, off, end - off, off);
      if (end >= crashAt) {
        this.log(`Crashing mid-write after ${end} of ${data.length} bytes (fault crash-mid-write).`);
        process.kill(process.pid, 'SIGKILL');
        await sleep(60_000);
      }
      if (delay > 0 && end < data.length) await sleep(delay);
    }
    await fh.sync();
    await fh.close();
    this.writing = false;
    this.log(`Wrote ${CONTRACT.resyncFileName}: ${data.length} bytes.`);
    const hold = cfg.faults.holdOpenMs ?? 0;
    if (hold > 0) {
      // A reader that opens the finished file for reading and keeps it open (fault hold-open).
      const reader = await open(file, 'r');
      this.log(`A reader holds ${CONTRACT.resyncFileName} open for ${hold} ms (fault hold-open).`);
      setTimeout(() => {
        void reader.close().then(() => this.log(`The reader closed ${CONTRACT.resyncFileName}.`));
      }, hold);
    }
    await this.recordGeneration({ state: 'written', path: file, file: identity, length: data.length });
    // Q156063 asks for a restart after each generation; until this process ends the lab counts it
    // as owed (lab status shows RestartAfterGeneration). What a real DXA does without it is not
    // documented: the lab only reports it.
    await writeJsonAtomic(this.paths.dxaState, { ...((await readJson<DxaState>(this.paths.dxaState).catch(() => null)) ?? {}), generatedBy: { ...this.proof, at: new Date().toISOString() } } satisfies DxaState);
    this.log('Resync.glb generated: the service must be restarted before normal directory synchronization resumes (Q156063).');
  }
}

/** Entry point of the hidden `resync-glb lab __dxa <dir>` command. Runs until the service stops. */
export async function runDxaService(dir: string): Promise<void> {
  const dxa = new LabDxa(labPaths(resolve(dir)));
  // An error outside the generation (a state file that cannot be written) must not leave a process that
  // keeps running, and reports StartPending, forever: it is logged and the service ends Stopped.
  await dxa.run().catch((e: unknown) => dxa.fail(e));
}
