// The committed state of one node: one LevelDB with three key spaces
//   s/<key>            flat state, key -> value (fast synchronous reads, ordered iteration)
//   t/<node hash>      Merkle Patricia trie nodes (see trie.ts), pruned as they are replaced
//   m/height           last committed height, 8-byte big-endian
//   m/apphash          last committed app hash (= trie root; absent before the first commit)
//   m/root             trie root the flat state corresponds to
//
// Lifecycle per block: branch() -> execute txs on cache layers -> stage(changes, height) computes
// the new root with every trie write buffered in memory -> commit() hands flat state, trie nodes
// and metadata to LevelDB in ONE atomic batch. A crash before the batch has landed leaves the
// previous block's state, height and app hash, which is what CometBFT's handshake replays from.
//
// commit() returns once the batch is handed over, not once it has landed: LevelDB writes (and
// syncs) it on a thread of its own while the next block runs. Until it lands, reads take the
// block's values and trie nodes from memory (the landing), so nothing ever reads the disk behind
// memory; the next commit first waits for it, so batches land in order, and a write that failed
// stops the node there. CometBFT's handshake already replays whatever blocks the app's state is
// behind its own (Info reports what is on disk), so answering Commit before the write lands risks
// nothing a crash at any other moment does not.
import { ClassicLevel } from 'classic-level';
import type { ProofOps } from 'cosmjs-types/tendermint/crypto/proof';
import type { Logger } from '../util/logger.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { bytesEqual, compareBytes, readUint64BE, toHex, uint64BE } from '../util/bytes.js';
import { copyBytes, latin1Write, toKeyString } from './bytes.js';
import { CacheLayer } from './cache-store.js';
import { iteratePrefix } from './level-iterate.js';
import { StagedNodeDB } from './node-db.js';
import { buildProofOps } from './proof.js';
import { EMPTY_TRIE_ROOT, decodeLeafValue, encodeLeafValue, openStateTrie } from './trie.js';
import { sha256Latin1 } from '../util/sha256.js';
import { Slab } from '../util/slab.js';
import { applyBatch, type PathChange } from './batch-trie.js';
import type { CommittedNodeReader } from './node-db.js';
import type { CacheStore, KeyChange, KeyRange, KeyStringReader } from './types.js';

const STATE_PREFIX = Uint8Array.from(Buffer.from('s/'));
const TRIE_PREFIX = Uint8Array.from(Buffer.from('t/'));
const META_HEIGHT = Uint8Array.from(Buffer.from('m/height'));
const META_APP_HASH = Uint8Array.from(Buffer.from('m/apphash'));
const META_ROOT = Uint8Array.from(Buffer.from('m/root'));

export type StateChange = KeyChange;

export interface CommitStoreOptions {
  readonly logger?: Logger;
  /** Committed values (and absences) kept in memory for get/has; 0 disables. Default 100 000. */
  readonly readCacheSize?: number;
  /** Committed trie nodes kept in memory for stage/prove; 0 disables. Default 50 000. */
  readonly nodeCacheSize?: number;
  /** fsync the commit batch (LevelDB `sync: true`). Default true. */
  readonly sync?: boolean;
  /** LevelDB block cache in bytes (trie nodes are read at random). Default 64 MiB. */
  readonly levelCacheBytes?: number;
  /** LevelDB write buffer (memtable) in bytes. Default 16 MiB. */
  readonly levelWriteBufferBytes?: number;
  /**
   * How stage() updates the trie: 'batch' (default) applies the block's changes in one pass
   * (batch-trie.ts); 'per-key' puts them one by one through the library's trie (same root; kept
   * for comparison in bench/store.ts).
   */
  readonly trieUpdate?: 'batch' | 'per-key';
}

export interface StateProof {
  /** The committed value, or undefined when the proof shows absence. */
  readonly value: Uint8Array | undefined;
  readonly proof: ProofOps;
  /** Height whose app hash the proof verifies against. */
  readonly height: bigint;
  readonly appHash: Uint8Array;
}

