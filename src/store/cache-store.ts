// A write-buffering cache layer (per block over committed state, per tx over the block layer).
//
// - get/has look in this layer's buffer first (a deletion is a tombstone that hides the parent),
//   then ask the parent.
// - iterate merges this layer's buffered keys, kept sorted incrementally, with the parent's
//   iterator in byte order, honouring gte/lt/reverse/limit and hiding deletions.
// - write() pushes the buffer into the parent (a parent cache layer in this layer's first-write
//   order, any other store in key order) and clears this layer; a layer whose
//   parent is read-only (the committed store) cannot write(): hand its changes() to
//   CommitStore.stage() instead.
//
// The buffer maps each key's latin1 string (bytes.ts) to its value, or to null for a deletion; the
// key bytes are made again from the string where they are handed out (iterate, changes, a write
// to a store that is not a layer). A block's layer holds a few keys per tx until Commit, and a
// copy of each key's bytes and an entry object around the value were most of what it kept alive
// for the garbage collector.
//
// Ownership: set() copies the value, so callers may reuse their buffers (a value marked with
// handOver() is kept without a copy: its writer promises never to touch it). Bytes handed OUT
// (get, iterate, changes) are the layer's own; treat them as read-only.
//
// Writing to a layer while iterating it is allowed and deterministic: an iteration walks the
// keys that were buffered when it started (plus the parent's), reading their current values.
import { compareBytes } from '../util/bytes.js';
import { fromKeyString, takeOrCopy, toKeyString } from './bytes.js';
import { checkRange, withoutLimit } from './range.js';
import type { CacheStore, KeyChange, KeyRange, KeyStringReader, KVReader, KVStore } from './types.js';

/** A buffered value: bytes, or null for a key deleted in this layer (a tombstone). */
type Buffered = Uint8Array | null;

function isKeyStringReader(store: KVReader | KVStore): store is KeyStringReader {
  return typeof (store as Partial<KeyStringReader>).getByKeyString === 'function';
}

function isKVStore(store: KVReader | KVStore): store is KVStore {
  return typeof (store as Partial<KVStore>).set === 'function' && typeof (store as Partial<KVStore>).delete === 'function';
}

