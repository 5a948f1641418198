import { BranchMPTNode, ExtensionMPTNode, createMPT, decodeMPTNode, decodeRawMPTNode, isRawMPTNode } from '@ethereumjs/mpt';
import { ValueEncoding } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { applyBatch, type PathChange } from './batch-trie.js';
import { StagedNodeDB } from './node-db.js';
import { EMPTY_TRIE_ROOT, TRIE_HASH_OPTIONS, encodeLeafValue, sha256 } from './trie.js';
import { randomBelow } from '../testing/random.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const enc = new TextEncoder();

/** Hashes of the stored nodes reachable from `root`; throws on a missing one. */
function reachable(root: Uint8Array, get: (hash: string) => Uint8Array | undefined): Set<string> {
  const seen = new Set<string>();
  const visit = (ref: Uint8Array | Uint8Array[]): void => {
    let node;
    if (isRawMPTNode(ref)) node = decodeRawMPTNode(ref);
    else {
      const h = hex(ref);
      const bytes = get(h);
      if (bytes === undefined) throw new Error(`node ${h} is referenced but missing`);
      seen.add(h);
      node = decodeMPTNode(bytes);
    }
    if (node instanceof BranchMPTNode) for (const [, child] of node.getChildren()) visit(child);
    else if (node instanceof ExtensionMPTNode) visit(node.value());
  };
  if (hex(root) !== hex(EMPTY_TRIE_ROOT)) visit(root);
  return seen;
}

/** A node store that applies a batch's deletions, then its puts (as CommitStore does). */
class Nodes {
  readonly map = new Map<string, Uint8Array>();
  getNodeByHash(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(hex(hash));
  }
  apply(puts: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, dels: readonly Uint8Array[]): void {
    for (const d of dels) this.map.delete(hex(d));
    for (const [k, v] of puts) this.map.set(hex(k), v);
  }
}

/** The stock library trie (pruning, our hash options) over an in-memory node map we can list. */
async function stockTrie(hashKeys = true): Promise<{ put(k: Uint8Array, v: Uint8Array | null): Promise<void>; root(): Uint8Array; nodes(): Set<string> }> {
  const db = new StagedNodeDB(() => undefined);
  const trie = await createMPT({ ...TRIE_HASH_OPTIONS, useKeyHashing: hashKeys, useNodePruning: true, db, valueEncoding: ValueEncoding.Bytes });
  return {
    async put(k, v) {
      if (v === null) await trie.del(k);
      else await trie.put(k, v);
    },
    root: () => trie.root(),
    // The live nodes of the stock trie (the pending map is its whole database here).
    nodes: () => reachable(trie.root(), (h) => db.getNode(h)),
  };
}

/** Our nodes must be exactly the reachable ones: none missing, no garbage left behind. */
function expectExactlyReachable(root: Uint8Array, ours: Nodes, what: string): void {
  expect(reachable(root, (h) => ours.map.get(h)).size, what).toBe(ours.map.size);
}

