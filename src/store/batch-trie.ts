// One block's changes applied to the state trie in a single pass.
//
// Putting keys one at a time (as MerklePatriciaTrie.put does) re-reads, re-encodes and re-hashes
// the whole path from the root for every key: with a few thousand keys a block, the top levels of
// the trie were hashed thousands of times, each time through a chain of promises. Here the changes
// are sorted by trie path and applied in one recursive descent: every node on the union of their
// paths is loaded once, rebuilt once, serialised and hashed once. Nodes are the library's
// (@ethereumjs/mpt's leaf, extension and branch nodes, byte for byte: a small codec below writes
// and reads exactly their RLP and hex-prefix encoding), stored exactly as the library stores them
// (nodes of 32 bytes or more, and the root, by SHA-256 of their serialisation; smaller ones
// inline), and the trie stays canonical: branches left with one child are folded into extensions
// or leaves as the library folds them. So the root is the library's root for the same content,
// and proofs and the stock trie read it unchanged (batch-trie.test.ts checks roots and stored
// nodes against the stock trie).
//
// Every stored node replaced on the way is reported for deletion (the store prunes, as the trie
// does with useNodePruning). Keys are the trie's paths: SHA-256 of the state key, 32 bytes, so
// every path has the same length and a branch never holds a value.
import { BranchMPTNode, ExtensionMPTNode, LeafMPTNode, decodeMPTNode, decodeRawMPTNode } from '@ethereumjs/mpt';
import type { MPTNode } from '@ethereumjs/mpt';

/** A reference to a node as its parent holds it: its hash, or the node itself inline (raw). */
export type NodeRef = Uint8Array | Uint8Array[];

export interface PathChange {
  /** The trie path: 32 bytes (SHA-256 of the state key). */
  readonly path: Uint8Array;
  /** The leaf value, or null to delete. */
  readonly value: Uint8Array | null;
}

export interface BatchResult {
  /** The new root hash (EMPTY root when the trie became empty). */
  readonly root: Uint8Array;
  /** New stored nodes: hash -> serialised node. */
  readonly puts: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
  /** Hashes of stored nodes this update replaced. Apply before `puts` (a node may be both). */
  readonly dels: readonly Uint8Array[];
}

const PATH_BYTES = 32;
const PATH_NIBBLES = PATH_BYTES * 2;

const enum Kind {
  Leaf,
  Ext,
  Branch,
  Stored,
}

interface Leaf {
  readonly kind: Kind.Leaf;
  readonly key: number[];
  readonly value: Uint8Array;
}
interface Ext {
  readonly kind: Kind.Ext;
  readonly key: number[];
  readonly child: Child;
}
interface Branch {
  readonly kind: Kind.Branch;
  readonly children: (Child | null)[];
}
/** An untouched node, by the reference its parent holds. */
interface Stored {
  readonly kind: Kind.Stored;
  readonly ref: NodeRef;
}
type Work = Leaf | Ext | Branch;
type Child = Work | Stored;

const nibbleAt = (path: Uint8Array, d: number): number => {
  const byte = path[d >> 1] as number;
  return d & 1 ? byte & 0x0f : byte >> 4;
};

function nibblesOf(path: Uint8Array, from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let d = from; d < to; d++) out[d - from] = nibbleAt(path, d);
  return out;
}

function comparePaths(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < PATH_BYTES; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x - y;
  }
  return 0;
}

// ---- node encoding ----
// Nodes are read and written here with a small RLP codec specialised to the three node shapes
// (the library's generic RLP was a third of the update's time); the bytes are exactly what the
// library's node.serialize() produces and what its decodeMPTNode reads (batch-trie.test.ts checks
// both ways on random nodes). Inline children (nodes under 32 bytes, in practice never with 32-byte
// paths) go through the library's node classes.

/** What a parent holds for a child: its hash, or its own serialisation when under 32 bytes. */
type Encoded = { readonly hash: Uint8Array; readonly inline?: undefined } | { readonly hash?: undefined; readonly inline: Uint8Array };

