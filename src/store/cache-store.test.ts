import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheLayer } from './cache-store.js';
import { CommitStore } from './commit-store.js';
import { createMemoryStore } from './memory.js';
import { prefixRange } from './range.js';
import type { KeyRange, KVReader, KVStore } from './types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const s = (u: Uint8Array | undefined): string | undefined => (u === undefined ? undefined : dec.decode(u));

async function entries(store: KVReader, range: KeyRange = {}): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const [k, v] of store.iterate(range)) out.push([dec.decode(k), dec.decode(v)]);
  return out;
}

/** A plain sorted-map KVStore, the reference the cache layers are compared with. */
class ReferenceStore implements KVStore {
  readonly map = new Map<string, Uint8Array>();
  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.get(Buffer.from(key).toString('latin1'));
  }
  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.map.set(Buffer.from(key).toString('latin1'), value);
  }
  delete(key: Uint8Array): void {
    this.map.delete(Buffer.from(key).toString('latin1'));
  }
  async *iterate(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    const keys = [...this.map.keys()].sort();
    const gte = range.gte !== undefined ? Buffer.from(range.gte).toString('latin1') : undefined;
    const lt = range.lt !== undefined ? Buffer.from(range.lt).toString('latin1') : undefined;
    let inRange = keys.filter((k) => (gte === undefined || k >= gte) && (lt === undefined || k < lt));
    if (range.reverse === true) inRange = inRange.reverse();
    if (range.limit !== undefined) inRange = inRange.slice(0, range.limit);
    for (const k of inRange) yield [Buffer.from(k, 'latin1'), this.map.get(k) as Uint8Array];
  }
}

