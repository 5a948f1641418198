// The database the Merkle Patricia trie writes its nodes to while a block is staged.
//
// Nodes are held under their id: the latin1 string of their hash (one code unit per byte, half
// the length of hex and cheaper to make and to turn back into a database key). @ethereumjs/mpt's
// CheckpointDB, which the library trie wraps around any DB, hands string keys as hex; the string
// API below (get/put/del/batch, getNode) takes those and converts. The state trie and the batch
// update pass hashes as bytes (getNodeByHash, applyOps, putNode, deleteNode).
// Writes and deletions go to an in-memory `pending` map (last operation wins, as if applied in
// order); reads consult `pending` first, then the committed nodes through `readCommitted`.
// Nothing here touches disk: CommitStore.commit turns `pending` into `t/` operations of its batch.
//
// A node first written during this staging and pruned again before it ends (an intermediate node
// replaced by a later key's update in the same block) is dropped from `pending` altogether rather
// than turned into a deletion of something that was never on disk. Nodes are content-addressed,
// so this cannot change what any hash reads as; at worst (a node whose exact content was already
// committed, which an effective, de-duplicated write set cannot produce short of a hash
// collision) it would leave one unreachable node behind.
import type { BatchDBOp, DB, EncodingOpts } from '@ethereumjs/util';
import { latin1 } from './bytes.js';

/** Reads a committed trie node by its id; undefined when absent. */
export type CommittedNodeReader = (id: string) => Uint8Array | undefined;

/** A node's id: the latin1 string of its hash. */
export const nodeId = (hash: Uint8Array): string => latin1(hash);

/** The id of the node whose hash is given in hex (the library's key strings). */
const nodeIdOfHex = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

function nodeBytes(value: string | Uint8Array): Uint8Array {
  if (typeof value === 'string') {
    throw new TypeError('trie node DB: expected bytes (the trie must be created with ValueEncoding.Bytes)');
  }
  return value;
}

export class StagedNodeDB implements DB<string, string | Uint8Array> {
  /** node id -> node body, or undefined for a pruned (deleted) node. */
  readonly pending = new Map<string, Uint8Array | undefined>();
  /** Keys whose first operation in this staging was a put. */
  readonly #fresh = new Set<string>();
  readonly #readCommitted: CommittedNodeReader;
  readonly #readOnly: boolean;

  constructor(readCommitted: CommittedNodeReader, opts: { readOnly?: boolean } = {}) {
    this.#readCommitted = readCommitted;
    this.#readOnly = opts.readOnly === true;
  }

  get(hexKey: string, _opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.getNode(hexKey));
  }

  /** Synchronous read by the hex of a node's hash. */
  getNode(hexKey: string): Uint8Array | undefined {
    return this.#get(nodeIdOfHex(hexKey));
  }

  /** Synchronous read by node hash (the trie's and the batch update's path). */
  getNodeByHash(hash: Uint8Array): Uint8Array | undefined {
    return this.#get(nodeId(hash));
  }

  put(hexKey: string, value: string | Uint8Array, _opts?: EncodingOpts): Promise<void> {
    this.#assertWritable();
    this.#put(nodeIdOfHex(hexKey), nodeBytes(value));
    return Promise.resolve();
  }

  del(hexKey: string, _opts?: EncodingOpts): Promise<void> {
    this.#assertWritable();
    this.#del(nodeIdOfHex(hexKey));
    return Promise.resolve();
  }

  /** The trie's own batches (node hashes as bytes). */
  applyOps(ops: readonly BatchDBOp[]): void {
    this.#assertWritable();
    for (const op of ops) {
      if (op.type === 'put') this.#put(nodeId(op.key), op.value);
      else this.#del(nodeId(op.key));
    }
  }

  /** Stores a node under its hash. */
  putNode(hash: Uint8Array, node: Uint8Array): void {
    this.#assertWritable();
    this.#put(nodeId(hash), node);
  }

  /** Prunes the node stored under `hash`. */
  deleteNode(hash: Uint8Array): void {
    this.#assertWritable();
    this.#del(nodeId(hash));
  }

  batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    this.#assertWritable();
    for (const op of ops) {
      if (op.type === 'put') this.#put(nodeIdOfHex(op.key), nodeBytes(op.value));
      else this.#del(nodeIdOfHex(op.key));
    }
    return Promise.resolve();
  }

  /** Pending first (a pruned node reads as absent), then committed. */
  #get(id: string): Uint8Array | undefined {
    const pending = this.pending;
    const staged = pending.get(id);
    if (staged !== undefined || pending.has(id)) return staged;
    return this.#readCommitted(id);
  }

  #put(id: string, node: Uint8Array): void {
    const pending = this.pending;
    if (!pending.has(id)) this.#fresh.add(id);
    pending.set(id, node);
  }

  #del(id: string): void {
    const pending = this.pending;
    if (this.#fresh.has(id)) {
      // Written during this staging only: forget it (see the header).
      this.#fresh.delete(id);
      pending.delete(id);
    } else {
      pending.set(id, undefined);
    }
  }

  shallowCopy(): DB<string, string | Uint8Array> {
    throw new Error('trie node DB: shallowCopy is not supported (one trie per staged block)');
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  #assertWritable(): void {
    if (this.#readOnly) throw new Error('trie node DB: this trie is read-only (proofs are built at the committed root)');
  }
}
