// Protobuf wire primitives for the encoders that write a message into one exact-size buffer
// (the FinalizeBlock response, and the few state records every transfer rewrites). The generic
// writers of cosmjs-types and @bufbuild record an operation per field, fork for every nested
// message and copy everything again at finish(); these measure first and write once.
import { Buffer } from 'node:buffer';
import { utf8Write } from 'cosmjs-types/utf8';
import { latin1Write } from '../store/bytes.js';

/** Bytes of `n` (a non-negative safe integer) as a varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** The wire types the encoders here write. */
export const VARINT = 0;
export const DELIMITED = 2;

/** A field's key byte: (field number << 3) | wire type. Every field written here is below 16. */
export function fieldKey(field: number, wire: typeof VARINT | typeof DELIMITED): number {
  return (field << 3) | wire;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** int64/uint64 as protobuf writes it: negative values as their 64-bit two's complement (10 bytes). */
function int64Varint(v: bigint): bigint | number {
  if (v >= 0n && v <= MAX_SAFE) return Number(v);
  return BigInt.asUintN(64, v);
}

export function int64Size(v: bigint): number {
  const u = int64Varint(v);
  if (typeof u === 'number') return varintSize(u);
  let size = 1;
  for (let x = u; x >= 0x80n; x >>= 7n) size++;
  return size;
}

/**
 * Bytes of `s` as cosmjs-types writes strings: UTF-8, except that a lone surrogate is written as
 * its own three bytes (Buffer and TextEncoder write U+FFFD instead: three bytes too, so Node's
 * native count, a fast call, gives the length either way). Its length when it is ASCII
 * (addresses, denoms, amounts, type URLs), which ProtoWriter.utf8 copies byte for byte.
 */
export function utf8Size(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A length-delimited field holding `n` bytes: key, length, bytes. Keys here are all one byte. */
export function delimitedSize(n: number): number {
  return 1 + varintSize(n) + n;
}

/** Writes fields into a buffer sized by the caller (with the functions above). */
export class ProtoWriter {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[this.pos++] = n;
  }

  int64(v: bigint): void {
    const u = int64Varint(v);
    if (typeof u === 'number') {
      this.varint(u);
      return;
    }
    let x = u;
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
  }

  /** `s`, whose length `n` the caller measured with utf8Size, without key or length. */
  utf8(s: string, n: number): void {
    if (n === s.length) {
      // ASCII (its UTF-8 is its latin1) is written natively into a buffer outside the heap: a
      // JavaScript loop over the code units took longer for strings of an address's length. V8
      // keeps arrays of up to 64 bytes inside the heap, and native code writing into one first
      // moves it out (a malloc and a copy): there the loop is cheaper.
      const buf = this.buf;
      if (buf.length > 64) latin1Write(buf, s, this.pos);
      else for (let i = 0, at = this.pos; i < n; i++) buf[at + i] = s.charCodeAt(i);
    } else {
      utf8Write(s, this.buf, this.pos);
    }
    this.pos += n;
  }

  /** A string field whose length `n` the caller measured with utf8Size. */
  stringField(key: number, s: string, n: number): void {
    this.byte(key);
    this.varint(n);
    this.utf8(s, n);
  }

  /** Bytes already encoded (a whole field, say). */
  raw(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  bytesField(key: number, b: Uint8Array): void {
    this.messageHeader(key, b.length);
    this.raw(b);
  }

  /** The key and length of a length-delimited field of `n` bytes (say, an embedded message), written next. */
  messageHeader(key: number, n: number): void {
    this.byte(key);
    this.varint(n);
  }

  /** The buffer, after checking that the sizes the caller measured were exactly filled. */
  done(): Uint8Array {
    if (this.pos !== this.buf.length) throw new Error(`protobuf encoder wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}