function rlpHeaderLength(len: number): number {
  if (len <= 55) return 1;
  let n = 0;
  for (let l = len; l > 0; l = Math.floor(l / 256)) n++;
  return 1 + n;
}

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
function stringSize(b: Uint8Array): number {
  return b.length === 1 && (b[0] as number) < 0x80 ? 1 : rlpHeaderLength(b.length) + b.length;
}

function writeString(out: Uint8Array, at: number, b: Uint8Array): number {
  if (b.length === 1 && (b[0] as number) < 0x80) {
    out[at] = b[0] as number;
    return at + 1;
  }
  const p = writeHeader(out, at, b.length, 0x80);
  out.set(b, p);
  return p + b.length;
}

/** The hex-prefix ("compact") encoding of a path segment, as the library's addHexPrefix + pack. */
export function compactKey(nibbles: readonly number[], leaf: boolean): Uint8Array {
  const n = nibbles.length;
  const out = new Uint8Array((n >> 1) + 1);
  let i = 0;
  if (n & 1) {
    out[0] = ((leaf ? 3 : 1) << 4) | (nibbles[0] as number);
    i = 1;
  } else {
    out[0] = leaf ? 0x20 : 0x00;
  }
  for (let j = 1; i < n; i += 2, j++) out[j] = ((nibbles[i] as number) << 4) | (nibbles[i + 1] as number);
  return out;
}

/** [compact key, value-or-child] as one RLP list. */
function encodePair(key: Uint8Array, second: Uint8Array, secondIsEncoded: boolean): Uint8Array {
  const payload = stringSize(key) + (secondIsEncoded ? second.length : stringSize(second));
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  let at = writeHeader(out, 0, payload, 0xc0);
  at = writeString(out, at, key);
  if (secondIsEncoded) out.set(second, at);
  else writeString(out, at, second);
  return out;
}

/** A child reference as it appears inside its parent's RLP. */
function childItem(c: Encoded): Uint8Array {
  if (c.inline !== undefined) return c.inline;
  const out = new Uint8Array(33);
  out[0] = 0xa0;
  out.set(c.hash, 1);
  return out;
}

export function encodeLeafNode(key: readonly number[], value: Uint8Array): Uint8Array {
  return encodePair(compactKey(key, true), value, false);
}

export function encodeExtensionNode(key: readonly number[], child: Encoded): Uint8Array {
  return encodePair(compactKey(key, false), childItem(child), true);
}

export function encodeBranchNode(children: readonly (Encoded | null)[]): Uint8Array {
  const items = children.map((c) => (c === null ? undefined : childItem(c)));
  let payload = 1; // the (empty) value
  for (let i = 0; i < 16; i++) payload += items[i]?.length ?? 1;
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  let at = writeHeader(out, 0, payload, 0xc0);
  for (let i = 0; i < 16; i++) {
    const item = items[i];
    if (item === undefined) out[at++] = 0x80;
    else {
      out.set(item, at);
      at += item.length;
    }
  }
  out[at] = 0x80;
  return out;
}

/** An item of an RLP list: its payload (a view), or for a nested list its whole encoding. */
interface Item {
  readonly list: boolean;
  readonly bytes: Uint8Array;
}

