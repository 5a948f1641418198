// Byte helpers shared by the store. Keys are compared byte-wise everywhere.
//
// Inside cache layers keys are held as latin1 ("binary") strings: one UTF-16 code unit per byte,
// each in 0..255, so JavaScript's default string order IS byte-wise order, and a `Map<string, …>`
// gives value-equality lookups without hex encoding.

/** Byte-wise comparison: negative, zero or positive like `Buffer.compare`. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A Buffer view over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Key bytes -> latin1 string whose code-unit order equals the byte order. */
export function toKeyString(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('latin1');
}

/** latin1 string -> fresh key bytes (a copy). */
export function fromKeyString(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** `prefix ‖ key` in a fresh array. */
export function withPrefix(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** A fresh copy of `bytes` (so callers may reuse their buffers after handing them over). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}

/** 8-byte big-endian encoding of an unsigned 64-bit height. */
export function encodeHeight(height: bigint): Uint8Array {
  if (height < 0n || height > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`height ${height} is outside the unsigned 64-bit range`);
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, height, false);
  return out;
}

export function decodeHeight(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new RangeError(`stored height must be 8 bytes, got ${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
}

export function toHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}
