// In-memory state for unit tests of keepers and modules (no LevelDB): a cache layer over an empty
// read-only store. It supports everything a block layer does except write() (there is no parent
// to write to); its changes() is the full state in key order.
import { CacheLayer } from './cache-store.js';
import type { CacheStore, KeyRange, KVReader } from './types.js';

export const EMPTY_READER: KVReader = {
  get: () => undefined,
  has: () => false,
  iterate: async function* (_range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    return;
  },
};

export function createMemoryStore(): CacheStore {
  return new CacheLayer(EMPTY_READER);
}
