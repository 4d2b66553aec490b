import { describe, expect, it } from 'vitest';
import { fileIdentity } from '../../../src/shared/file-identity';

describe('fileIdentity', () => {
  const st = { dev: 2049n, ino: 1234n, birthtimeNs: 1796683695066083900n };
  it('on Windows is the volume serial number and the file ID only (NTFS file IDs are not reused)', () => {
    expect(fileIdentity(st, 'win32')).toBe('2049:1234');
    expect(fileIdentity({ ...st, birthtimeNs: 1n }, 'win32')).toBe(fileIdentity(st, 'win32'));
  });
  it('on POSIX also the creation time, since inodes are reused', () => {
    expect(fileIdentity(st, 'linux')).toBe('2049:1234:1796683695066083900');
    expect(fileIdentity({ ...st, birthtimeNs: 1n }, 'linux')).not.toBe(fileIdentity(st, 'linux'));
  });
});
