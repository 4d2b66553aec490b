/** scripts/build-exe.mjs: node.exe's Authenticode signature is removed before the engine is injected. */
import { beforeAll, describe, expect, it } from 'vitest';

let stripSignature: (pe: Buffer) => Buffer;
beforeAll(async () => {
  ({ stripSignature } = await import('../../scripts/build-exe.mjs'));
});

const HEADER = 0x80;
/** The security data directory entry of a PE32+ file whose PE header is at HEADER. */
const SECURITY = HEADER + 24 + 112 + 4 * 8;

/** A minimal PE32+ image of `length` bytes, with a certificate table of `certSize` bytes at `certAt`. */
function pe(length: number, certAt = 0, certSize = 0): Buffer {
  const b = Buffer.alloc(length, 0xab);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(HEADER, 0x3c);
  b.write('PE\0\0', HEADER, 'latin1');
  b.writeUInt16LE(0x20b, HEADER + 24);
  b.writeUInt32LE(certAt, SECURITY);
  b.writeUInt32LE(certSize, SECURITY + 4);
  return b;
}

describe('stripSignature', () => {
  it('clears the security directory and cuts the certificate table off the end', () => {
    const signed = pe(0x400, 0x300, 0x100);
    const out = stripSignature(signed);
    expect(out.length).toBe(0x300);
    expect(out.readUInt32LE(SECURITY)).toBe(0);
    expect(out.readUInt32LE(SECURITY + 4)).toBe(0);
    expect(out.subarray(SECURITY + 8).equals(signed.subarray(SECURITY + 8, 0x300))).toBe(true);
    expect(signed.readUInt32LE(SECURITY)).toBe(0x300); // the input is left as it was
  });

  it('returns an unsigned file as it is', () => {
    const unsigned = pe(0x300);
    expect(stripSignature(unsigned)).toBe(unsigned);
  });

  it('refuses what it cannot strip safely: a table that does not end the file, or no PE at all', () => {
    expect(() => stripSignature(pe(0x400, 0x200, 0x100))).toThrow(/does not end the file/);
    expect(() => stripSignature(Buffer.alloc(0x400))).toThrow(/not a PE file/);
  });
});