function readItems(b: Uint8Array): Item[] {
  const bad = (): Error => new Error('trie batch: a stored node is not a well-formed RLP list');
  const lengthAt = (at: number, n: number): number => {
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[at + i] as number);
    return len;
  };
  const first = b[0];
  if (first === undefined || first < 0xc0) throw bad();
  let at: number;
  let end: number;
  if (first <= 0xf7) {
    at = 1;
    end = 1 + first - 0xc0;
  } else {
    const n = first - 0xf7;
    at = 1 + n;
    end = at + lengthAt(1, n);
  }
  if (end !== b.length) throw bad();
  const items: Item[] = [];
  while (at < end) {
    const x = b[at] as number;
    if (x < 0x80) {
      items.push({ list: false, bytes: b.subarray(at, at + 1) });
      at += 1;
    } else if (x <= 0xb7) {
      const len = x - 0x80;
      items.push({ list: false, bytes: b.subarray(at + 1, at + 1 + len) });
      at += 1 + len;
    } else if (x <= 0xbf) {
      const n = x - 0xb7;
      const len = lengthAt(at + 1, n);
      items.push({ list: false, bytes: b.subarray(at + 1 + n, at + 1 + n + len) });
      at += 1 + n + len;
    } else if (x <= 0xf7) {
      const len = x - 0xc0;
      items.push({ list: true, bytes: b.subarray(at, at + 1 + len) });
      at += 1 + len;
    } else {
      const n = x - 0xf7;
      const len = lengthAt(at + 1, n);
      items.push({ list: true, bytes: b.subarray(at, at + 1 + n + len) });
      at += 1 + n + len;
    }
  }
  if (at !== end) throw bad();
  return items;
}

/** A child reference from a parent's item: a hash, an inline node (raw, as the library holds it), or none. */
function itemRef(item: Item): NodeRef | null {
  if (item.list) return decodeMPTNode(item.bytes).raw() as Uint8Array[];
  if (item.bytes.length === 0) return null;
  if (item.bytes.length !== 32) throw new Error('trie batch: a child reference is neither a hash nor an inline node');
  return item.bytes;
}

function nibblesOfCompact(key: Uint8Array): { nibbles: number[]; leaf: boolean } {
  const flag = (key[0] ?? 0) >> 4;
  const odd = (flag & 1) === 1;
  const nibbles: number[] = [];
  if (odd) nibbles.push((key[0] ?? 0) & 0x0f);
  for (let i = 1; i < key.length; i++) {
    const byte = key[i] as number;
    nibbles.push(byte >> 4, byte & 0x0f);
  }
  return { nibbles, leaf: flag >= 2 };
}

/** A stored node's bytes as a work node (children by reference, views into `bytes`). */
function decodeStoredNode(bytes: Uint8Array): Work {
  const items = readItems(bytes);
  if (items.length === 17) {
    if ((items[16] as Item).bytes.length !== 0) throw new Error('trie batch: a branch with a value (paths of unequal length?)');
    const children = new Array<Child | null>(16);
    for (let i = 0; i < 16; i++) {
      const ref = itemRef(items[i] as Item);
      children[i] = ref === null ? null : { kind: Kind.Stored, ref };
    }
    return { kind: Kind.Branch, children };
  }
  if (items.length !== 2 || (items[0] as Item).list) throw new Error('trie batch: a stored node is neither a branch, an extension nor a leaf');
  const { nibbles, leaf } = nibblesOfCompact((items[0] as Item).bytes);
  const second = items[1] as Item;
  if (leaf) {
    if (second.list) throw new Error('trie batch: a leaf whose value is a list');
    return { kind: Kind.Leaf, key: nibbles, value: second.bytes };
  }
  const ref = itemRef(second);
  if (ref === null) throw new Error('trie batch: an extension without a child');
  return { kind: Kind.Ext, key: nibbles, child: { kind: Kind.Stored, ref } };
}

export interface NodeSource {
  /** The serialised node stored under `hash`, or undefined when it is missing. */
  getNodeByHash(hash: Uint8Array): Uint8Array | undefined;
}

