#!/usr/bin/env node
/*
 * A stand-in for pwsh in unit tests of NodePowerShellHost: it speaks the protocol node-powershell
 * drives (pwsh -NoExit -Command - reading commands from stdin line by line):
 *   [Console]::Out.WriteLine("<delimiter>") / [Console]::Error.WriteLine("<delimiter>") -> echo
 *   & '<path>' '<base64>'  -> answer for the script named in <path> (see below)
 *   the session set-up line -> remembered
 * Scripts: Hang.ps1 stops answering; Exit.ps1 exits with code 3; Stderr.ps1 writes to stderr;
 * Initialize-DssSession.ps1 with "secret":"stdin" and ReadSecret.ps1 read the next line from stdin
 * themselves (as the real script does) and report its SHA-256; anything else echoes its request.
 * Initialize-DssSession.ps1 with "secret":"pipe" connects to the credential pipe named in the
 * request (a Unix socket path here, as .NET's NamedPipeClientStream uses on Linux), sends the token,
 * reads one line and reports its SHA-256 (also appended to $FAKE_PWSH_LOG as {secretSha256}).
 * FAKE_PWSH_CONSOLE51=1 behaves like Windows PowerShell 5.1's console host, which reads -Command -
 * input through its own buffered reader: a line that arrives while a command runs is swallowed, so
 * a script that reads standard input itself waits forever.
 * Every line handled as a command is appended to $FAKE_PWSH_LOG (one JSON string per line).
 */
'use strict';
const { createHash } = require('node:crypto');
const { appendFileSync } = require('node:fs');
const net = require('node:net');
const readline = require('node:readline');

const rl = readline.createInterface({ input: process.stdin, terminal: false });
let readNext = null;
let hung = false;
let setupSeen = false;

function log(line) {
  if (process.env.FAKE_PWSH_LOG) appendFileSync(process.env.FAKE_PWSH_LOG, JSON.stringify(line) + '\n');
}
function answer(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// Lines that arrive while a script is still busy (the pipe read) wait for it, as in a real REPL.
let busy = null;
const queued = [];
function handle(raw) {
  if (busy) {
    queued.push(raw);
    return;
  }
  onLine(raw);
}
function release() {
  busy = null;
  while (!busy && queued.length) onLine(queued.shift());
}

rl.on('line', handle);

function onLine(raw) {
  if (hung) return;
  const line = raw.replace(/\r$/, '');
  if (readNext) {
    const f = readNext;
    readNext = null;
    // The 5.1 console host has already taken the line into its own buffer: the script never sees it.
    if (process.env.FAKE_PWSH_CONSOLE51 === '1') return;
    f(line);
    return;
  }
  log(line);
  let m = /^\[Console\]::(Out|Error)\.WriteLine\("([A-Za-z0-9]+)"\)$/.exec(line);
  if (m) {
    (m[1] === 'Out' ? process.stdout : process.stderr).write(m[2] + '\n');
    return;
  }
  if (line.startsWith("$ProgressPreference='SilentlyContinue'")) {
    if (process.env.FAKE_PWSH_MUTE === '1') hung = true; // a PowerShell that never starts answering
    setupSeen = true;
    return;
  }
  m = /^& '([^']+)' '([A-Za-z0-9+/]*={0,2})'$/.exec(line);
  const e = m ? null : /^& \(\[System\.Text\.Encoding\]::UTF8\.GetString\(\[System\.Convert\]::FromBase64String\('([A-Za-z0-9+/]*={0,2})'\)\)\) '([A-Za-z0-9+/]*={0,2})'$/.exec(line);
  if (e) m = [line, Buffer.from(e[1], 'base64').toString('utf8'), e[2]];
  if (!m) {
    process.stderr.write('fake-pwsh: not a command it knows\n');
    return;
  }
  const script = m[1].split(/[\\/]/).pop();
  const request = JSON.parse(Buffer.from(m[2], 'base64').toString('utf8'));
  if (script === 'Hang.ps1') {
    hung = true;
    return;
  }
  if (script === 'Exit.ps1') process.exit(3);
  if (script === 'Stderr.ps1') {
    process.stderr.write('Something went wrong in the script\n');
    return;
  }
  if (script === 'Initialize-DssSession.ps1' && request.secret === 'pipe') {
    busy = true;
    const sock = net.connect(request.secretPipe.name);
    let got = '';
    sock.on('connect', () => sock.write(request.secretPipe.token + '\n'));
    sock.on('data', (d) => (got += d.toString('utf8')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      const line = got.split('\n')[0];
      if (!got.includes('\n')) {
        answer({ ok: false, error: { id: 'CredentialUnavailable', category: 'AuthenticationError', message: 'the pipe closed without a credential', target: null } });
        release();
        return;
      }
      const secretSha256 = createHash('sha256').update(line, 'utf8').digest('hex');
      if (process.env.FAKE_PWSH_LOG) appendFileSync(process.env.FAKE_PWSH_LOG, JSON.stringify({ secretSha256 }) + '\n');
      answer({ ok: true, data: { script, secretSha256, pid: process.pid } });
      release();
    });
    return;
  }
  if (script === 'ReadSecret.ps1' || (script === 'Initialize-DssSession.ps1' && request.secret === 'stdin')) {
    readNext = (secretLine) => {
      answer({ ok: true, data: { script, secretSha256: createHash('sha256').update(secretLine, 'utf8').digest('hex'), pid: process.pid } });
    };
    return;
  }
  answer({
    ok: true,
    data: {
      script,
      request,
      pid: process.pid,
      argv: process.argv.slice(2),
      setupSeen,
      env: { TERM: process.env.TERM ?? null, NODE_POWERSHELL: process.env.NODE_POWERSHELL ?? null },
    },
  });
}
rl.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
