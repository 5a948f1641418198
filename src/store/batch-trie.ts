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
//
// The changes are one sorted array, and the descent works on index ranges of it; keys stay in the
// paths and stored nodes they come from (trie-node-codec.ts), so a block's update allocates little
// beyond the nodes it writes.
import { ExtensionMPTNode, LeafMPTNode, decodeRawMPTNode } from '@ethereumjs/mpt';
import {
  branchChild,
  concatNibbles,
  decodeNode,
  dropNibbles,
  encodeBranchNode,
  encodeExtensionNode,
  encodeLeafNode,
  nibbleAt,
  nibbleOf,
  packNibbles,
  startsWith,
  type EncodedChild,
  type HashAt,
  type Nibbles,
  type NodeRef,
} from './trie-node-codec.js';

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
}

/** Nodes rebuilt in this update; an untouched child stays the NodeRef its parent held. */
interface Leaf {
  readonly kind: Kind.Leaf;
  readonly key: Nibbles;
  readonly value: Uint8Array;
}
interface Ext {
  readonly kind: Kind.Ext;
  readonly key: Nibbles;
  readonly child: Child;
}
interface Branch {
  readonly kind: Kind.Branch;
  /** Owned by this update: changed in place. A number is a child still held by hash in `src` (see HashAt). */
  readonly children: (Child | HashAt | null)[];
  /** The stored bytes this branch was read from, if any. */
  readonly src?: Uint8Array;
}
type Work = Leaf | Ext | Branch;
type Child = Work | NodeRef;

const isRef = (c: Child): c is NodeRef => c instanceof Uint8Array || Array.isArray(c);

/** One-nibble keys, for a branch folded into its only child. */
const SINGLE_NIBBLE: readonly Nibbles[] = Array.from({ length: 16 }, (_, n) => packNibbles([n]));

function comparePaths(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < PATH_BYTES; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x - y;
  }
  return 0;
}

/** A decoded stored node as a work node (keys, values and child hashes are views into its bytes). */
function workOfStored(bytes: Uint8Array): Work {
  const node = decodeNode(bytes);
  if (node.kind === 'leaf') return { kind: Kind.Leaf, key: node.key, value: node.value };
  if (node.kind === 'ext') return { kind: Kind.Ext, key: node.key, child: node.child };
  return { kind: Kind.Branch, children: node.children, src: node.src };
}


