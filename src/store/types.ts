// The state interfaces every module codes against. Reads are synchronous (LevelDB getSync under
// the cache layers); iteration is async and always in ascending (or descending) byte order of keys.

export interface KeyRange {
  /** Inclusive lower bound. */
  readonly gte?: Uint8Array;
  /** Exclusive upper bound. */
  readonly lt?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface KVReader {
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  /** Entries in key order (byte-wise), merged across cache layers, deletions hidden. */
  iterate(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]>;
}

/**
 * A reader that also takes a key already in its latin1 string form (store/bytes.ts), as the cache
 * layers hold keys: the committed store under a block's layer, which would otherwise make the
 * same string again for its own read cache.
 */
export interface KeyStringReader extends KVReader {
  getByKeyString(s: string, key: Uint8Array): Uint8Array | undefined;
}

export interface KVStore extends KVReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** A write-buffering layer over a parent store; nothing reaches the parent until write(). */
export interface CacheStore extends KVStore {
  /** A child layer over this one (per-tx over per-block). */
  branch(): CacheStore;
  /** Pushes this layer's writes into its parent, in key order, and clears the layer. */
  write(): void;
  /** This layer's pending writes in key order; `undefined` value means a deletion. */
  changes(): ReadonlyArray<KeyChange>;
}

/**
 * A pending write: key, value (`undefined` for a deletion), and the key's latin1 string
 * (store/bytes.ts) where its producer holds keys that way (a cache layer does), so that the
 * committed store need not make it again.
 */
export type KeyChange = readonly [key: Uint8Array, value: Uint8Array | undefined, keyString?: string];