describe('CacheLayer', () => {
  it('reads its own writes, hides deletions, and falls through to the parent', () => {
    const base = createMemoryStore();
    base.set(b('a'), b('1'));
    base.set(b('b'), b('2'));
    const layer = base.branch();
    expect(s(layer.get(b('a')))).toBe('1');
    layer.set(b('a'), b('10'));
    layer.delete(b('b'));
    layer.set(b('c'), b('3'));
    expect(s(layer.get(b('a')))).toBe('10');
    expect(layer.get(b('b'))).toBeUndefined();
    expect(layer.has(b('b'))).toBe(false);
    expect(layer.has(b('c'))).toBe(true);
    // the parent is untouched until write()
    expect(s(base.get(b('a')))).toBe('1');
    expect(s(base.get(b('b')))).toBe('2');
    expect(base.has(b('c'))).toBe(false);
  });

  it('write() pushes into the parent and clears; dropping a layer discards it', () => {
    const base = createMemoryStore();
    base.set(b('k'), b('v0'));
    const ok = base.branch();
    ok.set(b('k'), b('v1'));
    ok.set(b('n'), b('new'));
    ok.write();
    expect(ok.changes()).toEqual([]);
    expect(s(base.get(b('k')))).toBe('v1');
    expect(s(base.get(b('n')))).toBe('new');

    const failed = base.branch();
    failed.set(b('k'), b('bad'));
    failed.delete(b('n'));
    // never written: the parent does not see it
    expect(s(base.get(b('k')))).toBe('v1');
    expect(s(base.get(b('n')))).toBe('new');

    const discarded = new CacheLayer(base);
    discarded.set(b('x'), b('y'));
    discarded.discard();
    expect(discarded.size).toBe(0);
    discarded.write();
    expect(base.has(b('x'))).toBe(false);
  });

  it('delete then set, and set then delete, in one layer and across layers', () => {
    const base = createMemoryStore();
    base.set(b('k'), b('old'));
    const block = base.branch();
    block.delete(b('k'));
    block.set(b('k'), b('again'));
    expect(s(block.get(b('k')))).toBe('again');
    const tx = block.branch();
    tx.delete(b('k'));
    expect(tx.get(b('k'))).toBeUndefined();
    expect(s(block.get(b('k')))).toBe('again');
    tx.write();
    expect(block.get(b('k'))).toBeUndefined();
    expect(block.changes().map(([k, v]) => [s(k), s(v)])).toEqual([['k', undefined]]);
    const tx2 = block.branch();
    tx2.set(b('k'), b('third'));
    tx2.write();
    expect(block.changes().map(([k, v]) => [s(k), s(v)])).toEqual([['k', 'third']]);
  });

  it('changes() lists pending writes sorted byte-wise with deletions as undefined', () => {
    const layer = createMemoryStore();
    layer.set(Uint8Array.of(0x80), b('hi'));
    layer.set(Uint8Array.of(0x01, 0x00), b('b'));
    layer.set(Uint8Array.of(0x01), b('a'));
    layer.delete(Uint8Array.of(0x00));
    layer.set(Uint8Array.of(0xff, 0xff), b('z'));
    expect(layer.changes().map(([k, v]) => [Buffer.from(k).toString('hex'), s(v)])).toEqual([
      ['00', undefined],
      ['01', 'a'],
      ['0100', 'b'],
      ['80', 'hi'],
      ['ffff', 'z'],
    ]);
  });

  it('copies keys and values on set', () => {
    const layer = createMemoryStore();
    const key = b('key');
    const value = b('value');
    layer.set(key, value);
    key[0] = 0x7a;
    value[0] = 0x7a;
    expect(s(layer.get(b('key')))).toBe('value');
    expect(layer.has(b('zey'))).toBe(false);
  });

  it('rejects non-byte keys and values with a clear error', () => {
    const layer = createMemoryStore();
    expect(() => layer.set('k' as unknown as Uint8Array, b('v'))).toThrow(/key must be a Uint8Array/);
    expect(() => layer.set(b('k'), undefined as unknown as Uint8Array)).toThrow(/value must be a Uint8Array/);
    expect(() => layer.get(null as unknown as Uint8Array)).toThrow(/key must be a Uint8Array/);
  });

  it('iterate merges layers in byte order, hiding deletions, with ranges, reverse and limit', async () => {
    const base = createMemoryStore();
    for (const k of ['a', 'c', 'e', 'g', 'i']) base.set(b(k), b(`base-${k}`));
    const block = base.branch();
    block.set(b('b'), b('block-b'));
    block.delete(b('c'));
    block.set(b('e'), b('block-e'));
    const tx = block.branch();
    tx.set(b('c'), b('tx-c'));
    tx.delete(b('g'));
    tx.set(b('h'), b('tx-h'));
    tx.delete(b('zz')); // deleting an absent key is harmless

    expect(await entries(tx)).toEqual([
      ['a', 'base-a'],
      ['b', 'block-b'],
      ['c', 'tx-c'],
      ['e', 'block-e'],
      ['h', 'tx-h'],
      ['i', 'base-i'],
    ]);
    expect(await entries(tx, { reverse: true })).toEqual([
      ['i', 'base-i'],
      ['h', 'tx-h'],
      ['e', 'block-e'],
      ['c', 'tx-c'],
      ['b', 'block-b'],
      ['a', 'base-a'],
    ]);
    expect(await entries(tx, { gte: b('b'), lt: b('h') })).toEqual([
      ['b', 'block-b'],
      ['c', 'tx-c'],
      ['e', 'block-e'],
    ]);
    expect(await entries(tx, { gte: b('bb'), lt: b('i'), reverse: true, limit: 2 })).toEqual([
      ['h', 'tx-h'],
      ['e', 'block-e'],
    ]);
    expect(await entries(tx, { limit: 0 })).toEqual([]);
    expect(await entries(tx, { gte: b('x') })).toEqual([]);
    expect(await entries(tx, { gte: b('e'), lt: b('e') })).toEqual([]);
    expect(await entries(block)).toEqual([
      ['a', 'base-a'],
      ['b', 'block-b'],
      ['e', 'block-e'],
      ['g', 'base-g'],
      ['i', 'base-i'],
    ]);
  });

  it('iterate counts the limit after hiding deletions', async () => {
    const base = createMemoryStore();
    for (const k of ['a', 'b', 'c', 'd']) base.set(b(k), b(k));
    const layer = base.branch();
    layer.delete(b('a'));
    layer.delete(b('b'));
    expect(await entries(layer, { limit: 1 })).toEqual([['c', 'c']]);
    expect(await entries(layer, { limit: 1, reverse: true })).toEqual([['d', 'd']]);
  });

  it('rejects a malformed range', async () => {
    const layer = createMemoryStore();
    await expect(entries(layer, { limit: -1 })).rejects.toThrow(/limit must be a non-negative integer/);
    await expect(entries(layer, { limit: 1.5 })).rejects.toThrow(/limit/);
  });

  it('allows writes while iterating, deterministically', async () => {
    const layer = createMemoryStore();
    for (const k of ['p/1', 'p/2', 'p/3']) layer.set(b(k), b('x'));
    const seen: string[] = [];
    for await (const [k] of layer.iterate(prefixRange(b('p/')))) {
      seen.push(dec.decode(k));
      layer.delete(k);
      layer.set(b(`q/${dec.decode(k)}`), b('moved'));
    }
    expect(seen).toEqual(['p/1', 'p/2', 'p/3']);
    expect(await entries(layer)).toEqual([
      ['q/p/1', 'moved'],
      ['q/p/2', 'moved'],
      ['q/p/3', 'moved'],
    ]);
  });

  it('closes the parent iterator when the consumer stops early', async () => {
    let closed = false;
    const parent: KVReader = {
      get: () => undefined,
      has: () => false,
      iterate: async function* () {
        try {
          yield [b('a'), b('1')] as const;
          yield [b('b'), b('2')] as const;
        } finally {
          closed = true;
        }
      },
    };
    const layer = new CacheLayer(parent);
    for await (const _entry of layer.iterate({})) break;
    expect(closed).toBe(true);
  });

  it('agrees with a plain sorted map under random operations on three layers', async () => {
    // Deterministic pseudo-random operations (test input only).
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keyOf = (): Uint8Array => Uint8Array.from({ length: 1 + rnd(3) }, () => rnd(4) * 60);
    const reference = new ReferenceStore();
    const base = createMemoryStore();
    for (let round = 0; round < 30; round++) {
      const block = base.branch();
      const blockRef = new ReferenceStore();
      for (const [k, v] of reference.map) blockRef.map.set(k, v);
      for (let t = 0; t < 5; t++) {
        const tx = block.branch();
        const txRef = new ReferenceStore();
        for (const [k, v] of blockRef.map) txRef.map.set(k, v);
        for (let op = 0; op < 8; op++) {
          const k = keyOf();
          if (rnd(3) === 0) {
            tx.delete(k);
            txRef.delete(k);
          } else {
            const v = Uint8Array.of(round, t, op);
            tx.set(k, v);
            txRef.set(k, v);
          }
        }
        const range: KeyRange = {
          ...(rnd(2) === 0 ? { gte: keyOf() } : {}),
          ...(rnd(2) === 0 ? { lt: keyOf() } : {}),
          reverse: rnd(2) === 0,
          ...(rnd(2) === 0 ? { limit: rnd(6) } : {}),
        };
        expect(await entries(tx, range)).toEqual(await entries(txRef, range));
        if (rnd(4) !== 0) {
          tx.write();
          blockRef.map.clear();
          for (const [k, v] of txRef.map) blockRef.map.set(k, v);
        }
      }
      expect(await entries(block)).toEqual(await entries(blockRef));
      block.write();
      reference.map.clear();
      for (const [k, v] of blockRef.map) reference.map.set(k, v);
      expect(await entries(base)).toEqual(await entries(reference));
    }
  });
});

