// Byte helpers used across modules. Keys are compared byte-wise everywhere.
const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });
export const utf8 = (s: string): Uint8Array => UTF8_ENCODER.encode(s);
export const fromUtf8 = (b: Uint8Array): string => UTF8_DECODER.decode(b);
export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
export const toBase64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A key prefix followed by a one-byte length and the bytes: keeps variable-length parts unambiguous. */
export function lengthPrefixed(b: Uint8Array): Uint8Array {
  if (b.length > 255) throw new Error(`length-prefixed key part too long: ${b.length} bytes`);
  return concat(Uint8Array.of(b.length), b);
}

export function uint64BE(n: bigint): Uint8Array {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError(`${n} is outside the unsigned 64-bit range`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export function readUint64BE(b: Uint8Array): bigint {
  if (b.length !== 8) throw new Error(`expected 8 bytes, got ${b.length}`);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
}

