// Key-string helpers of the cache layers (general byte helpers are in util/bytes.ts).
//
// Inside cache layers keys are held as latin1 ("binary") strings: one UTF-16 code unit per byte,
// each in 0..255, so JavaScript's default string order IS byte-wise order, and a `Map<string, …>`
// gives value-equality lookups without hex encoding.

/** A Buffer view over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Buffer's latin1Slice (what buf.toString('latin1') calls) also works on a plain Uint8Array, which
// saves making a Buffer view for every key: a third of the cost of a short key's conversion.
// Undocumented, so it is looked up once with a fallback.
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

/** Bytes -> latin1 string (one code unit per byte). */
export const latin1: (bytes: Uint8Array) => string =
  typeof latin1Slice === 'function' ? (bytes) => latin1Slice.call(bytes, 0, bytes.length) : (bytes) => asBuffer(bytes).toString('latin1');

// Its inverse, latin1Write (what buf.write(s, at, n, 'latin1') calls), likewise, for writing ASCII
// and latin1 strings (crypto's 'latin1' digests, say) natively into any Uint8Array.
type Latin1Write = (this: Uint8Array, s: string, at: number, n: number) => number;
const nativeLatin1Write = (Buffer.prototype as unknown as { latin1Write?: Latin1Write }).latin1Write;

/** Writes the code units of `s` (each below 256) as bytes into `out` at `at`. */
export function latin1Write(out: Uint8Array, s: string, at = 0): void {
  if (typeof nativeLatin1Write === 'function') nativeLatin1Write.call(out, s, at, s.length);
  else for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

/** Key bytes -> latin1 string whose code-unit order equals the byte order. */
export function toKeyString(bytes: Uint8Array): string {
  return latin1(bytes);
}

/** latin1 string -> fresh key bytes (a copy). */
export function fromKeyString(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** A fresh copy of `bytes` (so callers may reuse their buffers after handing them over). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}

// Bytes a writer hands over to a cache layer: freshly encoded, referenced nowhere else, never
// touched again by the writer. set() keeps such bytes as they are instead of copying them, so the
// object a module wrote is the object later reads return (see decoded-values.ts). A writer hands
// bytes over immediately before its set() (synchronously), so one slot is enough: it holds the
// last bytes handed over until a set() takes them. Bytes handed over but never set (a write that
// ran out of gas first) are simply never taken.
let handedOver: Uint8Array | undefined;

/** Marks `bytes` as handed over (see above) and returns them. */
export function handOver(bytes: Uint8Array): Uint8Array {
  handedOver = bytes;
  return bytes;
}

/** `bytes` themselves when they are the bytes last handed over (taken once), else a fresh copy. */
export function takeOrCopy(bytes: Uint8Array): Uint8Array {
  if (bytes === handedOver) {
    handedOver = undefined;
    return bytes;
  }
  return copyBytes(bytes);
}
