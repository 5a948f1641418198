// The state trie's three node shapes (@ethereumjs/mpt's leaf, extension and branch nodes) read
// and written byte for byte as the library serialises them: an RLP list of [compact key, value]
// for a leaf, [compact key, child] for an extension, and 16 children plus an (always empty) value
// for a branch; a child is referenced by the 32-byte hash of its serialisation, or held inline when
// that is under 32 bytes. The library's generic RLP was a third of a block's trie update, so this
// codec works on the three shapes directly: one allocation per written node, and decoding yields
// views into the stored bytes. trie-node-codec.test.ts checks both directions against the library.
//
// Keys are runs of nibbles kept where they already are (in a 32-byte trie path, or in a stored
// node's compact key) rather than copied out into arrays of numbers.
import { decodeMPTNode } from '@ethereumjs/mpt';

/** Nibbles [off, off + len) of `bytes`; nibble i is the high half of byte i >> 1 when i is even. */
export interface Nibbles {
  readonly bytes: Uint8Array;
  readonly off: number;
  readonly len: number;
}

/** A reference to a node as its parent holds it: its hash, or the node itself inline (raw, as the library holds it). */
export type NodeRef = Uint8Array | Uint8Array[];

/** A child as it is written into its parent: its 32-byte hash, or its own serialisation when under 32 bytes. */
export type EncodedChild = Uint8Array | { readonly inline: Uint8Array };

/**
 * A child a stored branch holds by hash, as the offset of that hash's 32 bytes in the branch's own
 * bytes (no view is made until one is needed: a block's update reads thousands of branches and
 * follows or changes one or two children of each, and copies the rest into the branch's new
 * encoding as they are).
 */
export type HashAt = number;

export type DecodedNode =
  | { readonly kind: 'leaf'; readonly key: Nibbles; readonly value: Uint8Array }
  | { readonly kind: 'ext'; readonly key: Nibbles; readonly child: NodeRef }
  | { readonly kind: 'branch'; readonly src: Uint8Array; readonly children: (NodeRef | HashAt | null)[] };

/**
 * Child i of a branch whose children held by hash are offsets into `src` (a decoded branch, or one
 * being updated): the child itself, or a view of its hash in `src`.
 */
export function branchChild<C>(node: { readonly src?: Uint8Array | undefined; readonly children: readonly (C | HashAt | null | undefined)[] }, i: number): C | Uint8Array | null {
  const c = node.children[i];
  if (c === undefined || c === null) return null;
  if (typeof c !== 'number') return c;
  if (node.src === undefined) throw new Error('trie node: a child by offset without the bytes it is in');
  return node.src.subarray(c, c + 32);
}

export const nibbleAt = (bytes: Uint8Array, i: number): number => {
  const byte = bytes[i >> 1] as number;
  return i & 1 ? byte & 0x0f : byte >> 4;
};

/** Nibble i of a run. */
export const nibbleOf = (k: Nibbles, i: number): number => nibbleAt(k.bytes, k.off + i);

/** The run without its first `from` nibbles. */
export const dropNibbles = (k: Nibbles, from: number): Nibbles => ({ bytes: k.bytes, off: k.off + from, len: k.len - from });

/** A run of the given nibble values, packed into fresh bytes. */
export function packNibbles(values: readonly number[]): Nibbles {
  const bytes = new Uint8Array((values.length + 1) >> 1);
  for (let i = 0; i < values.length; i++) {
    const n = values[i] as number;
    if (!Number.isInteger(n) || n < 0 || n > 15) throw new RangeError(`not a nibble: ${n}`);
    bytes[i >> 1] = (bytes[i >> 1] as number) | (i & 1 ? n : n << 4);
  }
  return { bytes, off: 0, len: values.length };
}

/** `a` followed by `b`, packed into fresh bytes. */
export function concatNibbles(a: Nibbles, b: Nibbles): Nibbles {
  const len = a.len + b.len;
  const bytes = new Uint8Array((len + 1) >> 1);
  for (let i = 0; i < len; i++) {
    const n = i < a.len ? nibbleOf(a, i) : nibbleOf(b, i - a.len);
    bytes[i >> 1] = (bytes[i >> 1] as number) | (i & 1 ? n : n << 4);
  }
  return { bytes, off: 0, len };
}

/** The nibble values of a run (for the library's node classes and for tests). */
export function unpackNibbles(k: Nibbles): number[] {
  const out = new Array<number>(k.len);
  for (let i = 0; i < k.len; i++) out[i] = nibbleOf(k, i);
  return out;
}

/** Whether `bytes` starting at nibble `at` continue with the whole of `k`. */
export function startsWith(bytes: Uint8Array, at: number, k: Nibbles): boolean {
  let i = 0;
  if (((at ^ k.off) & 1) === 0) {
    // Same nibble parity: compare a leading half byte, then whole bytes.
    if (at & 1 && k.len > 0) {
      if (nibbleAt(bytes, at) !== nibbleOf(k, 0)) return false;
      i = 1;
    }
    const a = bytes;
    const b = k.bytes;
    let x = (at + i) >> 1;
    let y = (k.off + i) >> 1;
    for (; i + 1 < k.len; i += 2, x++, y++) if (a[x] !== b[y]) return false;
  }
  for (; i < k.len; i++) if (nibbleAt(bytes, at + i) !== nibbleOf(k, i)) return false;
  return true;
}

