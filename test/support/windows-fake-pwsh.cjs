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
 * Every line handled as a command is appended to $FAKE_PWSH_LOG (one JSON string per line).
 */
'use strict';
const { createHash } = require('node:crypto');
const { appendFileSync } = require('node:fs');
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

rl.on('line', (raw) => {
  if (hung) return;
  const line = raw.replace(/\r$/, '');
  if (readNext) {
    const f = readNext;
    readNext = null;
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
});
rl.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