export function applyBatch(
  source: NodeSource,
  root: Uint8Array,
  emptyRoot: Uint8Array,
  changes: readonly PathChange[],
  hash: (data: Uint8Array) => Uint8Array,
): BatchResult {
  const ops = [...changes].sort((a, b) => comparePaths(a.path, b.path));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as PathChange;
    if (op.path.length !== PATH_BYTES) throw new Error(`trie batch: path ${i} has ${op.path.length} bytes, expected ${PATH_BYTES}`);
    if (op.value !== null && op.value.length === 0) throw new Error('trie batch: an empty value is a deletion; pass null');
    if (i > 0 && comparePaths((ops[i - 1] as PathChange).path, op.path) === 0) throw new Error('trie batch: the same path twice');
  }
  const dels: Uint8Array[] = [];
  const puts: Array<readonly [Uint8Array, Uint8Array]> = [];

  const toWork = (node: MPTNode): Work => {
    if (node instanceof LeafMPTNode) return { kind: Kind.Leaf, key: node.key(), value: node.value() as Uint8Array };
    if (node instanceof ExtensionMPTNode) return { kind: Kind.Ext, key: node.key(), child: { kind: Kind.Stored, ref: node.value() as NodeRef } };
    if (!(node instanceof BranchMPTNode)) throw new Error('trie batch: unknown node type');
    if (node.value() !== null) throw new Error('trie batch: a branch with a value (paths of unequal length?)');
    const children = new Array<Child | null>(16);
    for (let i = 0; i < 16; i++) {
      const c = node.getBranch(i);
      children[i] = c === null ? null : { kind: Kind.Stored, ref: c };
    }
    return { kind: Kind.Branch, children };
  };

  /** Loads a stored or inline node; a stored one is recorded as replaced when `replacing`. */
  const load = (ref: NodeRef, replacing: boolean): Work => {
    if (Array.isArray(ref)) return toWork(decodeRawMPTNode(ref));
    const bytes = source.getNodeByHash(ref);
    if (bytes === undefined) throw new Error(`trie batch: missing node ${Buffer.from(ref).toString('hex')}`);
    if (replacing) dels.push(ref);
    return decodeStoredNode(bytes);
  };

  /** A fresh subtree over ops[lo, hi) at depth d (deletions among them are ignored). */
  const build = (list: readonly PathChange[], d: number): Work | null => {
    const live = list.filter((o) => o.value !== null);
    if (live.length === 0) return null;
    const first = live[0] as PathChange;
    if (live.length === 1) return { kind: Kind.Leaf, key: nibblesOf(first.path, d, PATH_NIBBLES), value: first.value as Uint8Array };
    const last = live[live.length - 1] as PathChange;
    let common = d;
    while (common < PATH_NIBBLES && nibbleAt(first.path, common) === nibbleAt(last.path, common)) common++;
    if (common === PATH_NIBBLES) throw new Error('trie batch: the same path twice');
    const branch: Branch = { kind: Kind.Branch, children: new Array<Child | null>(16).fill(null) };
    let start = 0;
    while (start < live.length) {
      const n = nibbleAt((live[start] as PathChange).path, common);
      let end = start + 1;
      while (end < live.length && nibbleAt((live[end] as PathChange).path, common) === n) end++;
      branch.children[n] = build(live.slice(start, end), common + 1);
      start = end;
    }
    return common > d ? { kind: Kind.Ext, key: nibblesOf(first.path, d, common), child: branch } : branch;
  };

  /** `prefix` then `node`, folded: a leaf or extension absorbs the prefix, a branch gets an extension. */
  const prefixed = (prefix: number[], child: Child): Work => {
    const node = child.kind === Kind.Stored ? load(child.ref, false) : child;
    if (node.kind === Kind.Branch) return { kind: Kind.Ext, key: prefix, child };
    // The child is replaced by the folded node: a stored one is pruned.
    if (child.kind === Kind.Stored && !Array.isArray(child.ref)) dels.push(child.ref);
    if (node.kind === Kind.Leaf) return { kind: Kind.Leaf, key: [...prefix, ...node.key], value: node.value };
    return { kind: Kind.Ext, key: [...prefix, ...node.key], child: node.child };
  };

  /** A branch after its children changed: none left, one left (folded), or still a branch. */
  const normalise = (branch: Branch): Work | null => {
    let only = -1;
    let count = 0;
    for (let i = 0; i < 16; i++) {
      if (branch.children[i] !== null) {
        count++;
        only = i;
      }
    }
    if (count === 0) return null;
    if (count > 1) return branch;
    return prefixed([only], branch.children[only] as Child);
  };

  const update = (child: Child | null, d: number, list: readonly PathChange[]): Child | null => {
    if (list.length === 0) return child;
    if (child === null) return build(list, d);
    const node = child.kind === Kind.Stored ? load(child.ref, true) : child;
    switch (node.kind) {
      case Kind.Leaf: {
        // The existing leaf joins the changes unless one of them is for its path.
        if (node.key.length !== PATH_NIBBLES - d) throw new Error('trie batch: a leaf whose path is not 32 bytes long');
        const template = (list[0] as PathChange).path;
        const path = Uint8Array.from(template);
        for (let i = 0; i < node.key.length; i++) {
          const at = d + i;
          const n = node.key[i] as number;
          const byte = path[at >> 1] as number;
          path[at >> 1] = at & 1 ? (byte & 0xf0) | n : (n << 4) | (byte & 0x0f);
        }
        const merged = list.some((o) => comparePaths(o.path, path) === 0)
          ? list
          : [...list, { path, value: node.value }].sort((a, b) => comparePaths(a.path, b.path));
        return build(merged, d);
      }
      case Kind.Ext: {
        const key = node.key;
        const under = list.every((o) => {
          for (let i = 0; i < key.length; i++) if (nibbleAt(o.path, d + i) !== key[i]) return false;
          return true;
        });
        if (under) {
          const sub = update(node.child, d + key.length, list);
          return sub === null ? null : prefixed(key, sub);
        }
        // Some changes leave the extension's path: open it into a branch at depth d.
        const children = new Array<Child | null>(16).fill(null);
        children[key[0] as number] = key.length === 1 ? node.child : { kind: Kind.Ext, key: key.slice(1), child: node.child };
        return updateBranch({ kind: Kind.Branch, children }, d, list);
      }
      case Kind.Branch:
        return updateBranch(node, d, list);
    }
  };

  const updateBranch = (node: Branch, d: number, list: readonly PathChange[]): Work | null => {
    const children = node.children.slice();
    let start = 0;
    while (start < list.length) {
      const n = nibbleAt((list[start] as PathChange).path, d);
      let end = start + 1;
      while (end < list.length && nibbleAt((list[end] as PathChange).path, d) === n) end++;
      children[n] = update(children[n] ?? null, d + 1, list.slice(start, end));
      start = end;
    }
    return normalise({ kind: Kind.Branch, children });
  };

  /** What a parent holds for an untouched child. */
  const storedEncoded = (ref: NodeRef): Encoded => (Array.isArray(ref) ? { inline: decodeRawMPTNode(ref).serialize() } : { hash: ref });

  /** Serialises a rebuilt subtree bottom-up; returns what its parent holds. */
  const encode = (child: Child, isRoot: boolean): Encoded => {
    if (child.kind === Kind.Stored) return storedEncoded(child.ref);
    let serialised: Uint8Array;
    if (child.kind === Kind.Leaf) serialised = encodeLeafNode(child.key, child.value);
    else if (child.kind === Kind.Ext) serialised = encodeExtensionNode(child.key, encode(child.child, false));
    else serialised = encodeBranchNode(child.children.map((c) => (c === null || c === undefined ? null : encode(c, false))));
    if (serialised.length >= 32 || isRoot) {
      const h = hash(serialised);
      puts.push([h, serialised]);
      return { hash: h };
    }
    return { inline: serialised };
  };

  if (ops.length === 0) return { root, puts, dels };
  const start: Child | null = comparePaths(root, emptyRoot) === 0 && root.length === emptyRoot.length ? null : { kind: Kind.Stored, ref: root };
  const result = update(start, 0, ops);
  if (result === null) return { root: emptyRoot, puts, dels };
  const newRoot = encode(result, true);
  if (newRoot.hash === undefined) throw new Error('trie batch: the root must be stored by hash');
  return { root: newRoot.hash, puts, dels };
}
