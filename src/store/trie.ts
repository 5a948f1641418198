// The state commitment: a Merkle Patricia trie (@ethereumjs/mpt) over the flat state.
//
// - Trie path = sha256(state key) ("secure" trie: uniform depth, no attacker-chosen deep paths).
// - Node hash = sha256(RLP(node)); the app hash is the root node's hash (32 bytes).
// - Leaf value = 0x00 ‖ state value. The MPT treats an empty value as a deletion, but protobuf
//   encodes an all-default message as zero bytes, so every value carries a one-byte version tag to
//   keep empty values provable. verifyStateProof strips it; clients using their own MPT verifier
//   must do the same.
import { sha256 } from '../util/sha256.js';
import {
  BranchMPTNode,
  LeafMPTNode,
  MerklePatriciaTrie,
  decodeMPTNode,
  decodeRawMPTNode,
  isRawMPTNode,
} from '@ethereumjs/mpt';
import { ValueEncoding } from '@ethereumjs/util';
import type { MPTNode, MPTOpts, Nibbles, Path } from '@ethereumjs/mpt';
import { bytesEqual } from '../util/bytes.js';
import { StagedNodeDB } from './node-db.js';
import { StagedCheckpointDB } from './trie-db.js';
import type { CheckpointDB } from '@ethereumjs/mpt';
import type { BatchDBOp, DB } from '@ethereumjs/util';

export { sha256 };

/** Root of the empty trie: sha256(RLP("")) = sha256(0x80). */
export const EMPTY_TRIE_ROOT: Uint8Array = Uint8Array.from(sha256(Uint8Array.of(0x80)));

const LEAF_VALUE_TAG = 0x00;

export function encodeLeafValue(value: Uint8Array, alloc: (n: number) => Uint8Array = (n) => new Uint8Array(n)): Uint8Array {
  const out = alloc(value.length + 1);
  out[0] = LEAF_VALUE_TAG;
  out.set(value, 1);
  return out;
}

/** Inverse of encodeLeafValue; throws on bytes that no state value could have produced. */
export function decodeLeafValue(leaf: Uint8Array): Uint8Array {
  if (leaf.length === 0 || leaf[0] !== LEAF_VALUE_TAG) {
    throw new Error('trie leaf value has no 0x00 tag; not a CyberMiles state value');
  }
  return leaf.subarray(1);
}

/** The trie options shared by the store and the proof verifier (no db: a verifier uses memory). */
export const TRIE_HASH_OPTIONS = {
  useKeyHashing: true,
  useKeyHashingFunction: sha256,
} as const;

function toNibbles(key: Uint8Array): Nibbles {
  const out: Nibbles = new Array<number>(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const b = key[i] as number;
    out[2 * i] = b >> 4;
    out[2 * i + 1] = b & 0x0f;
  }
  return out;
}

const MISSING_NODE = 'Missing node in DB'; // the library matches on this message

/**
 * The library trie (always with node pruning) with its hot paths replaced, each doing exactly
 * what the library does, cheaper; trie.test.ts checks roots and proofs against the stock trie.
 * - findPath follows the one path to `key` in a plain loop instead of the generic prioritised
 *   tree walker (a task queue and several promises per node).
 * - put walks the path once: the library walks it a second time (a full get) only to learn the
 *   old value, which the first walk already found.
 * - lookupNode reads node bytes straight from the StagedNodeDB by hash, and remembers each
 *   decoded node's hash, so pruning the replaced path (_createPruneDeleteOps) need not
 *   re-serialise and re-hash every node on it.
 * - the DB layer is StagedCheckpointDB (no JavaScript hex conversion), and hash() skips a copy.
 */
export class StateTrie extends MerklePatriciaTrie {
  readonly #nodes: StagedNodeDB;
  /** Decoded node -> the hash it was loaded by (nodes are not shared between lookups). */
  readonly #loadedBy = new WeakMap<MPTNode, Uint8Array>();

  constructor(opts: MPTOpts & { db: StagedNodeDB }) {
    if (opts.useNodePruning !== true) throw new Error('StateTrie requires useNodePruning');
    super(opts);
    this.#nodes = opts.db;
  }

  override database(db?: DB<string, string | Uint8Array>): CheckpointDB {
    if (db !== undefined) {
      if (!(db instanceof StagedNodeDB)) throw new TypeError('StateTrie needs a StagedNodeDB');
      this._db = new StagedCheckpointDB(db);
    }
    return this._db;
  }

