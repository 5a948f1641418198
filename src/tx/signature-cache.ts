// Remembers signatures already found valid, so that a tx verified in CheckTx is not verified again
// in FinalizeBlock, and (separately) signatures a verifier ahead of execution found invalid, so
// that the ante does not verify them a second time. Validity is a pure function of (digest,
// signature, pubkey), so the cache cannot change any result; it only saves work. Bounded, oldest
// entries dropped first.
//
// How many: CometBFT 0.38's mempool is first in, first out, so between a tx's CheckTx and its block
// at most a mempool's worth of newer txs is checked (the bench's mempool holds 50,000, CometBFT's
// default 5,000); ReCheck verifies nothing (see the ante), so it adds no entries. A tx still in
// the executor's decode cache needs no lookup at all. Twice that (100,000) only made the app's
// memory grow for the first 100 s of a 1,000 tx/s load.
import { latin1 } from '../store/bytes.js';
import { BoundedCache } from '../util/bounded-cache.js';

export class SignatureCache {
  private readonly entries: BoundedCache<true>;
  private readonly invalid: BoundedCache<true>;
  constructor(capacity = 50_000) {
    this.entries = new BoundedCache(capacity);
    this.invalid = new BoundedCache(Math.max(1, capacity >> 4));
  }

  /**
   * The key of a signature over a sign doc whose SHA-256 is `digest` (a latin1 string, see
   * sign-doc.ts): the bytes of digest, signature and key (129 for a 64-byte signature) as one latin1
   * string, exact and cheaper than a digest of them. A digest always has 32 code units and a key 33
   * (decodeTx and the accounts hold compressed keys only), so the parts cannot shift into each other.
   */
  static key(digest: string, sig: Uint8Array, pubkey: Uint8Array): string {
    return digest + latin1(sig) + latin1(pubkey);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    this.entries.set(key, true);
  }

  isInvalid(key: string): boolean {
    return this.invalid.has(key);
  }

  addInvalid(key: string): void {
    this.invalid.set(key, true);
  }

  get size(): number {
    return this.entries.size;
  }
}