// ---- writing ----

const rlpHeaderLength = (len: number): number => (len <= 55 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5);

function writeHeader(out: Uint8Array, at: number, len: number, short: number): number {
  if (len <= 55) {
    out[at] = short + len;
    return at + 1;
  }
  const n = rlpHeaderLength(len) - 1;
  out[at] = short + 55 + n;
  for (let i = n, l = len; i >= 1; i--, l = Math.floor(l / 256)) out[at + i] = l & 0xff;
  return at + 1 + n;
}

/** RLP size of a byte string. */
const stringSize = (b: Uint8Array): number => (b.length === 1 && (b[0] as number) < 0x80 ? 1 : rlpHeaderLength(b.length) + b.length);

function writeString(out: Uint8Array, at: number, b: Uint8Array): number {
  if (b.length === 1 && (b[0] as number) < 0x80) {
    out[at] = b[0] as number;
    return at + 1;
  }
  const p = writeHeader(out, at, b.length, 0x80);
  out.set(b, p);
  return p + b.length;
}

/** Bytes of the hex-prefix ("compact") encoding of a key: a flag nibble, a pad or the first nibble, then pairs. */
const compactLength = (k: Nibbles): number => (k.len >> 1) + 1;

/** RLP size of a compact key (one byte of it is always below 0x80, so a lone byte is its own encoding). */
const compactStringSize = (k: Nibbles): number => {
  const c = compactLength(k);
  return c === 1 ? 1 : rlpHeaderLength(c) + c;
};

function writeCompact(out: Uint8Array, at: number, k: Nibbles, leaf: boolean): number {
  const c = compactLength(k);
  if (c > 1) at = writeHeader(out, at, c, 0x80);
  const flag = leaf ? 2 : 0;
  let i = 0;
  if (k.len & 1) {
    out[at++] = ((flag | 1) << 4) | nibbleOf(k, 0);
    i = 1;
  } else {
    out[at++] = flag << 4;
  }
  const src = k.bytes;
  const start = k.off + i;
  if ((start & 1) === 0) {
    // The remaining nibbles are whole bytes of the source (always so for a leaf in a 32-byte path).
    for (let j = start >> 1, end = (k.off + k.len) >> 1; j < end; j++) out[at++] = src[j] as number;
  } else {
    for (; i < k.len; i += 2) out[at++] = (nibbleOf(k, i) << 4) | nibbleOf(k, i + 1);
  }
  return at;
}

/** The hex-prefix encoding of a key on its own (as the library's node.raw()[0]). */
export function compactKey(k: Nibbles, leaf: boolean): Uint8Array {
  const out = new Uint8Array(compactStringSize(k));
  writeCompact(out, 0, k, leaf);
  // The RLP header (for keys of two bytes or more) is not part of the key itself.
  return compactLength(k) === 1 ? out : out.subarray(1);
}

const childItemSize = (c: EncodedChild): number => (c instanceof Uint8Array ? 33 : c.inline.length);

function writeChildItem(out: Uint8Array, at: number, c: EncodedChild): number {
  if (c instanceof Uint8Array) {
    out[at] = 0xa0;
    out.set(c, at + 1);
    return at + 33;
  }
  out.set(c.inline, at);
  return at + c.inline.length;
}

/** A hash at `from` in `src`, written as a child item (a byte loop: no view of it is made). */
function writeHashAt(out: Uint8Array, at: number, src: Uint8Array, from: number): number {
  out[at] = 0xa0;
  for (let k = 0; k < 32; k++) out[at + 1 + k] = src[from + k] as number;
  return at + 33;
}

export function encodeLeafNode(key: Nibbles, value: Uint8Array): Uint8Array {
  const payload = compactStringSize(key) + stringSize(value);
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  let at = writeHeader(out, 0, payload, 0xc0);
  at = writeCompact(out, at, key, true);
  writeString(out, at, value);
  return out;
}

export function encodeExtensionNode(key: Nibbles, child: EncodedChild): Uint8Array {
  const payload = compactStringSize(key) + childItemSize(child);
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  let at = writeHeader(out, 0, payload, 0xc0);
  at = writeCompact(out, at, key, false);
  writeChildItem(out, at, child);
  return out;
}

/**
 * A branch of 16 children (null for none) and an empty value. A child given as a HashAt is the hash
 * at that offset in `src` (the stored branch it was decoded from).
 */