describe('cache layers over committed state', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('tx over block over committed: reads, iteration and write order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cybermiles-store-'));
    dirs.push(dir);
    const store = await CommitStore.open(dir, { sync: false });
    try {
      const genesis = store.branch();
      for (const k of ['acc/1', 'acc/2', 'acc/3', 'bal/1']) genesis.set(b(k), b(`g-${k}`));
      await store.stage(genesis.changes(), 1n);
      await store.commit();

      const block = store.branch();
      expect(() => block.write()).toThrow(/read-only committed state/);
      const tx = block.branch();
      tx.delete(b('acc/2'));
      tx.set(b('acc/4'), b('new'));
      expect(s(tx.get(b('acc/1')))).toBe('g-acc/1');
      expect(await entries(tx, prefixRange(b('acc/')))).toEqual([
        ['acc/1', 'g-acc/1'],
        ['acc/3', 'g-acc/3'],
        ['acc/4', 'new'],
      ]);
      expect(await entries(tx, prefixRange(b('acc/'), { reverse: true, limit: 2 }))).toEqual([
        ['acc/4', 'new'],
        ['acc/3', 'g-acc/3'],
      ]);
      tx.write();
      expect(block.changes().map(([k, v]) => [s(k), s(v)])).toEqual([
        ['acc/2', undefined],
        ['acc/4', 'new'],
      ]);
      // committed state is unchanged until stage + commit
      expect(s(store.get(b('acc/2')))).toBe('g-acc/2');
      await store.stage(block.changes(), 2n);
      await store.commit();
      expect(store.get(b('acc/2'))).toBeUndefined();
      expect(await entries(store)).toEqual([
        ['acc/1', 'g-acc/1'],
        ['acc/3', 'g-acc/3'],
        ['acc/4', 'new'],
        ['bal/1', 'g-bal/1'],
      ]);
    } finally {
      await store.close();
    }
  });
});
