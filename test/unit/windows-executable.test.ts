/** Finding pwsh: explicit option, RESYNCGLB_PWSH, PATH; PowerShellNotFound with where it looked. */
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePowerShellExecutable } from '../../src/operations/windows/executable';

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'resyncglb-exe-'));
  const bin = join(root, 'bin');
  const other = join(root, 'other');
  mkdirSync(bin);
  mkdirSync(other);
  const pwsh = join(bin, 'pwsh');
  writeFileSync(pwsh, '#!/bin/sh\n');
  chmodSync(pwsh, 0o755);
  const notExec = join(other, 'pwsh');
  writeFileSync(notExec, '');
  chmodSync(notExec, 0o644);
  return { root, bin, other, pwsh, notExec };
}

describe('resolvePowerShellExecutable', () => {
  const platform = 'linux' as const;

  it('takes the explicit path first, then RESYNCGLB_PWSH, then PATH', () => {
    const f = fixture();
    expect(resolvePowerShellExecutable({ explicit: f.pwsh, env: { RESYNCGLB_PWSH: '/nope', PATH: '' }, platform })).toBe(f.pwsh);
    expect(resolvePowerShellExecutable({ env: { RESYNCGLB_PWSH: f.pwsh, PATH: '' }, platform })).toBe(f.pwsh);
    expect(resolvePowerShellExecutable({ env: { PATH: `${f.other}:${f.bin}` }, platform })).toBe(f.pwsh);
    expect(resolvePowerShellExecutable({ explicit: 'pwsh', env: { PATH: f.bin }, platform })).toBe(f.pwsh);
  });

  it('ignores NODE_POWERSHELL (node-powershell would otherwise run an unchecked path)', () => {
    const f = fixture();
    expect(resolvePowerShellExecutable({ env: { NODE_POWERSHELL: '/nonexistent', PATH: f.bin }, platform })).toBe(f.pwsh);
  });

  it('refuses missing, empty and non-executable paths with PowerShellNotFound', () => {
    const f = fixture();
    for (const lookup of [
      { explicit: join(f.root, 'missing') },
      { explicit: '' },
      { explicit: f.notExec },
      { explicit: f.bin },
      { env: { RESYNCGLB_PWSH: join(f.root, 'missing') } },
      { env: { PATH: f.other } },
      { env: {} },
    ]) {
      expect(() => resolvePowerShellExecutable({ env: {}, ...lookup, platform }), JSON.stringify(lookup)).toThrow(expect.objectContaining({ id: 'PowerShellNotFound' }));
    }
  });

  it('says where it looked', () => {
    expect(() => resolvePowerShellExecutable({ env: { PATH: '' }, platform })).toThrow(/RESYNCGLB_PWSH is not set and pwsh is not on PATH/);
    expect(() => resolvePowerShellExecutable({ explicit: '/opt/x/pwsh', env: {}, platform })).toThrow(/"\/opt\/x\/pwsh" \(from the PowerShell option\)/);
  });
});