/** An inline node (under 32 bytes, in practice never with 32-byte paths), through the library's classes. */
function workOfInline(raw: Uint8Array[]): Work {
  const node = decodeRawMPTNode(raw);
  if (node instanceof LeafMPTNode) return { kind: Kind.Leaf, key: packNibbles(node.key()), value: node.value() as Uint8Array };
  if (node instanceof ExtensionMPTNode) return { kind: Kind.Ext, key: packNibbles(node.key()), child: node.value() as NodeRef };
  return workOfStored(node.serialize());
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

  /** Loads a stored or inline node; a stored one is recorded as replaced when `replacing`. */
  const load = (ref: NodeRef, replacing: boolean): Work => {
    if (Array.isArray(ref)) return workOfInline(ref);
    const bytes = source.getNodeByHash(ref);
    if (bytes === undefined) throw new Error(`trie batch: missing node ${Buffer.from(ref).toString('hex')}`);
    if (replacing) dels.push(ref);
    try {
      return workOfStored(bytes);
    } catch (err) {
      throw new Error(`trie batch: stored node ${Buffer.from(ref).toString('hex')}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  /** A fresh subtree over list[lo, hi) at depth d (deletions among them are ignored). */
  const build = (list: readonly PathChange[], lo: number, hi: number, d: number): Work | null => {
    let first = -1;
    let last = -1;
    for (let i = lo; i < hi; i++) {
      if ((list[i] as PathChange).value === null) continue;
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) return null;
    const a = list[first] as PathChange;
    if (first === last) return { kind: Kind.Leaf, key: { bytes: a.path, off: d, len: PATH_NIBBLES - d }, value: a.value as Uint8Array };
    const z = (list[last] as PathChange).path;
    let common = d;
    while (common < PATH_NIBBLES && nibbleAt(a.path, common) === nibbleAt(z, common)) common++;
    if (common === PATH_NIBBLES) throw new Error('trie batch: the same path twice');
    // Every path from the first live change to the last shares their first `common` nibbles
    // (they are sorted); deletions outside that span are of nothing here.
    const children = new Array<Child | null>(16).fill(null);
    let start = first;
    while (start <= last) {
      const n = nibbleAt((list[start] as PathChange).path, common);
      let end = start + 1;
      while (end <= last && nibbleAt((list[end] as PathChange).path, common) === n) end++;
      children[n] = build(list, start, end, common + 1);
      start = end;
    }
    const branch: Branch = { kind: Kind.Branch, children };
    return common > d ? { kind: Kind.Ext, key: { bytes: a.path, off: d, len: common - d }, child: branch } : branch;
  };

  /** `prefix` then `child`, folded: a leaf or extension absorbs the prefix, a branch gets an extension. */
  const prefixed = (prefix: Nibbles, child: Child): Work => {
    const node = isRef(child) ? load(child, false) : child;
    if (node.kind === Kind.Branch) return { kind: Kind.Ext, key: prefix, child };
    // The child is replaced by the folded node: a stored one is pruned.
    if (child instanceof Uint8Array) dels.push(child);
    if (node.kind === Kind.Leaf) return { kind: Kind.Leaf, key: concatNibbles(prefix, node.key), value: node.value };
    return { kind: Kind.Ext, key: concatNibbles(prefix, node.key), child: node.child };
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
    return prefixed(SINGLE_NIBBLE[only] as Nibbles, branchChild(branch, only) as Child);
  };

  /** A leaf at depth d meeting the changes ops[lo, hi), whose paths all lead to it. */
  const updateLeaf = (leaf: Leaf, d: number, lo: number, hi: number): Work | null => {
    if (leaf.key.len !== PATH_NIBBLES - d) throw new Error('trie batch: a leaf whose path is not 32 bytes long');
    // One of the changes is for the leaf's own path: it replaces (or deletes) the leaf.
    for (let i = lo; i < hi; i++) if (startsWith((ops[i] as PathChange).path, d, leaf.key)) return build(ops, lo, hi, d);
    // Otherwise the leaf joins the changes, under its full path: theirs to depth d, then its key.
    const path = Uint8Array.from((ops[lo] as PathChange).path);
    for (let i = 0; i < leaf.key.len; i++) {
      const at = d + i;
      const n = nibbleOf(leaf.key, i);
      const byte = path[at >> 1] as number;
      path[at >> 1] = at & 1 ? (byte & 0xf0) | n : (n << 4) | (byte & 0x0f);
    }
    const merged: PathChange[] = ops.slice(lo, hi);
    let at = 0;
    while (at < merged.length && comparePaths((merged[at] as PathChange).path, path) < 0) at++;
    merged.splice(at, 0, { path, value: leaf.value });
    return build(merged, 0, merged.length, d);
  };

  const update = (child: Child | null, d: number, lo: number, hi: number): Child | null => {
    if (lo === hi) return child;
    if (child === null) return build(ops, lo, hi, d);
    const node = isRef(child) ? load(child, true) : child;
    switch (node.kind) {
      case Kind.Leaf:
        return updateLeaf(node, d, lo, hi);
      case Kind.Ext: {
        const key = node.key;
        // The paths are sorted: if the first and the last follow the extension, all do.
        if (startsWith((ops[lo] as PathChange).path, d, key) && startsWith((ops[hi - 1] as PathChange).path, d, key)) {
          const sub = update(node.child, d + key.len, lo, hi);
          return sub === null ? null : prefixed(key, sub);
        }
        // Some changes leave the extension's path: open it into a branch at depth d.
        const children = new Array<Child | null>(16).fill(null);
        children[nibbleOf(key, 0)] = key.len === 1 ? node.child : { kind: Kind.Ext, key: dropNibbles(key, 1), child: node.child };
        return updateBranch({ kind: Kind.Branch, children }, d, lo, hi);
      }
      case Kind.Branch:
        return updateBranch(node, d, lo, hi);
    }
  };

  const updateBranch = (node: Branch, d: number, lo: number, hi: number): Work | null => {
    const children = node.children;
    let start = lo;
    while (start < hi) {
      const n = nibbleAt((ops[start] as PathChange).path, d);
      let end = start + 1;
      while (end < hi && nibbleAt((ops[end] as PathChange).path, d) === n) end++;
      children[n] = update(branchChild(node, n), d + 1, start, end);
      start = end;
    }
    return normalise(node);
  };

  /** What a parent holds for a child: the child's hash, or its serialisation when under 32 bytes. */
  const encode = (child: Child, isRoot: boolean): EncodedChild => {
    if (child instanceof Uint8Array) return child;
    if (Array.isArray(child)) return { inline: decodeRawMPTNode(child).serialize() };
    let serialised: Uint8Array;
    if (child.kind === Kind.Leaf) serialised = encodeLeafNode(child.key, child.value);
    else if (child.kind === Kind.Ext) serialised = encodeExtensionNode(child.key, encode(child.child, false));
    else {
      const items = new Array<EncodedChild | HashAt | null>(16);
      for (let i = 0; i < 16; i++) {
        const c = child.children[i];
        items[i] = c === null || c === undefined ? null : typeof c === 'number' ? c : encode(c, false);
      }
      serialised = encodeBranchNode(items, child.src);
    }
    if (serialised.length >= 32 || isRoot) {
      const h = hash(serialised);
      puts.push([h, serialised]);
      return h;
    }
    return { inline: serialised };
  };

  if (ops.length === 0) return { root, puts, dels };
  const start: Child | null = comparePaths(root, emptyRoot) === 0 && root.length === emptyRoot.length ? null : root;
  const result = update(start, 0, 0, ops.length);
  if (result === null) return { root: emptyRoot, puts, dels };
  const newRoot = encode(result, true);
  if (!(newRoot instanceof Uint8Array)) throw new Error('trie batch: the root must be stored by hash');
  return { root: newRoot, puts, dels };
}
