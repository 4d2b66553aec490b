/**
 * Issue 15 through the built bundle on real lab DXA processes: hostile input reaches the registry
 * store byte for byte and executes nothing; one run per DSS; a killed run at every step boundary is
 * recovered; the audit trail is whole and holds no secret.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { cleanupLabs, cli, cliAsync, dxadata, ensureBundle, labStatus, labValue, newLab, rpc } from '../support/helpers';

beforeAll(() => ensureBundle());
afterEach(() => cleanupLabs());

const sentinelDir = join(tmpdir(), `resync-sentinel-${process.pid}`);
const hostileParts = [
  `'`, `"`, '‘', '’', '“', '”', '$(touch SENTINEL)', '`touch SENTINEL`', '; touch SENTINEL', '| touch SENTINEL', '& touch SENTINEL',
  '$env:PATH', '%PATH%', '\\\\server\\share', 'Zürich', '東京', '🙂', ' -Force', '--force', '@{a=1}', '${x}', '*?[]',
];

async function until(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function auditEvents(lab: string): Array<Record<string, unknown>> {
  const file = join(lab, 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('hostile requestor names', () => {
  it('reach the registry store byte for byte through the CLI and execute nothing (property)', async () => {
    mkdirSync(sentinelDir, { recursive: true });
    const lab = newLab();
    // The DXA recognises nothing, so the value stays in the store while the run waits; then it is cancelled.
    cli(['lab', 'fault', lab, '--unrecognise']);
    const name = fc
      .array(fc.constantFrom(...hostileParts.map((p) => p.replace('SENTINEL', join(sentinelDir, 'cli')))), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join('x').trim())
      .filter((s) => s.length > 0 && s.length <= 256);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 3, selector: (s) => s.toLocaleUpperCase('en-US') }), async (names) => {
        const run = cliAsync(['new', '--lab', lab, ...names.flatMap((n) => ['--requestor', n]), '--recognition-timeout', '60', '--json']);
        try {
          await until(() => labValue(lab) !== null, 30_000);
          expect(labValue(lab)).toEqual(names);
        } finally {
          run.child.kill('SIGINT');
          const r = await run.done;
          expect(r.json?.error?.id).toBe('Cancelled');
        }
        expect(labValue(lab)).toBeNull();
      }),
      { numRuns: 6 },
    );
    expect(readdirSync(sentinelDir)).toEqual([]);
    rmSync(sentinelDir, { recursive: true, force: true });
  });

  it('arrive byte for byte through the protocol, with control characters rejected as InvalidRequestor', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--unrecognise']);
    const names = [`a'b"c`, '‘x’ “y”', '$(Remove-Item -Recurse /)', '`n; | &', 'x'.repeat(256)];
    const s = rpc({ protocol: 1, command: 'new', params: { labPath: lab, requestor: names, recognitionSec: 60 } });
    await until(() => labValue(lab) !== null, 30_000);
    expect(labValue(lab)).toEqual(names);
    s.send('{"control":"cancel"}');
    await s.done;
    expect(labValue(lab)).toBeNull();
    for (const bad of ['nul\u0000in', 'tab\tin', 'x'.repeat(257), '']) {
      const r = rpc({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['ok', bad] } }, false);
      const { code, events } = await r.done;
      expect(code).toBe(2);
      expect(events.find((e) => e.event === 'error')).toMatchObject({ id: 'InvalidRequestor' });
    }
    expect(labValue(lab)).toBeNull();
  });
});

describe('one run per DSS', () => {
  it('a second run fails fast with Busy, naming the holder and since when', async () => {
    const lab = newLab();
    cli(['lab', 'fault', lab, '--start-delay', '4000']);
    const first = cliAsync(['new', '--lab', lab, '-r', 'PO1', '--json']);
    await until(() => existsSync(join(lab, '.resyncglb', 'run.lock')), 20_000);
    const second = cli(['new', '--lab', lab, '-r', 'PO2', '--json']);
    expect(second.code).toBe(3);
    expect(second.json.error.id).toBe('Busy');
    expect(second.json.error.message).toContain(hostname());
    expect(second.json.error.details.holder.since).toMatch(/^\d{4}-/);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.Requestor).toEqual(['PO1']);
  });

  it('a lock left by a dead run is detected and its journal rolled back before the next run', () => {
    const lab = newLab();
    // A run that died right after writing the value and stopping the service.
    cli(['lab', 'stop', lab]);
    writeFileSync(join(lab, 'registry.json'), readFileSync(join(lab, 'registry.json'), 'utf8'));
    const dead = { runId: 'dead-run', pid: 2 ** 22 + 12345, host: hostname(), user: 'someone', since: '2026-01-01T00:00:00.000Z', computerName: 'LABDSS',
      state: { runId: 'dead-run', computerName: 'LABDSS', stamp: '20260101T000000000Z', priorServiceStatus: 'Running', priorValue: null, requestors: ['PO2'], dxadata: dxadata(lab), filePath: join(dxadata(lab), 'Resync.glb'), outputFolder: join(lab, 'output'), valueWritten: true, serviceStopped: true, serviceStarted: false, fileTaken: false } };
    cli(['lab', 'fault', lab, '--pending-value', 'PO2']);
    mkdirSync(join(lab, '.resyncglb'), { recursive: true });
    writeFileSync(join(lab, '.resyncglb', 'run.lock'), JSON.stringify(dead));
    const r = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dead-run');
    expect(r.json.Requestor).toEqual(['PO1']);
    expect(labValue(lab)).toBeNull();
    expect(labStatus(lab)).toBe('Running');
    expect(auditEvents(lab).some((e) => e.event === 'recovered' && e.staleRunId === 'dead-run')).toBe(true);
  });
});

describe('a killed bundle, at every step boundary', () => {
  it.each(['start', 'value-written', 'service-stop', 'service-start', 'file-moved'])(
    'killed right after %s: recover leaves no value, the service running and nothing in Dxadata',
    async (step) => {
      const lab = newLab();
      cli(['lab', 'fault', lab, '--slow-write', '5']);
      const run = cliAsync(['new', '--lab', lab, '-r', 'PO1', '-r', 'PO2', '--json']);
      await until(() => auditEvents(lab).some((e) => e.event === step), 30_000);
      run.child.kill('SIGKILL');
      await run.done;
      const rec = cli(['recover', '--lab', lab, '-v']);
      expect(rec.code, rec.stderr).toBe(0);
      // the DXA may still be finishing a file it started; recover waited for it and moved it out
      expect(labValue(lab)).toBeNull();
      expect(labStatus(lab)).toBe('Running');
      expect(readdirSync(dxadata(lab))).not.toContain('Resync.glb');
      expect(existsSync(join(lab, '.resyncglb', 'run.lock'))).toBe(false);
      // and the DSS is usable again
      const again = cli(['new', '--lab', lab, '-r', 'PO1', '--json']);
      expect(again.code, again.stderr).toBe(0);
    },
  );
});

describe('audit trail', () => {
  it('has one whole JSON line per change and per outcome, and never the secret', async () => {
    const lab = newLab();
    const password = 'S3cr3t-"quoted"-$(x)';
    const s = rpc({ protocol: 1, command: 'new', params: { labPath: lab, requestor: ['PO1'], force: true }, secret: { userName: 'CORP\\admin', password } });
    await s.waitFor((e) => e.event === 'end');
    s.child.stdin!.end();
    const { events } = await s.done;
    cli(['new', '--lab', lab, '-r', 'NOSUCH', '--recognition-timeout', '1']);
    const lines = readFileSync(join(lab, 'audit.jsonl'), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const parsed = lines.filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((e) => e.event === 'outcome').map((e) => e.result)).toEqual(['success', 'failed']);
    for (const e of parsed) expect(Object.keys(e)).toEqual(expect.arrayContaining(['time', 'runId', 'user', 'workstation', 'computerName', 'event']));
    const everything = [JSON.stringify(events)];
    // every text file the run wrote: audit log, backups (.json, .reg in UTF-16), lock leftovers
    for (const root of [lab, join(lab, 'output')]) {
      for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || entry.name.endsWith('.glb') || entry.name.endsWith('.tsv')) continue;
        const bytes = readFileSync(join(entry.parentPath, entry.name));
        everything.push(bytes.toString('utf8'), bytes.toString('utf16le'));
      }
    }
    for (const text of everything) expect(text).not.toContain('S3cr3t');
  });
});
