/**
 * The Exchange directory against a real OpenLDAP slapd that the lab starts on a loopback port
 * (resync-glb lab directory start), through the built bundle: listing, name filters with hostile
 * names, configuration groups, New-ResyncGlb's preflight with near matches, and every failure.
 * Skipped, with the reason, where slapd is not installed (Debian package slapd).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BUNDLE, cli, cleanupLabs, labSnapshot, labValue, newLab, rpc } from '../support/helpers';
import { findSlapdTool, labSlapdPid } from '../../src/lab/directory-server';

const slapd = findSlapdTool('slapd') && findSlapdTool('slapadd');
const PW = 'lab-directory pässword 1';
const ADMIN = 'LABDOM\\admin';
const HOSTILE = 'Odd (x) *\\';

function dirStart(lab: string, extra: string[] = []): { port: number } {
  const r = cli(['lab', 'directory', 'start', lab, '--password-stdin', '--json', ...extra], `${PW}\n`);
  if (r.code !== 0) throw new Error(`lab directory start failed: ${r.stderr}`);
  return { port: r.json.Port as number };
}

function requestors(lab: string, args: string[] = [], user = ADMIN, pw = PW) {
  return cli(['requestors', '--lab', lab, '--user', user, '--password-stdin', '--json', ...args], `${pw}\n`);
}

function asList<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

const started: string[] = [];

describe.skipIf(!slapd)(`the lab directory and the requestors command (${slapd ? 'slapd found' : 'skipped: slapd is not installed (apt-get install slapd)'})`, () => {
  let lab: string;

  beforeAll(() => {
    lab = newLab([], ['Sales PO|SALESPO|SALES', 'Engineering PO|ENGPO|ENG', `${HOSTILE}|ODD*|ODD)(`, 'Star *|STAR|STAR']);
    started.push(lab);
    dirStart(lab, ['--trust-level', 'Engineering PO=2']);
  });

  afterAll(() => {
    for (const l of started) cli(['lab', 'directory', 'stop', l]);
    cleanupLabs();
  });

  it('lists every requestor with its names, sequence numbers and export settings', () => {
    const r = requestors(lab);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = asList(r.json);
    expect(list.map((x: any) => x.DisplayName)).toEqual(['Sales PO', 'Engineering PO', HOSTILE, 'Star *']); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(list[0]).toMatchObject({ CommonName: 'SALESPO', Rdn: 'SALES', Requestor: 'SALES', ReqName: 'SALESPO', ConfSeq: 1, ExportNow: false, LabPath: lab });
    expect(list[2]).toMatchObject({ CommonName: 'ODD*', Rdn: 'ODD)(' });
    expect(typeof list[0].ReqSeq).toBe('number');
    expect(list[1].ExportSettings['Trust-Level']).toEqual(['2']);
    expect(list[0].ExportSettings['Trust-Level']).toEqual(['0']);
  });

  it('treats *, (, ), \\ in a name filter as data: only the requestor with that exact name comes back', () => {
    expect(asList(requestors(lab, ['-n', '*']).json)).toEqual([]);
    expect(asList(requestors(lab, ['-n', 'Star *']).json).map((x: any) => x.Rdn)).toEqual(['STAR']); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(asList(requestors(lab, ['-n', HOSTILE]).json).map((x: any) => x.Rdn)).toEqual(['ODD)(']); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(asList(requestors(lab, ['-n', 'ODD)(']).json).map((x: any) => x.DisplayName)).toEqual([HOSTILE]); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(asList(requestors(lab, ['-n', ')(cn=*']).json)).toEqual([]);
  });

  it('a NUL in a name (possible only through the protocol) is escaped as data too', async () => {
    const session = rpc({ protocol: 1, command: 'requestors', params: { labPath: lab, name: ['SALES\u0000', 'SALES'] }, secret: { userName: ADMIN, password: PW } });
    const { code, events } = await session.done;
    expect(code).toBe(0);
    const results = events.filter((e) => e.event === 'result').map((e) => (e.data as { Rdn: string }).Rdn);
    expect(results).toEqual(['SALES']);
    const none = await rpc({ protocol: 1, command: 'requestors', params: { labPath: lab, name: ['SALES\u0000'] }, secret: { userName: ADMIN, password: PW } }).done;
    expect(none.events.filter((e) => e.event === 'result')).toEqual([]);
    expect(none.code).toBe(0);
  });

  it('groups requestors by export configuration, RDNs in Requestor', () => {
    const r = requestors(lab, ['--group-by-configuration']);
    expect(r.code).toBe(0);
    const groups = asList(r.json);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ Requestor: ['SALES', 'ODD)(', 'STAR'], Count: 3, LabPath: lab });
    expect(groups[1]).toMatchObject({ Requestor: ['ENG'], DisplayName: ['Engineering PO'], Count: 1 });
    expect(groups[1].Configuration).toContain('Trust-Level=2');
  });

  it('new --validate-with-directory refuses a typo in preflight with RequestorNotFound naming the near match, and changes nothing', () => {
    const before = labSnapshot(lab);
    const audit = join(lab, 'audit.jsonl');
    const auditBefore = existsSync(audit) ? readFileSync(audit, 'utf8') : '';
    const t0 = Date.now();
    const r = cli(['new', '--lab', lab, '--validate-with-directory', '--user', ADMIN, '--password-stdin', '-r', 'Slaes PO', '--json'], `${PW}\n`);
    const ms = Date.now() - t0;
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('RequestorNotFound');
    expect(r.json.error.details.problems).toEqual([expect.objectContaining({ name: 'Slaes PO', suggestions: ['Sales PO'] })]);
    expect(r.stderr).toContain('did you mean "Sales PO"?');
    expect(labSnapshot(lab)).toBe(before);
    expect(labValue(lab)).toBeNull();
    expect(existsSync(audit) ? readFileSync(audit, 'utf8') : '').toBe(auditBefore);
    console.log(`directory preflight refusal, whole CLI process: ${ms} ms`);
  });

  it('new with names the directory knows passes the preflight and generates Resync.glb; a mixed-configuration set is warned about', () => {
    const r = cli(['new', '--lab', lab, '--validate-with-directory', '--user', ADMIN, '--password-stdin', '-r', 'sales po', '-r', 'ENG', '--json', '-v'], `${PW}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.Requestor).toEqual(['sales po', 'ENG']);
    expect(r.stderr).toMatch(/2 different export configurations \(SALES \| ENG\)/);
    expect(r.stderr).toMatch(/Directory preflight: 2 of 2 name\(s\) found/);
  });

  it('for a Windows DSS the check runs before the DSS is reached: an unknown name fails without any PowerShell or host', () => {
    const info = JSON.parse(readFileSync(join(lab, 'directory', 'directory.json'), 'utf8')) as { url: string };
    const r = cli(
      ['new', '--computer-name', 'NO-SUCH-DSS.invalid', '--transport', 'Rpc', '--powershell', '/nonexistent/pwsh', '--directory-server', info.url, '--user', ADMIN, '--password-stdin', '-r', 'Enginering PO', '--json'],
      `${PW}\n`,
    );
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('RequestorNotFound');
    expect(r.json.error.details.problems[0].suggestions).toEqual(['Engineering PO']);
  });

  it('names a lagging sequence number (GlobalMaxSeqInResync, Q215505) under --what-if, changing nothing', () => {
    const before = labSnapshot(lab);
    const r = cli(['new', '--lab', lab, '--validate-with-directory', '--user', ADMIN, '--password-stdin', '-r', 'ENG', '--what-if'], `${PW}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/highest IMPSEQ, REQSEQ, SRVSEQ are below those of other requestors.*GlobalMaxSeqInResync is 1.*Q215505/);
    expect(labSnapshot(lab)).toBe(before);
    const top = cli(['new', '--lab', lab, '--validate-with-directory', '--user', ADMIN, '--password-stdin', '-r', 'SALES', '--what-if'], `${PW}\n`);
    // The directory's own check names no lag for the group that holds the highest numbers (the procedure's
    // general warning that other requestors exist may still name GlobalMaxSeqInResync).
    expect(top.stderr).not.toMatch(/are below those of other requestors/);
  });

  it("keeps the accounts' password out of every file of the lab directory (only {SSHA} hashes)", () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const files = walk(join(lab, 'directory'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(readFileSync(f).includes(Buffer.from(PW, 'utf8')), f).toBe(false);
    expect(files.some((f) => readFileSync(f).includes(Buffer.from('{SSHA}')))).toBe(true);
  });

  it('an attribute map overrides the assumed names (display name read from cn)', () => {
    const r = requestors(lab, ['--map', 'displayName=cn']);
    expect(r.code).toBe(0);
    expect(asList(r.json).map((x: any) => x.DisplayName)).toEqual(['SALESPO', 'ENGPO', 'ODD*', 'STAR']); // eslint-disable-line @typescript-eslint/no-explicit-any
    const optional = requestors(lab, ['--map', 'reqSeq=Nope-Seq']);
    expect(optional.code).toBe(0);
    expect(optional.stderr).toMatch(/WARNING: The directory's schema has no attribute Nope-Seq/);
    expect(asList(optional.json).map((x: any) => x.ReqSeq)).toEqual([null, null, null, null]); // eslint-disable-line @typescript-eslint/no-explicit-any
    const bad = requestors(lab, ['--map', 'objectClass=Dirsync-Requestor']);
    expect(bad.code).toBe(3);
    expect(bad.json.error.id).toBe('DirectorySchemaMismatch');
    expect(bad.json.error.message).toContain('"Dirsync-Requestor"');
    expect(bad.json.error.details.classesLike).toEqual(['Remote-DXA']);
  });

  it('a wrong password is DirectoryBindRefused, and the password appears nowhere in the output', () => {
    const r = requestors(lab, [], ADMIN, 'not the password');
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('DirectoryBindRefused');
    expect(r.json.error.message).toContain('cn=admin,cn=LABDOM');
    expect(r.json.error.message).toContain('invalidCredentials');
    expect(`${r.stdout}${r.stderr}`).not.toContain('not the password');
  });

  it('an account without rights on Configuration, or no account, is DirectoryAccessDenied', () => {
    const r = requestors(lab, [], 'LABDOM\\reader');
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('DirectoryAccessDenied');
    expect(r.json.error.message).toContain('cn=reader,cn=LABDOM');
    const anon = cli(['requestors', '--lab', lab, '--json']);
    expect(anon.json.error.id).toBe('DirectoryAccessDenied');
    // A name filter that matches nothing must not hide the missing rights.
    expect(requestors(lab, ['-n', 'Sales PO'], 'LABDOM\\reader').json.error.id).toBe('DirectoryAccessDenied');
  });

  it('an account name that is neither DOMAIN\\account nor a DN is a Usage error', () => {
    const r = requestors(lab, [], 'admin');
    expect(r.code).toBe(2);
    expect(r.json.error.id).toBe('Usage');
  });

  it('reads the same requestors from an admin /e raw-mode export, and new checks names against it', () => {
    const file = join(lab, 'connections.csv');
    writeFileSync(
      file,
      [
        'Obj-Class,Obj-Dist-Name,Common-Name,Admin-Display-Name,DXA-Req-Seq,Trust-Level,Export-Containers',
        'Dirsync-Server,/o=ResyncLab/ou=LabSite/cn=Configuration/cn=Connections/cn=LABDSS,LABDSS,LABDSS,,,',
        'Remote-DXA,/o=ResyncLab/ou=LabSite/cn=Configuration/cn=Connections/cn=LABDSS/cn=SALES,SALESPO,Sales PO,12,0,cn=Recipients%cn=Custom',
        `Remote-DXA,/o=ResyncLab/ou=LabSite/cn=Configuration/cn=Connections/cn=LABDSS/cn=ODD)(,ODD*,"${HOSTILE.replace(/"/g, '""')}",9,0,cn=Custom%cn=Recipients`,
        '',
      ].join('\r\n'),
    );
    const r = cli(['requestors', '--export-file', file, '--group-by-configuration', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ Requestor: ['SALES', 'ODD)('], DisplayName: ['Sales PO', HOSTILE], MaxReqSeq: 12, Count: 2 });
    const before = labSnapshot(lab);
    const n = cli(['new', '--lab', lab, '--directory-export-file', file, '-r', 'Engineering PO', '--json']);
    expect(n.code).toBe(3);
    expect(n.json.error.id).toBe('RequestorNotFound');
    expect(labSnapshot(lab)).toBe(before);
  });

  it('a directory whose schema lacks the Remote-DXA class is DirectorySchemaMismatch', () => {
    const other = newLab(['--no-service'], ['PO1']);
    started.push(other);
    dirStart(other, ['--without-requestor-class']);
    const r = requestors(other);
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('DirectorySchemaMismatch');
    expect(r.json.error.message).toContain('"Remote-DXA"');
  });

  it('a stopped slapd is DirectoryUnreachable, for requestors and for new (which then changes nothing)', () => {
    const other = newLab([], ['PO1']);
    started.push(other);
    dirStart(other);
    expect(cli(['lab', 'directory', 'stop', other, '--json']).json).toMatchObject({ Running: false, WasRunning: true });
    const r = requestors(other);
    expect(r.code).toBe(3);
    expect(r.json.error.id).toBe('DirectoryUnreachable');
    expect(r.json.error.message).toContain('ECONNREFUSED');
    const before = labSnapshot(other);
    const n = cli(['new', '--lab', other, '--validate-with-directory', '--user', ADMIN, '--password-stdin', '-r', 'PO1', '--json'], `${PW}\n`);
    expect(n.json.error.id).toBe('DirectoryUnreachable');
    expect(labSnapshot(other)).toBe(before);
  });

  it.skipIf(!existsSync('/usr/bin/openssl'))('LDAPS: a lab slapd with a self-signed certificate is refused until its certificate is trusted, then read', async () => {
    const other = newLab(['--no-service'], ['PO1']);
    started.push(other);
    const r = cli(['lab', 'directory', 'start', other, '--password-stdin', '--ldaps', '--json'], `${PW}\n`);
    expect(r.code, r.stderr).toBe(0);
    const url = r.json.LdapsUrl as string;
    expect(url).toMatch(/^ldaps:\/\/127\.0\.0\.1:\d+$/);
    const untrusted = cli(['requestors', '--directory-server', url, '--user', ADMIN, '--password-stdin', '--json'], `${PW}\n`);
    expect(untrusted.json.error.id).toBe('DirectoryUnreachable');
    expect(untrusted.json.error.message).toMatch(/SELF_SIGNED|certificate/i);
    // NODE_EXTRA_CA_CERTS names a public certificate file, not a secret.
    const trusted = await new Promise<{ code: number | null; out: string }>((res) => {
      const child = spawn(process.execPath, [BUNDLE, 'requestors', '--directory-server', url, '--ldaps', 'Always', '--user', ADMIN, '--password-stdin', '--json'], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: r.json.CertificateFile as string },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => res({ code, out }));
      child.stdin.end(`${PW}\n`);
    });
    expect(trusted.code).toBe(0);
    expect(JSON.parse(trusted.out)).toMatchObject({ DisplayName: 'PO1', Source: url });
  });

  it('a server that accepts the connection but never answers times out as DirectoryUnreachable', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; out: string }>((res) => {
        const child = spawn(process.execPath, [BUNDLE, 'requestors', '--directory-server', `127.0.0.1:${port}`, '--timeout', '1', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => res({ code, out }));
      });
      expect(r.code).toBe(3);
      const err = JSON.parse(r.out).error;
      expect(err.id).toBe('DirectoryUnreachable');
      expect(err.message).toMatch(/timed out/i);
    } finally {
      silent.close();
    }
  });

  it('lab init --force stops the lab slapd and removes its folder, so no stale directory survives a re-init', async () => {
    const other = newLab(['--no-service'], ['PO1']);
    started.push(other);
    dirStart(other);
    const pid = await labSlapdPid(other);
    expect(pid).toBeGreaterThan(0);
    const r = cli(['lab', 'init', other, '--force', '--no-service', '-r', 'PO9', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(() => process.kill(pid!, 0)).toThrow();
    expect(existsSync(join(other, 'directory'))).toBe(false);
  });
});