function checkKey(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what}: key must be a Uint8Array`);
}

/** First index in sorted `keys` whose element is >= `target`. */
function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CacheLayer implements CacheStore {
  readonly #parent: KVReader | KVStore;
  /** Keyed by the latin1 form of the key (see bytes.ts); replaced, never cleared, on write/discard. */
  #entries = new Map<string, Buffered>();
  /** Keys already in sorted order. Replaced (never mutated) when new keys are merged in. */
  #sorted: string[] = [];
  /** Keys added since the last sort. */
  #unsorted: string[] = [];

  constructor(parent: KVReader | KVStore) {
    this.#parent = parent;
  }

  /** Number of keys buffered in this layer (writes and deletions). */
  get size(): number {
    return this.#entries.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key, 'get');
    return this.#lookup(toKeyString(key), key);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    checkKey(key, 'set');
    if (!(value instanceof Uint8Array)) throw new TypeError('set: value must be a Uint8Array (use delete() to remove a key)');
    this.#put(toKeyString(key), takeOrCopy(value));
  }

  delete(key: Uint8Array): void {
    checkKey(key, 'delete');
    this.#put(toKeyString(key), null);
  }

  branch(): CacheStore {
    return new CacheLayer(this);
  }

  write(): void {
    const parent = this.#parent;
    if (!isKVStore(parent)) {
      throw new Error(
        'CacheStore.write: this layer sits on read-only committed state; pass changes() to CommitStore.stage() instead',
      );
    }
    const entries = this.#entries;
    if (parent instanceof CacheLayer) {
      // In this layer's order of first writes (a Map iterates in insertion order, so this is as
      // deterministic as the key order): the parent keeps its own keys sorted, and sorting a tx
      // layer's few keys here only allocated.
      for (const [s, value] of entries) parent.#put(s, value);
    } else {
      for (const s of this.#sortedKeys()) {
        const value = entries.get(s) as Buffered;
        if (value === null) parent.delete(fromKeyString(s));
        else parent.set(fromKeyString(s), value);
      }
    }
    this.discard();
  }

  /** Drops every buffered write of this layer. */
  discard(): void {
    this.#entries = new Map();
    this.#sorted = [];
    this.#unsorted = [];
  }

  changes(): ReadonlyArray<KeyChange> {
    const entries = this.#entries;
    return this.#sortedKeys().map((s): KeyChange => [fromKeyString(s), entries.get(s) ?? undefined, s]);
  }

  async *iterate(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    let remaining = checkRange(range);
    if (remaining === 0) return;
    const reverse = range.reverse === true;
    const entries = this.#entries;
    const keys = this.#sortedKeys();
    const lo = range.gte !== undefined ? lowerBound(keys, toKeyString(range.gte)) : 0;
    const hi = range.lt !== undefined ? lowerBound(keys, toKeyString(range.lt)) : keys.length;
    if (range.gte !== undefined && range.lt !== undefined && compareBytes(range.gte, range.lt) >= 0) return;

    const parentIt = this.#parent.iterate(withoutLimit(range));
    try {
      let i = reverse ? hi - 1 : lo;
      let p = await parentIt.next();
      for (;;) {
        const ownKey = (reverse ? i >= lo : i < hi) ? (keys[i] as string) : undefined;
        const up = p.done === true ? undefined : p.value;
        if (ownKey === undefined && up === undefined) return;
        const ownBytes = ownKey === undefined ? undefined : fromKeyString(ownKey);
        let cmp: number;
        if (ownBytes === undefined) cmp = 1;
        else if (up === undefined) cmp = -1;
        else {
          cmp = compareBytes(ownBytes, up[0]);
          if (reverse) cmp = -cmp;
        }
        if (cmp <= 0) {
          // This layer's entry comes first or shadows the parent's.
          i += reverse ? -1 : 1;
          if (cmp === 0) p = await parentIt.next();
          const value = ownKey === undefined ? null : (entries.get(ownKey) ?? null);
          if (ownBytes !== undefined && value !== null) {
            yield [ownBytes, value];
            if (--remaining === 0) return;
          }
        } else if (up !== undefined) {
          p = await parentIt.next();
          yield up;
          if (--remaining === 0) return;
        }
      }
    } finally {
      await parentIt.return(undefined);
    }
  }

  #lookup(s: string, key: Uint8Array): Uint8Array | undefined {
    const value = this.#entries.get(s);
    if (value !== undefined) return value ?? undefined;
    const parent = this.#parent;
    if (parent instanceof CacheLayer) return parent.#lookup(s, key);
    return isKeyStringReader(parent) ? parent.getByKeyString(s, key) : parent.get(key);
  }

  #put(s: string, value: Buffered): void {
    const entries = this.#entries;
    if (!entries.has(s)) this.#unsorted.push(s);
    entries.set(s, value);
  }

  /** All buffered keys in byte order; merges newly added keys into a NEW array (old ones stay valid). */
  #sortedKeys(): readonly string[] {
    const fresh = this.#unsorted;
    if (fresh.length === 0) return this.#sorted;
    fresh.sort();
    const old = this.#sorted;
    let merged: string[];
    if (old.length === 0) merged = fresh;
    else {
      merged = new Array<string>(old.length + fresh.length);
      let a = 0;
      let b = 0;
      let k = 0;
      while (a < old.length && b < fresh.length) {
        const x = old[a] as string;
        const y = fresh[b] as string;
        if (x < y) {
          merged[k++] = x;
          a++;
        } else {
          merged[k++] = y;
          b++;
        }
      }
      while (a < old.length) merged[k++] = old[a++] as string;
      while (b < fresh.length) merged[k++] = fresh[b++] as string;
    }
    this.#sorted = merged;
    this.#unsorted = [];
    return merged;
  }
}

/** A cache layer over `parent`; write() works only when the parent is itself writable. */
export function createCacheStore(parent: KVReader | KVStore): CacheStore {
  return new CacheLayer(parent);
}
