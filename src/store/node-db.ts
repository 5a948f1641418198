// The database the Merkle Patricia trie writes its nodes to while a block is staged.
//
// @ethereumjs/mpt wraps whatever DB it is given in a CheckpointDB, which hands us node keys as
// unprefixed hex strings of the node hash and (with ValueEncoding.Bytes) node bodies as bytes.
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

/** Reads a committed trie node by the hex of its hash; undefined when absent. */
export type CommittedNodeReader = (hexKey: string) => Uint8Array | undefined;

function nodeBytes(value: string | Uint8Array): Uint8Array {
  if (typeof value === 'string') {
    throw new TypeError('trie node DB: expected bytes (the trie must be created with ValueEncoding.Bytes)');
  }
  return value;
}

export class StagedNodeDB implements DB<string, string | Uint8Array> {
  /** hex(node hash) -> node body, or undefined for a pruned (deleted) node. */
  readonly pending = new Map<string, Uint8Array | undefined>();
  /** Keys whose first operation in this staging was a put. */
  readonly #fresh = new Set<string>();
  readonly #readCommitted: CommittedNodeReader;
  readonly #readOnly: boolean;

  constructor(readCommitted: CommittedNodeReader, opts: { readOnly?: boolean } = {}) {
    this.#readCommitted = readCommitted;
    this.#readOnly = opts.readOnly === true;
  }

  get(key: string, _opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.getNode(key));
  }

  /** Synchronous read by hex key: pending first (a pruned node reads as absent), then committed. */
  getNode(hexKey: string): Uint8Array | undefined {
    const pending = this.pending;
    const staged = pending.get(hexKey);
    if (staged !== undefined || pending.has(hexKey)) return staged;
    return this.#readCommitted(hexKey);
  }

  /** Synchronous read by node hash (the trie's fast path; Buffer's native hex gives flat strings). */
  getNodeByHash(hash: Uint8Array): Uint8Array | undefined {
    return this.getNode(Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex'));
  }

  put(key: string, value: string | Uint8Array, _opts?: EncodingOpts): Promise<void> {
    this.#assertWritable();
    this.#put(key, nodeBytes(value));
    return Promise.resolve();
  }

  del(key: string, _opts?: EncodingOpts): Promise<void> {
    this.#assertWritable();
    this.#del(key);
    return Promise.resolve();
  }

  /** The trie's own batches (node hashes as bytes), applied without the hex round trip. */
  applyOps(ops: readonly BatchDBOp[]): void {
    this.#assertWritable();
    for (const op of ops) {
      const k = op.key;
      const hex = Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('hex');
      if (op.type === 'put') this.#put(hex, op.value);
      else this.#del(hex);
    }
  }

  batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    this.#assertWritable();
    for (const op of ops) {
      if (op.type === 'put') this.#put(op.key, nodeBytes(op.value));
      else this.#del(op.key);
    }
    return Promise.resolve();
  }

  #put(hex: string, node: Uint8Array): void {
    const pending = this.pending;
    if (!pending.has(hex)) this.#fresh.add(hex);
    pending.set(hex, node);
  }

  #del(hex: string): void {
    const pending = this.pending;
    if (this.#fresh.has(hex)) {
      // Written during this staging only: forget it (see the header).
      this.#fresh.delete(hex);
      pending.delete(hex);
    } else {
      pending.set(hex, undefined);
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
