// The state store's public surface (named re-exports only).
export type { CacheStore, KeyRange, KVReader, KVStore } from './types.js';
export { CacheLayer, createCacheStore } from './cache-store.js';
export { CommitStore } from './commit-store.js';
export type { CommitStoreOptions, StateChange, StateProof } from './commit-store.js';
export { EMPTY_READER, createMemoryStore } from './memory.js';
export { MPT_PROOF_OP_TYPE, decodeProofNodes, encodeProofNodes, verifyStateProof } from './proof.js';
export { prefixEnd, prefixRange } from './range.js';
export { EMPTY_TRIE_ROOT } from './trie.js';
