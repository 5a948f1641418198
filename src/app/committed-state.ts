// What the app needs from the committed store (implemented by store/commit-store.ts).
import type { ProofOps } from 'cosmjs-types/tendermint/crypto/proof';
import type { CacheStore, KeyChange, KVReader } from '../store/types.js';

export interface CommittedState extends KVReader {
  readonly lastHeight: bigint;
  readonly lastAppHash: Uint8Array;
  branch(): CacheStore;
  /** Applies a block's changes to the state tree (in memory) and returns the new app hash. */
  stage(changes: ReadonlyArray<KeyChange>, height: bigint): Promise<Uint8Array>;
  /** Writes the staged block, its height and app hash in one atomic batch. */
  commit(): Promise<void>;
  /** `key`'s value and its proof, at the committed `height` the proof is for (after a Commit in flight). */
  prove(key: Uint8Array): Promise<{ value: Uint8Array | undefined; proof: ProofOps; height: bigint }>;
}