  override async lookupNode(node: Uint8Array | Uint8Array[]): Promise<MPTNode> {
    if (isRawMPTNode(node)) return decodeRawMPTNode(node);
    const bytes = this.#nodes.getNodeByHash(node);
    if (bytes === undefined) throw new Error(MISSING_NODE);
    const decoded = decodeMPTNode(bytes);
    this.#loadedBy.set(decoded, node);
    return decoded;
  }

  protected override _createPruneDeleteOps(stack: MPTNode[]): BatchDBOp[] {
    // Same keys as the library's hash(node.serialize()): called before any node on the stack
    // is modified, so the hash a node was loaded by is still its hash. Inline nodes fall back.
    return stack.map((node) => ({
      type: 'del' as const,
      key: this.#loadedBy.get(node) ?? this.hash(node.serialize()),
    }));
  }

  override async put(key: Uint8Array, value: Uint8Array | null, skipKeyTransform = false): Promise<void> {
    if (value === null || value.length === 0) return this.del(key, skipKeyTransform);
    await this._lock.acquire();
    try {
      const appliedKey = skipKeyTransform ? key : this.appliedKey(key);
      if (bytesEqual(this.root(), this.EMPTY_TRIE_ROOT)) {
        await this._createInitialNode(appliedKey, value);
        return;
      }
      const { node, remaining, stack } = await this.findPath(appliedKey);
      const old = node !== null && remaining.length === 0 ? node.value() : null;
      // As the library: prune the old path unless the value is unchanged, after the update.
      const prune = old === null || !bytesEqual(old, value) ? this._createPruneDeleteOps(stack) : [];
      await this._updateNode(appliedKey, value, remaining, stack);
      await this._db.batch(prune);
    } finally {
      this._lock.release();
    }
  }

  protected override hash(input: Uint8Array): Uint8Array {
    return sha256(input);
  }

  /**
   * One walk for a proof: the serialised nodes on the path to `key` (root first, what the
   * library's createMerkleProof returns) and the leaf value there, or null when absent.
   */
  async proofOf(key: Uint8Array): Promise<{ nodes: Uint8Array[]; leaf: Uint8Array | null }> {
    const { node, remaining, stack } = await this.findPath(this.appliedKey(key));
    return {
      nodes: stack.map((n) => n.serialize()),
      leaf: node !== null && remaining.length === 0 ? node.value() : null,
    };
  }
  override async findPath(
    key: Uint8Array,
    throwIfMissing = false,
    partialPath: { stack: MPTNode[] } = { stack: [] },
  ): Promise<Path> {
    if (partialPath.stack.length > 0) return super.findPath(key, throwIfMissing, partialPath);
    const target = toNibbles(key);
    const stack: MPTNode[] = [];
    let progress = 0;
    let ref: Uint8Array | Uint8Array[] = this.root();
    for (;;) {
      let node: MPTNode;
      try {
        node = await this.lookupNode(ref);
      } catch (err) {
        if (!throwIfMissing && err instanceof Error && err.message === MISSING_NODE) {
          return { node: null, remaining: [], stack };
        }
        throw err;
      }
      stack.push(node);
      if (node instanceof BranchMPTNode) {
        if (progress === target.length) return { node, remaining: [], stack };
        const child = node.getBranch(target[progress] as number);
        if (child === null) return { node: null, remaining: target.slice(progress), stack };
        progress++;
        ref = child;
        continue;
      }
      const start = progress;
      const nodeKey = node.key();
      if (node instanceof LeafMPTNode && target.length - progress !== nodeKey.length) {
        return { node: null, remaining: target.slice(start), stack };
      }
      for (const nibble of nodeKey) {
        if (nibble !== target[progress]) return { node: null, remaining: target.slice(start), stack };
        progress++;
      }
      if (node instanceof LeafMPTNode) return { node, remaining: [], stack };
      ref = node.value(); // extension: continue at its child
    }
  }
}

/** The options every state trie uses, given its node database and root. */
export function stateTrieOptions<D extends DB<string, string | Uint8Array>>(db: D, root: Uint8Array): MPTOpts & { db: D } {
  return {
    ...TRIE_HASH_OPTIONS,
    db,
    useNodePruning: true,
    valueEncoding: ValueEncoding.Bytes,
    root,
  };
}

/**
 * A trie over `db` at `root`, with node pruning (old nodes deleted as they are replaced).
 * Equivalent to `createMPT(stateTrieOptions(db, root))` (no root persistence is used), but
 * constructs the StateTrie subclass.
 */
export function openStateTrie(db: StagedNodeDB, root: Uint8Array): StateTrie {
  return new StateTrie(stateTrieOptions(db, root));
}
