// Key-string helpers of the cache layers (general byte helpers are in util/bytes.ts).
//
// Inside cache layers keys are held as latin1 ("binary") strings: one UTF-16 code unit per byte,
// each in 0..255, so JavaScript's default string order IS byte-wise order, and a `Map<string, …>`
// gives value-equality lookups without hex encoding.

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

/** A fresh copy of `bytes` (so callers may reuse their buffers after handing them over). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}
