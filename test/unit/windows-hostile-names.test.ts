/**
 * Requestor names are rejected earlier by the name rules when they are dangerous, but whatever
 * reaches the Windows operations must arrive in the script's request byte for byte and must never
 * appear in command text: the command is always exactly `& '<script>' '<base64>'`.
 */
import { resolve, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openWindowsOperations } from '../../src/operations/windows';
import { buildCommand, parseCommand } from '../../src/operations/windows/scripts';
import { FakePowerShellHost, ok, withSession } from '../support/windows-fake-host';

const PS1 = resolve(__dirname, '..', '..', 'ps1');

const HOSTILE = [
  "it's",
  'say "hi"',
  'it\u2018s \u2019quoted\u2019 \u201Cdouble\u201D \u201A\u201B',
  '$(Remove-Item -Recurse C:\\)',
  '${env:USERNAME} $env:COMPUTERNAME',
  '`n`r`0 back`ticks',
  "a\"b'; Stop-Service MSExchangeDX; '",
  'PO1; Stop-Service MSExchangeDX',
  'PO1 | Out-File C:\\x',
  'line1\nline2',
  'cr\rlf\r\n',
  'tab\there',
  '@{a=1}; & { calc }',
  'Zürich Poste – Büro',
  '東京郵便局',
  'emoji 📮 mailbox',
  '2026-01-02T03:04:05Z',
  '/Date(0)/',
  '\\/Date(1234567890)\\/',
  '  padded  ',
  '#comment <# block #>',
  'x'.repeat(256),
];

const commandRe = /^& '([^'\u2018-\u201B]+)' '([A-Za-z0-9+/]*={0,2})'$/;

describe('hostile requestor names at the PowerShell boundary', () => {
  it('reach Set-ResyncValue.ps1 byte for byte and never appear in the command text', async () => {
    const host = new FakePowerShellHost(withSession(() => ok({ action: 'Created', previous: null })));
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', host, scriptDir: PS1 });
    await ops.setResyncValue(HOSTILE);
    await ops.dispose();
    const call = host.calls.find((c) => c.script === 'Set-ResyncValue.ps1');
    expect(call).toBeDefined();
    const names = call?.request.names as string[];
    expect(names).toHaveLength(HOSTILE.length);
    HOSTILE.forEach((n, i) => expect(Buffer.from(names[i] as string, 'utf8').equals(Buffer.from(n, 'utf8')), JSON.stringify(n)).toBe(true));
    // The request bytes are exactly the JSON of the request: nothing was normalised on the way.
    expect(call?.requestBytes.toString('utf8')).toBe(JSON.stringify(call?.request));
    for (const c of host.calls) {
      const m = commandRe.exec(c.command);
      expect(m, c.command).not.toBeNull();
      expect(c.command).toBe(`& '${join(PS1, c.script)}' '${m?.[2]}'`);
      for (const n of HOSTILE) expect(c.command.includes(n)).toBe(false);
      expect(c.command).not.toMatch(/[$`"\n\r;|\u2018-\u201D]/);
    }
  });

  it('any Unicode name round-trips through the command unchanged (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 5 }), (names) => {
        const command = buildCommand(PS1, 'Set-ResyncValue.ps1', { names });
        const parsed = parseCommand(command);
        expect(parsed).not.toBeNull();
        expect(command).toBe(`& '${join(PS1, 'Set-ResyncValue.ps1')}' '${parsed?.base64}'`);
        const back = JSON.parse(Buffer.from(parsed?.base64 as string, 'base64').toString('utf8')) as { names: string[] };
        expect(back.names).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });

  it('lone surrogates survive as JSON escapes', () => {
    const names = ['\uD800 lone high', 'lone low \uDC00'];
    const parsed = parseCommand(buildCommand(PS1, 'Set-ResyncValue.ps1', { names }));
    const back = JSON.parse(Buffer.from(parsed?.base64 as string, 'base64').toString('utf8')) as { names: string[] };
    expect(back.names).toEqual(names);
  });

  it('a script folder with quotes or non-ASCII characters (C:\\Users\\José) travels as base64 data, never as text', () => {
    for (const odd of ["/opt/it's/ps1", '/opt/it\u2019s/ps1', '/opt/\u2018x/ps1', '/opt/tab\there', '/opt/Zürich/ps1', '/home/José/.local/share/powershell/Modules/ResyncGlb/ps1']) {
      const command = buildCommand(odd, 'Get-ResyncValue.ps1', { a: 1 });
      expect(command).toMatch(/^[\x20-\x7E]+$/);
      expect(command).not.toMatch(/[$`"\n\r;|\u2018-\u201D]/);
      const parsed = parseCommand(command);
      expect(parsed?.path).toBe(join(odd, 'Get-ResyncValue.ps1'));
      expect(parsed?.script).toBe('Get-ResyncValue.ps1');
    }
    expect(() => buildCommand('relative/ps1', 'Get-ResyncValue.ps1', {})).toThrow(/absolute path/);
  });
});
