// Remembers signatures already found valid, so that a tx verified in CheckTx is not verified again
// in FinalizeBlock. Validity is a pure function of (digest, signature, pubkey), so the cache cannot
// change any result; it only saves work. Bounded, oldest entries dropped first.
import { createHash } from 'node:crypto';

export class SignatureCache {
  private readonly entries = new Set<string>();
  constructor(private readonly capacity = 100_000) {}

  static key(digest: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): string {
    return createHash('sha256').update(digest).update(sig).update(pubkey).digest('base64');
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.values().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.add(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