/** A block handed to LevelDB whose batch has not landed yet: what reads see meanwhile. */
interface Landing {
  /** State key (latin1, see bytes.ts) -> value, or null for a deletion. */
  readonly values: ReadonlyMap<string, Uint8Array | null>;
  /** node id -> node body, or undefined for a pruned node. */
  readonly nodes: ReadonlyMap<string, Uint8Array | undefined>;
  /** Settles when LevelDB has written the batch. */
  readonly done: Promise<void>;
}

interface Staged {
  readonly height: bigint;
  /** The effective changes: no-ops against committed state are dropped. */
  readonly changes: readonly StateChange[];
  /** node id (node-db.ts) -> node body, or undefined for a pruned node. */
  readonly nodes: ReadonlyMap<string, Uint8Array | undefined>;
  readonly root: Uint8Array;
}

// Keys handed to LevelDB, and small values, are made in (or copied into) a slab's memory, outside
// the heap. V8 keeps a Uint8Array of up to 64 bytes inside the heap, and the first time native code
// asks for its bytes (classic-level's put, get and del do) it moves them out: a malloc and a copy
// for every key of every write, which a slab's view does not need (util/slab.ts).
const SMALL_IN_HEAP = 64;

/** The database key of a flat-state key, outside the heap. */
function stateDbKey(slab: Slab, key: Uint8Array): Uint8Array {
  const out = slab.alloc(STATE_PREFIX.length + key.length);
  out.set(STATE_PREFIX, 0);
  out.set(key, STATE_PREFIX.length);
  return out;
}

/** The database key of the trie node with this id (the latin1 string of its hash, see node-db.ts), outside the heap. */
function trieNodeKey(slab: Slab, id: string): Uint8Array {
  const out = slab.alloc(TRIE_PREFIX.length + id.length);
  out.set(TRIE_PREFIX, 0);
  latin1Write(out, id, TRIE_PREFIX.length);
  return out;
}

/** `value` as LevelDB's put takes it without moving it out of the heap first. */
const outOfHeap = (slab: Slab, value: Uint8Array): Uint8Array => (value.length <= SMALL_IN_HEAP ? slab.copy(value) : value);

function checkKey(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`CommitStore.${what}: key must be a Uint8Array`);
}

export class CommitStore implements KeyStringReader {
  readonly #db: ClassicLevel<Uint8Array, Uint8Array>;
  readonly #logger: Logger | undefined;
  readonly #sync: boolean;
  readonly #values: BoundedCache<Uint8Array | null>;
  readonly #nodes: BoundedCache<Uint8Array>;
  readonly #readNode: CommittedNodeReader;
  readonly #perKey: boolean;
  #height: bigint;
  #appHash: Uint8Array;
  #root: Uint8Array;
  #staged: Staged | undefined;
  #busy: 'stage' | 'commit' | undefined;
  #landing: Landing | undefined;
  /** Bytes that live while a block is staged (paths, leaf values, hashes). */
  readonly #scratch = new Slab();
  /** Database keys and small values on their way to LevelDB (dead once handed over). */
  readonly #dbKeys = new Slab();
  /** Why a commit's batch failed to land: the store refuses to go on (see the top of the file). */
  #writeFailed: Error | undefined;
  #closed = false;