export function encodeBranchNode(children: readonly (EncodedChild | HashAt | null | undefined)[], src?: Uint8Array): Uint8Array {
  let payload = 1; // the (empty) value
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    payload += c === null || c === undefined ? 1 : typeof c === 'number' ? 33 : childItemSize(c);
  }
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  let at = writeHeader(out, 0, payload, 0xc0);
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (c === null || c === undefined) out[at++] = 0x80;
    else if (typeof c === 'number') {
      if (src === undefined) throw new Error('trie node: a child by offset without the bytes it is in');
      at = writeHashAt(out, at, src, c);
    } else at = writeChildItem(out, at, c);
  }
  out[at] = 0x80;
  return out;
}

// ---- reading ----

const malformed = (what: string): Error => new Error(`trie node: ${what}`);

/** Start, end and list flag of each item of the node being decoded (a branch has 17). */
const itemStart = new Int32Array(17);
const itemEnd = new Int32Array(17);
const itemIsList = new Uint8Array(17);

function lengthAt(b: Uint8Array, at: number, n: number): number {
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[at + i] as number);
  return len;
}

/**
 * Splits a serialised node into its items: for a string its payload, for a nested list (an
 * inline child) its whole encoding. Returns the number of items.
 */
function readItems(b: Uint8Array): number {
  const first = b[0];
  if (first === undefined || first < 0xc0) throw malformed('not an RLP list');
  let at: number;
  let end: number;
  if (first <= 0xf7) {
    at = 1;
    end = 1 + first - 0xc0;
  } else {
    const n = first - 0xf7;
    at = 1 + n;
    end = at + lengthAt(b, 1, n);
  }
  if (end !== b.length) throw malformed('the list length does not match the bytes');
  let count = 0;
  while (at < end) {
    if (count === 17) throw malformed('more than 17 items');
    const x = b[at] as number;
    let start: number;
    let stop: number;
    let list = 0;
    if (x < 0x80) {
      start = at;
      stop = at + 1;
      at = stop;
    } else if (x <= 0xb7) {
      start = at + 1;
      stop = start + x - 0x80;
      at = stop;
    } else if (x <= 0xbf) {
      const n = x - 0xb7;
      start = at + 1 + n;
      stop = start + lengthAt(b, at + 1, n);
      at = stop;
    } else if (x <= 0xf7) {
      start = at;
      stop = at + 1 + x - 0xc0;
      at = stop;
      list = 1;
    } else {
      const n = x - 0xf7;
      start = at;
      stop = at + 1 + n + lengthAt(b, at + 1, n);
      at = stop;
      list = 1;
    }
    itemStart[count] = start;
    itemEnd[count] = stop;
    itemIsList[count] = list;
    count++;
  }
  if (at !== end) throw malformed('an item runs past the end of the list');
  return count;
}

/** A child reference from item i: a hash (a view into `b`, or its offset there when `lazy`), an inline node, or none. */
function childRef(b: Uint8Array, i: number, lazy: true): NodeRef | HashAt | null;
function childRef(b: Uint8Array, i: number, lazy: false): NodeRef | null;
function childRef(b: Uint8Array, i: number, lazy: boolean): NodeRef | HashAt | null {
  const start = itemStart[i] as number;
  const end = itemEnd[i] as number;
  if (itemIsList[i] === 1) return decodeMPTNode(b.subarray(start, end)).raw() as Uint8Array[];
  if (end === start) return null;
  if (end - start !== 32) throw malformed('a child reference is neither a hash nor an inline node');
  return lazy ? start : b.subarray(start, end);
}

/**
 * A stored node's bytes as a leaf, an extension or a branch; keys, values and hashes are views into
 * `b`, except a branch's children held by hash, which are their offsets in `b` (see HashAt).
 */
export function decodeNode(b: Uint8Array): DecodedNode {
  const count = readItems(b);
  if (count === 17) {
    if (itemIsList[16] === 1 || itemEnd[16] !== itemStart[16]) throw malformed('a branch with a value (paths of unequal length?)');
    const children = new Array<NodeRef | HashAt | null>(16);
    for (let i = 0; i < 16; i++) children[i] = childRef(b, i, true);
    return { kind: 'branch', src: b, children };
  }
  if (count !== 2 || itemIsList[0] === 1) throw malformed('neither a branch, an extension nor a leaf');
  const ks = itemStart[0] as number;
  const ke = itemEnd[0] as number;
  if (ke === ks) throw malformed('an empty key');
  const flag = (b[ks] as number) >> 4;
  if (flag > 3) throw malformed(`key flag ${flag}`);
  const odd = (flag & 1) === 1;
  const key: Nibbles = { bytes: b, off: 2 * ks + (odd ? 1 : 2), len: 2 * (ke - ks) - (odd ? 1 : 2) };
  if (flag >= 2) {
    if (itemIsList[1] === 1) throw malformed('a leaf whose value is a list');
    return { kind: 'leaf', key, value: b.subarray(itemStart[1] as number, itemEnd[1] as number) };
  }
  const child = childRef(b, 1, false);
  if (child === null) throw malformed('an extension without a child');
  return { kind: 'ext', key, child };
}
