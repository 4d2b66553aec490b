import { describe, expect, it } from 'vitest';
import { exchangeNextStep, nextStepFor, postofficeOf, PASSWORD_PLACEHOLDER, POSTOFFICE_PLACEHOLDER } from '../../src/copy/next-step';
import { backupFileName, stampOf, finalFileName, tempFileName } from '../../src/shared/file-names';
import { CONTRACT } from '../../src/shared/contract';

describe('nextStepFor (MS Mail requestor, docs/domain.md Q96060/Q119449)', () => {
  it('fills the lab postoffice folder (the one holding MAILDATA) into -d', () => {
    const s = nextStepFor('/tmp/lab/postoffices/PO1/MAILDATA/GLB');
    expect(s.commands).toEqual(['import admin -p<password> -q -y -d/tmp/lab/postoffices/PO1', 'rebuild -f -d/tmp/lab/postoffices/PO1']);
    expect(s.text).toBe(s.commands.join('\n'));
    expect(s.postoffice).toBe('/tmp/lab/postoffices/PO1');
  });

  it('gives a drive root as the drive, like the -dM: default', () => {
    expect(nextStepFor('M:\\MAILDATA\\GLB').commands).toEqual(['import admin -p<password> -q -y -dM:', 'rebuild -f -dM:']);
    expect(postofficeOf('m:\\maildata\\glb\\')).toBe('m:');
    expect(postofficeOf('M:/MAILDATA/GLB')).toBe('M:');
  });

  it('keeps a deeper Windows path and a UNC path, with a note about mapping a drive for UNC', () => {
    expect(postofficeOf('D:\\Mail\\PO1\\MAILDATA\\GLB')).toBe('D:\\Mail\\PO1');
    const unc = nextStepFor('\\\\server\\mail\\MAILDATA\\GLB');
    expect(unc.postoffice).toBe('\\\\server\\mail');
    expect(unc.commands[1]).toBe('rebuild -f -d\\\\server\\mail');
    expect(unc.note).toMatch(/map a drive/);
  });

  it('matches MAILDATA and GLB without regard to case and ignores a trailing separator', () => {
    expect(postofficeOf('/srv/po2/maildata/glb/')).toBe('/srv/po2');
  });

  it('quotes a postoffice path with a space', () => {
    expect(nextStepFor('/srv/post office/MAILDATA/GLB').commands[0]).toBe('import admin -p<password> -q -y -d"/srv/post office"');
  });

  it('uses a placeholder and says so when the folder is not <postoffice>/MAILDATA/GLB', () => {
    for (const folder of ['/media/usb', 'E:\\', 'E:\\transfer\\GLB', '/GLB']) {
      const s = nextStepFor(folder);
      expect(s.postoffice).toBeNull();
      expect(s.commands[0]).toBe(`import admin -p${PASSWORD_PLACEHOLDER} -q -y -d${POSTOFFICE_PLACEHOLDER}`);
      expect(s.note).toContain(`replace ${POSTOFFICE_PLACEHOLDER}`);
    }
  });

  it('notes Rebuild error 203 and that the password is a placeholder the tool never asks for', () => {
    const s = nextStepFor('/x/PO1/MAILDATA/GLB');
    expect(s.note).toMatch(/error 203/);
    expect(s.note).toMatch(/GAL\.NME/);
    expect(s.note).toMatch(/never asks for it or stores it/);
  });

  it('carries the resync caveats: import before new local changes, lost gateway addresses, error 44, RESYNC.GLB deleted, drive letter for -d', () => {
    const s = nextStepFor('M:\\MAILDATA\\GLB');
    expect(s.note).toMatch(/Q119450, Q119452/);
    expect(s.note).toMatch(/re-enter the changes/);
    expect(s.note).toMatch(/Q105125/);
    expect(s.note).toMatch(/Error \[ 44\] Gateway not installed.*Q122751/);
    expect(s.note).toMatch(/Q122750/);
    expect(s.note).toMatch(/drive letter is the safe value for -d/);
    expect(s.commands[0]).toContain('-p<password>');
  });
});

describe('exchangeNextStep (Exchange requestor, Q156124)', () => {
  it('restarts the service named in the contract and warns about Q193395', () => {
    const s = exchangeNextStep('C:\\exchsrvr\\Dxadata');
    expect(s.commands).toEqual([`net stop ${CONTRACT.service.name}`, `net start ${CONTRACT.service.name}`]);
    expect(s.note).toMatch(/Q193395/);
    expect(s.note).toContain('C:\\exchsrvr\\Dxadata');
  });
});

describe('file names', () => {
  const d = new Date(Date.UTC(2026, 10, 24, 10, 30, 5, 123));
  it('final names come from the contract', () => {
    expect(finalFileName('MSMail')).toBe(CONTRACT.requestorFileName);
    expect(finalFileName('Exchange')).toBe(CONTRACT.resyncFileName);
  });
  it('backup names carry a UTC stamp before the extension, then a counter', () => {
    expect(stampOf(d)).toBe('20261124T103005123Z');
    expect(backupFileName('RESYNC.GLB', d)).toBe('RESYNC.20261124T103005123Z.GLB');
    expect(backupFileName('RESYNC.GLB', d, 3)).toBe('RESYNC.20261124T103005123Z-3.GLB');
    expect(backupFileName('Resync.glb', d)).toBe('Resync.20261124T103005123Z.glb');
  });
  it('temporary names are unique, start with the final name and never end in .GLB', () => {
    const a = tempFileName('RESYNC.GLB');
    const b = tempFileName('RESYNC.GLB');
    expect(a).not.toBe(b);
    expect(a.startsWith('RESYNC.GLB.')).toBe(true);
    expect(a.toUpperCase().endsWith('.GLB')).toBe(false);
  });
});