  private constructor(
    db: ClassicLevel<Uint8Array, Uint8Array>,
    meta: { height: bigint; appHash: Uint8Array; root: Uint8Array },
    opts: CommitStoreOptions,
  ) {
    this.#db = db;
    this.#logger = opts.logger;
    this.#sync = opts.sync ?? true;
    this.#perKey = opts.trieUpdate === 'per-key';
    this.#values = new BoundedCache(opts.readCacheSize ?? 100_000);
    // First in, first out: the nodes read next are mostly those the last blocks wrote (added at
    // commit), and an LRU's reordering on every hit cost more than it saved.
    this.#nodes = new BoundedCache(opts.nodeCacheSize ?? 50_000);
    this.#height = meta.height;
    this.#appHash = meta.appHash;
    this.#root = meta.root;
    this.#readNode = (id) => {
      const cached = this.#nodes.get(id);
      if (cached !== undefined) return cached;
      const landing = this.#landing;
      if (landing !== undefined && landing.nodes.has(id)) return landing.nodes.get(id);
      const node = this.#db.getSync(trieNodeKey(this.#dbKeys, id));
      if (node !== undefined) this.#nodes.set(id, node);
      return node;
    };
  }

  /** Opens (creating if needed) the state database in `dir`. */
  static async open(dir: string, opts: CommitStoreOptions = {}): Promise<CommitStore> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      cacheSize: opts.levelCacheBytes ?? 64 * 1024 * 1024,
      writeBufferSize: opts.levelWriteBufferBytes ?? 16 * 1024 * 1024,
    });
    try {
      await db.open();
    } catch (err) {
      throw new Error(`cannot open state database at ${dir}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    const height = db.getSync(META_HEIGHT);
    let meta: { height: bigint; appHash: Uint8Array; root: Uint8Array };
    if (height === undefined) {
      meta = { height: 0n, appHash: new Uint8Array(0), root: EMPTY_TRIE_ROOT };
    } else {
      const appHash = db.getSync(META_APP_HASH);
      const root = db.getSync(META_ROOT);
      if (appHash === undefined || root === undefined || root.length !== EMPTY_TRIE_ROOT.length) {
        await db.close();
        throw new Error(`state database at ${dir} is corrupt: height is stored but app hash or trie root is missing`);
      }
      meta = { height: readUint64BE(height), appHash: Uint8Array.from(appHash), root: Uint8Array.from(root) };
    }
    const store = new CommitStore(db, meta, opts);
    opts.logger?.info('state store opened', { dir, height: meta.height, appHash: meta.appHash });
    return store;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#landed().catch(() => undefined);
    this.#staged = undefined;
    await this.#db.close();
  }

  /** Last committed height; 0 before the first commit. */
  get lastHeight(): bigint {
    return this.#height;
  }

  /** Last committed app hash (the trie root); empty before the first commit, as CometBFT expects. */
  get lastAppHash(): Uint8Array {
    return copyBytes(this.#appHash);
  }

  /** Height and app hash of the block staged but not yet committed, if any. */
  get staged(): { readonly height: bigint; readonly appHash: Uint8Array } | undefined {
    const s = this.#staged;
    return s === undefined ? undefined : { height: s.height, appHash: copyBytes(s.root) };
  }

  // ---- KVReader over committed state ----

  /** The committed value. The returned bytes may be shared with the read cache: do not mutate. */
  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key, 'get');
    return this.getByKeyString(toKeyString(key), key);
  }

  /** get(), for a caller that holds the key's latin1 string already (a cache layer). */
  getByKeyString(s: string, key: Uint8Array): Uint8Array | undefined {
    this.#assertOpen('get');
    const cached = this.#values.get(s);
    if (cached !== undefined) return cached ?? undefined;
    const landing = this.#landing?.values.get(s);
    if (landing !== undefined) return landing ?? undefined;
    const value = this.#db.getSync(stateDbKey(this.#dbKeys, key));
    this.#values.set(s, value ?? null);
    return value;
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  iterate(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    this.#assertOpen('iterate');
    return this.#iterateLanded(range);
  }

  /** LevelDB's entries once the last commit's batch has landed (an iterator reads the disk). */
  async *#iterateLanded(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    // Checked again after each wait: a commit waiting too may have handed over its batch first.
    do await this.#landed();
    while (this.#landing !== undefined);
    yield* iteratePrefix(this.#db, STATE_PREFIX, range);
  }

  /** A fresh per-block cache layer over committed state. */
  branch(): CacheStore {
    this.#assertOpen('branch');
    return new CacheLayer(this);
  }

  // ---- block lifecycle ----

  /**
   * Applies a block's write set (strictly increasing keys, as CacheStore.changes() returns it;
   * `undefined` = delete) to the trie at the committed root and returns the new app hash. Trie
   * writes are buffered in memory until commit(). Staging again before commit() replaces the
   * earlier staging. Cost is proportional to the number of keys changed.
   */
  async stage(changes: ReadonlyArray<StateChange>, height: bigint): Promise<Uint8Array> {
    this.#assertOpen('stage');
    this.#assertIdle('stage');
    if (this.#writeFailed !== undefined) throw this.#writeFailed;
    this.#checkNextHeight(height);
    checkChanges(changes);
    this.#staged = undefined;
    this.#busy = 'stage';
    try {
      const nodeDb = new StagedNodeDB(this.#readNode);
      const effective: StateChange[] = [];
      for (const change of changes) {
        const [key, value, keyString] = change;
        const current = this.getByKeyString(keyString ?? toKeyString(key), key);
        if (value === undefined ? current === undefined : current !== undefined && bytesEqual(current, value)) continue;
        effective.push(change);
      }
      const root = this.#perKey ? await this.#stagePerKey(nodeDb, effective) : this.#stageBatch(nodeDb, effective);
      this.#staged = { height, changes: effective, nodes: nodeDb.pending, root };
      this.#logger?.debug('state staged', { height, keys: effective.length, nodes: nodeDb.pending.size, appHash: root });
      return copyBytes(root);
    } finally {
      this.#busy = undefined;
    }
  }

  /**
   * All effective changes in one pass over the trie (see batch-trie.ts). Paths, leaf values and
   * hashes live only while the block is staged: they are cut from a slab (util/slab.ts). The new
   * nodes get arrays of their own: the node cache keeps a node until it is replaced, which for a
   * key nobody changes again is never, and one such node kept a whole slab chunk alive (in a
   * ten-minute soak the app's external memory grew from 33 to 97 MiB, and by nothing without it).
   */
  #stageBatch(nodeDb: StagedNodeDB, effective: readonly StateChange[]): Uint8Array {
    const scratch = this.#scratch;
    const scratchAlloc = (n: number): Uint8Array => scratch.alloc(n);
    const hash = (data: Uint8Array): Uint8Array => scratch.fromLatin1(sha256Latin1(data));
    const changes: PathChange[] = effective.map(([key, value]) => ({ path: hash(key), value: value === undefined ? null : encodeLeafValue(value, scratchAlloc) }));
    const { root, puts, dels } = applyBatch(nodeDb, this.#root, EMPTY_TRIE_ROOT, changes, hash);
    // Deletions first: a node replaced and rebuilt identically ends up stored.
    for (const hash of dels) nodeDb.deleteNode(hash);
    for (const [hash, node] of puts) nodeDb.putNode(hash, node);
    return Uint8Array.from(root);
  }

  /** One library put/del per change (the library's own update path). */
  async #stagePerKey(nodeDb: StagedNodeDB, effective: readonly StateChange[]): Promise<Uint8Array> {
    const trie = openStateTrie(nodeDb, this.#root);
    for (const [key, value] of effective) {
      if (value === undefined) await trie.del(key);
      else await trie.put(key, encodeLeafValue(value));
    }
    return Uint8Array.from(trie.root());
  }

  /** Drops a staged block without writing it. */
  discardStaged(): void {
    this.#assertIdle('discardStaged');
    this.#staged = undefined;
  }

  /**
   * Hands the staged block (flat state, trie nodes, height, app hash) to LevelDB in one atomic
   * batch, once the previous block's batch has landed; returns before this one lands (see the top
   * of the file). Rejects when the previous batch failed to land.
   */
  async commit(): Promise<void> {
    this.#assertOpen('commit');
    this.#assertIdle('commit');
    const staged = this.#staged;
    if (staged === undefined) throw new Error('CommitStore.commit: nothing is staged; call stage() first');
    this.#busy = 'commit';
    try {
      await this.#landed();
      this.#handOver(staged);
    } finally {
      this.#busy = undefined;
    }
  }

  /** Settles once no commit's batch is landing; rejects if one failed to. */
  async #landed(): Promise<void> {
    while (this.#landing !== undefined && this.#writeFailed === undefined) await this.#landing.done.catch(() => undefined);
    if (this.#writeFailed !== undefined) throw this.#writeFailed;
  }

  #handOver(staged: Staged): void {
    const batch = this.#db.batch();
    const keys = this.#dbKeys;
    const values = new Map<string, Uint8Array | null>();
    for (const [key, value, keyString] of staged.changes) {
      if (value === undefined) batch.del(stateDbKey(keys, key));
      else batch.put(stateDbKey(keys, key), outOfHeap(keys, value));
      values.set(keyString ?? toKeyString(key), value ?? null);
    }
    for (const [id, node] of staged.nodes) {
      if (node === undefined) batch.del(trieNodeKey(keys, id));
      else batch.put(trieNodeKey(keys, id), outOfHeap(keys, node));
    }
    batch.put(META_HEIGHT, uint64BE(staged.height));
    batch.put(META_APP_HASH, staged.root);
    batch.put(META_ROOT, staged.root);
    const landing: Landing = { values, nodes: staged.nodes, done: batch.write({ sync: this.#sync }) };
    this.#landing = landing;
    landing.done.then(
      () => {
        if (this.#landing === landing) this.#landing = undefined;
        this.#logger?.debug('state written', { height: staged.height });
      },
      (err: unknown) => {
        // The landing stays: memory is ahead of the disk, and reads must keep agreeing with memory.
        this.#writeFailed ??= new Error(`state batch of height ${staged.height} was not written: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        this.#logger?.error('state batch not written', { height: staged.height, error: err instanceof Error ? err.message : String(err) });
      },
    );

    // Memory is the committed state from now on; reads of what the cache lacks go to the landing.
    this.#height = staged.height;
    this.#appHash = staged.root;
    this.#root = staged.root;
    this.#staged = undefined;
    const cache = this.#values;
    for (const [s, value] of values) cache.update(s, value);
    // New nodes are the ones the next block reads first (the top of the trie changes every block).
    const nodes = this.#nodes;
    for (const [id, node] of staged.nodes) {
      if (node === undefined) nodes.delete(id);
      else nodes.set(id, node);
    }
    this.#logger?.debug('state committed', { height: staged.height, appHash: staged.root });
  }

  // ---- proofs ----

  /** A Merkle proof of `key`'s value (or absence) at the last committed app hash. */
  async prove(key: Uint8Array): Promise<StateProof> {
    checkKey(key, 'prove');
    this.#assertOpen('prove');
    // Never read a root while its batch is landing: wait, then pin root and a snapshot together
    // (checked again after each wait: a commit waiting too may have handed over its batch first).
    do await this.#landed();
    while (this.#landing !== undefined);
    this.#assertOpen('prove');
    const root = this.#root;
    const height = this.#height;
    const appHash = copyBytes(this.#appHash);
    const snapshot = this.#db.snapshot();
    try {
      const nodes = this.#nodes;
      const db = this.#db;
      // Trie nodes are content-addressed, so the shared node cache is valid at any root.
      const reader: CommittedNodeReader = (id) => nodes.get(id) ?? db.getSync(trieNodeKey(this.#dbKeys, id), { snapshot });
      const trie = openStateTrie(new StagedNodeDB(reader, { readOnly: true }), root);
      const { nodes: proofNodes, leaf } = await trie.proofOf(key);
      const value = leaf === null ? undefined : copyBytes(decodeLeafValue(leaf));
      return { value, proof: buildProofOps(key, proofNodes), height, appHash };
    } finally {
      await snapshot.close();
    }
  }

  // ---- guards ----

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`CommitStore.${what}: the store is closed`);
  }

  #assertIdle(what: string): void {
    if (this.#busy !== undefined) throw new Error(`CommitStore.${what}: a ${this.#busy} is still in progress`);
  }

  #checkNextHeight(height: bigint): void {
    if (typeof height !== 'bigint') throw new TypeError('CommitStore.stage: height must be a bigint');
    if (this.#height === 0n ? height < 1n : height !== this.#height + 1n) {
      const expected = this.#height === 0n ? 'a height >= 1 (the chain initial height)' : `${this.#height + 1n}`;
      throw new Error(`CommitStore.stage: height ${height} does not follow committed height ${this.#height}; expected ${expected}`);
    }
  }
}

function checkChanges(changes: ReadonlyArray<StateChange>): void {
  let prev: Uint8Array | undefined;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const key = change?.[0];
    if (change === undefined || !(key instanceof Uint8Array)) {
      throw new TypeError(`CommitStore.stage: change ${i} has no Uint8Array key`);
    }
    const value = change[1];
    if (value !== undefined && !(value instanceof Uint8Array)) {
      throw new TypeError(`CommitStore.stage: change ${i} (key ${toHex(key)}) has a value that is neither bytes nor undefined`);
    }
    if (prev !== undefined && compareBytes(prev, key) >= 0) {
      throw new Error(`CommitStore.stage: changes must have strictly increasing keys; change ${i} (key ${toHex(key)}) is out of order or repeated`);
    }
    prev = key;
  }
}
