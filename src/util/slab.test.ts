import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Latin1 } from './sha256.js';
import { Slab } from './slab.js';

describe('Slab', () => {
  it('cuts zeroed, separate pieces from shared chunks, and gives large pieces arrays of their own', () => {
    const slab = new Slab(1024, 128);
    const pieces = Array.from({ length: 40 }, (_, i) => slab.alloc(1 + (i % 100)));
    for (const [i, p] of pieces.entries()) {
      expect(p.length).toBe(1 + (i % 100));
      expect(p.every((b) => b === 0)).toBe(true);
      p.fill(i + 1);
    }
    // Writing each piece changed no other one.
    for (const [i, p] of pieces.entries()) expect(p.every((b) => b === i + 1)).toBe(true);
    expect(pieces[0]?.buffer).toBe(pieces[1]?.buffer);
    expect(pieces[0]?.buffer.byteLength).toBe(1024);
    const big = slab.alloc(129);
    expect(big.buffer.byteLength).toBe(129);
  });

  it('copies bytes and turns latin1 digests into the digest bytes', () => {
    const slab = new Slab();
    const data = randomBytes(300);
    expect(Buffer.from(slab.copy(data)).equals(data)).toBe(true);
    for (let i = 0; i < 100; i++) {
      const input = randomBytes(i * 7);
      const digest = slab.fromLatin1(sha256Latin1(input));
      expect(Buffer.from(digest).equals(createHash('sha256').update(input).digest())).toBe(true);
      expect(Buffer.from(digest).equals(Buffer.from(sha256(input)))).toBe(true);
    }
  });
});
