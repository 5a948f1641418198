import { describe, expect, it } from 'vitest';
import { memoDecoder } from './decoded-values.js';
import { createMemoryStore } from './memory.js';
import { handOver } from './bytes.js';

describe('memoDecoder', () => {
  it('decodes each bytes object once; equal bytes in another object are decoded again', () => {
    let calls = 0;
    const decode = memoDecoder((b: Uint8Array) => {
      calls++;
      return { first: b[0] };
    });
    const a = Uint8Array.of(7, 1);
    const first = decode(a);
    expect(decode(a)).toBe(first);
    expect(calls).toBe(1);
    expect(decode(Uint8Array.of(7, 1))).toEqual(first);
    expect(calls).toBe(2);
  });

  it('remembers nothing when the decoder throws', () => {
    let calls = 0;
    const decode = memoDecoder((b: Uint8Array): number => {
      calls++;
      if (b.length === 0) throw new Error('empty');
      return b.length;
    });
    const empty = new Uint8Array(0);
    expect(() => decode(empty)).toThrow('empty');
    expect(() => decode(empty)).toThrow('empty');
    expect(calls).toBe(2);
  });

  it('sees a new value after a write through cache layers, and the same value until then', () => {
    const decode = memoDecoder((b: Uint8Array) => ({ n: b[0] }));
    const block = createMemoryStore();
    const key = Uint8Array.of(1);
    block.set(key, Uint8Array.of(1));
    const v1 = decode(block.get(key) as Uint8Array);
    const tx = block.branch();
    expect(decode(tx.get(key) as Uint8Array)).toBe(v1);
    tx.set(key, Uint8Array.of(2));
    expect(decode(tx.get(key) as Uint8Array)).toEqual({ n: 2 });
    expect(decode(block.get(key) as Uint8Array)).toBe(v1);
    tx.write();
    expect(decode(block.get(key) as Uint8Array)).toEqual({ n: 2 });
  });

  it('remembers a written value: a handed-over value is stored as is, and its reads skip the decode', () => {
    let calls = 0;
    const decode = memoDecoder((b: Uint8Array) => {
      calls++;
      return { n: b[0] };
    });
    const store = createMemoryStore();
    const key = Uint8Array.of(9);
    const bytes = Uint8Array.of(5);
    const value = { n: 5 };
    decode.remember(bytes, value);
    store.set(key, handOver(bytes));
    expect(store.get(key)).toBe(bytes);
    expect(decode(store.get(key) as Uint8Array)).toBe(value);
    expect(calls).toBe(0);
    // A hand-over is good for one set(): the same bytes set again are copied.
    store.set(Uint8Array.of(10), bytes);
    expect(store.get(Uint8Array.of(10))).not.toBe(bytes);
    expect(store.get(Uint8Array.of(10))).toEqual(bytes);
  });
});