describe('applyBatch', () => {
  it('gives the stock trie\'s root and exactly its stored nodes, block after block (inserts, overwrites, deletes)', async () => {
    const stock = await stockTrie();
    const ours = new Nodes();
    let root = EMPTY_TRIE_ROOT;
    const rnd = randomBelow(7);
    const live = new Set<string>();
    for (let block = 0; block < 40; block++) {
      const writes = new Map<string, string | null>();
      const n = block === 0 ? 600 : 1 + rnd(150);
      for (let i = 0; i < n; i++) {
        const key = `k/${rnd(900)}`;
        // Deletions of present and of absent keys, overwrites and new keys.
        writes.set(key, rnd(4) === 0 ? null : `v${block}-${rnd(1 << 16)}`);
      }
      const changes: PathChange[] = [];
      for (const [k, v] of writes) {
        // As CommitStore: only effective changes (no deletion of an absent key).
        if (v === null && !live.has(k)) continue;
        changes.push({ path: sha256(enc.encode(k)), value: v === null ? null : encodeLeafValue(enc.encode(v)) });
        if (v === null) live.delete(k);
        else live.add(k);
        await stock.put(enc.encode(k), v === null ? null : encodeLeafValue(enc.encode(v)));
      }
      const r = applyBatch(ours, root, EMPTY_TRIE_ROOT, changes, sha256);
      ours.apply(r.puts, r.dels);
      root = Uint8Array.from(r.root);
      expect(hex(root), `block ${block}`).toBe(hex(stock.root()));
      expectExactlyReachable(root, ours, `block ${block}`);
      expect([...ours.map.keys()].sort(), `block ${block} nodes`).toEqual([...stock.nodes()].sort());
    }
  });

  it('empties the trie and builds it again', async () => {
    const ours = new Nodes();
    const keys = Array.from({ length: 50 }, (_, i) => sha256(enc.encode(`key ${i}`)));
    const put = keys.map((path, i): PathChange => ({ path, value: encodeLeafValue(enc.encode(`v${i}`)) }));
    const r1 = applyBatch(ours, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, put, sha256);
    ours.apply(r1.puts, r1.dels);
    // Delete in two blocks: the second leaves one key (the root becomes a leaf), then none.
    const r2 = applyBatch(ours, r1.root, EMPTY_TRIE_ROOT, keys.slice(1).map((path) => ({ path, value: null })), sha256);
    ours.apply(r2.puts, r2.dels);
    const single = await createMPT({ ...TRIE_HASH_OPTIONS });
    await single.put(enc.encode('key 0'), encodeLeafValue(enc.encode('v0')));
    expect(hex(r2.root)).toBe(hex(single.root()));
    expect(ours.map.size).toBe(1);
    const r3 = applyBatch(ours, r2.root, EMPTY_TRIE_ROOT, [{ path: keys[0] as Uint8Array, value: null }], sha256);
    ours.apply(r3.puts, r3.dels);
    expect(hex(r3.root)).toBe(hex(EMPTY_TRIE_ROOT));
    expect(ours.map.size).toBe(0);
    const r4 = applyBatch(ours, r3.root, EMPTY_TRIE_ROOT, put, sha256);
    expect(hex(r4.root)).toBe(hex(r1.root));
  });

  it('folds branches left with one child, across extensions (keys sharing long prefixes)', async () => {
    // Paths chosen (not hashed) so that they share prefixes of 1 to 62 nibbles.
    const path = (prefix: string, last: number): Uint8Array => {
      const p = new Uint8Array(32);
      Buffer.from(prefix.padEnd(64, '0'), 'hex').copy(Buffer.from(p.buffer));
      p[31] = last;
      return p;
    };
    const paths = [path('ab', 1), path('ab', 2), path('abcdef', 3), path('abcdef0123', 4), path('f', 5), path('f', 6), path('f0', 7)];
    // The stock trie without key hashing, so that its paths are exactly these.
    const stock = await stockTrie(false);
    const ours = new Nodes();
    let root = EMPTY_TRIE_ROOT;
    const rnd = randomBelow(11);
    const present = new Set<number>();
    for (let round = 0; round < 80; round++) {
      const changes: PathChange[] = [];
      for (const [i, p] of paths.entries()) {
        if (rnd(2) === 0) continue;
        const value = rnd(3) === 0 ? null : encodeLeafValue(Uint8Array.of(round, rnd(256)));
        if (value === null && !present.has(i)) continue;
        if (value === null) present.delete(i);
        else present.add(i);
        changes.push({ path: p, value });
        await stock.put(p, value);
      }
      const r = applyBatch(ours, root, EMPTY_TRIE_ROOT, changes, sha256);
      ours.apply(r.puts, r.dels);
      root = Uint8Array.from(r.root);
      expect(hex(root), `round ${round}`).toBe(hex(stock.root()));
      expectExactlyReachable(root, ours, `round ${round}`);
      expect([...ours.map.keys()].sort(), `round ${round} nodes`).toEqual([...stock.nodes()].sort());
    }
  });

  it('matches the stock trie on random paths with long shared prefixes (extensions opened, folded, merged)', async () => {
    // Paths over a two-letter alphabet for their first nibbles, so that extensions, deep branches
    // and leaves landing on leaves are common; the rest of each path is random.
    const rnd = randomBelow(23);
    const universe = Array.from({ length: 120 }, () => {
      const p = new Uint8Array(32);
      const shared = rnd(24);
      for (let i = 0; i < 64; i++) {
        const n = i < shared ? (rnd(2) === 0 ? 0x3 : 0xc) : rnd(16);
        p[i >> 1] = (p[i >> 1] as number) | (i & 1 ? n : n << 4);
      }
      return p;
    });
    const distinct = [...new Map(universe.map((p) => [hex(p), p])).values()];
    const stock = await stockTrie(false);
    const ours = new Nodes();
    let root = EMPTY_TRIE_ROOT;
    const present = new Set<number>();
    for (let block = 0; block < 150; block++) {
      const changes: PathChange[] = [];
      const touched = new Set<number>();
      for (let n = 1 + rnd(block % 10 === 0 ? 60 : 8); n > 0; n--) {
        const i = rnd(distinct.length);
        if (touched.has(i)) continue;
        touched.add(i);
        const value = rnd(3) === 0 ? null : encodeLeafValue(Uint8Array.of(block & 0xff, rnd(256), rnd(256)));
        if (value === null && !present.has(i)) continue;
        if (value === null) present.delete(i);
        else present.add(i);
        changes.push({ path: distinct[i] as Uint8Array, value });
        await stock.put(distinct[i] as Uint8Array, value);
      }
      const r = applyBatch(ours, root, EMPTY_TRIE_ROOT, changes, sha256);
      ours.apply(r.puts, r.dels);
      root = Uint8Array.from(r.root);
      expect(hex(root), `block ${block}`).toBe(hex(stock.root()));
      expect([...ours.map.keys()].sort(), `block ${block} nodes`).toEqual([...stock.nodes()].sort());
    }
  });

  it('leaves the root as it is when there is nothing to change', () => {
    const ours = new Nodes();
    const r = applyBatch(ours, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, [], sha256);
    expect(hex(r.root)).toBe(hex(EMPTY_TRIE_ROOT));
    expect(r.puts).toHaveLength(0);
  });

  it('refuses bad input: short paths, empty values, repeated paths, missing nodes', () => {
    const ours = new Nodes();
    const p = sha256(enc.encode('x'));
    expect(() => applyBatch(ours, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, [{ path: p.subarray(0, 31), value: Uint8Array.of(0) }], sha256)).toThrow(/32/);
    expect(() => applyBatch(ours, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, [{ path: p, value: new Uint8Array() }], sha256)).toThrow(/deletion/);
    expect(() => applyBatch(ours, EMPTY_TRIE_ROOT, EMPTY_TRIE_ROOT, [{ path: p, value: Uint8Array.of(0) }, { path: p, value: null }], sha256)).toThrow(/twice/);
    expect(() => applyBatch(ours, sha256(enc.encode('nowhere')), EMPTY_TRIE_ROOT, [{ path: p, value: Uint8Array.of(0) }], sha256)).toThrow(/missing node/);
  });
});
