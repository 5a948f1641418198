import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BranchMPTNode, ExtensionMPTNode, createMPT, createMerkleProof, decodeMPTNode, decodeRawMPTNode, isRawMPTNode } from '@ethereumjs/mpt';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitStore } from './commit-store.js';
import { decodeProofNodes } from './proof.js';
import { EMPTY_TRIE_ROOT, TRIE_HASH_OPTIONS, encodeLeafValue, sha256 } from './trie.js';
import type { StateChange } from './commit-store.js';

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

const dirs: string[] = [];
const stores: CommitStore[] = [];
async function openStore(dir?: string): Promise<{ store: CommitStore; dir: string }> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'cybermiles-trie-'));
  if (dir === undefined) dirs.push(d);
  const store = await CommitStore.open(d, { sync: false });
  stores.push(store);
  return { store, dir: d };
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Writes = ReadonlyArray<readonly [string, string | null]>;

async function applyBlock(store: CommitStore, height: bigint, writes: Writes): Promise<Uint8Array> {
  const block = store.branch();
  for (const [k, v] of writes) {
    if (v === null) block.delete(b(k));
    else block.set(b(k), b(v));
  }
  const root = await store.stage(block.changes(), height);
  await store.commit();
  return root;
}

/** Deterministic pseudo-random generator for test inputs. */
function generator(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
}

/** Reads every `t/` key of a closed store's database. */
async function trieNodes(dir: string): Promise<Map<string, Uint8Array>> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const out = new Map<string, Uint8Array>();
  try {
    for await (const [k, v] of db.iterator({ gte: b('t/'), lt: b('t0') })) out.set(hex(k.subarray(2)), v);
  } finally {
    await db.close();
  }
  return out;
}

/** Hashes of all stored nodes reachable from `root`. */
function reachable(root: Uint8Array, nodes: Map<string, Uint8Array>): Set<string> {
  const seen = new Set<string>();
  const visit = (ref: Uint8Array | Uint8Array[]): void => {
    let node;
    if (isRawMPTNode(ref)) node = decodeRawMPTNode(ref);
    else {
      const h = hex(ref);
      const bytes = nodes.get(h);
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

describe('app hash', () => {
  it('depends only on the content: insertion order and block boundaries do not matter', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `key/${i}`);
    const { store: a } = await openStore();
    const { store: c } = await openStore();
    const blockA = a.branch();
    for (const k of keys) blockA.set(b(k), b(`v-${k}`));
    const rootA = await a.stage(blockA.changes(), 1n);

    const blockC = c.branch();
    for (const k of [...keys].reverse().slice(0, 120)) blockC.set(b(k), b(`v-${k}`));
    blockC.set(b('transient'), b('x'));
    await c.stage(blockC.changes(), 1n);
    await c.commit();
    const blockC2 = c.branch();
    for (const k of [...keys].reverse().slice(120)) blockC2.set(b(k), b(`v-${k}`));
    blockC2.delete(b('transient'));
    const rootC = await c.stage(blockC2.changes(), 2n);
    expect(hex(rootC)).toBe(hex(rootA));
  });

  it('two stores fed the same blocks agree at every height', async () => {
    const { store: x } = await openStore();
    const { store: y } = await openStore();
    const rnd = generator(42);
    for (let h = 1n; h <= 12n; h++) {
      const writes: Array<[string, string | null]> = [];
      for (let i = 0; i < 40; i++) writes.push([`k${rnd(60)}`, rnd(4) === 0 ? null : `v${rnd(1000)}`]);
      const dedup = [...new Map(writes).entries()];
      const rx = await applyBlock(x, h, dedup);
      const ry = await applyBlock(y, h, [...dedup].reverse());
      expect(hex(rx)).toBe(hex(ry));
    }
  });

  it('changes when a value changes, and a delete returns to the previous root and node set', async () => {
    const { store, dir } = await openStore();
    const base: Writes = Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`] as const);
    const r1 = await applyBlock(store, 1n, base);
    const r2 = await applyBlock(store, 2n, [['k7', 'v7-changed']]);
    expect(hex(r2)).not.toBe(hex(r1));
    const r3 = await applyBlock(store, 3n, [['k7', 'v7']]);
    expect(hex(r3)).toBe(hex(r1));
    await store.close();
    const nodesBefore = await trieNodes(dir);

    const { store: again } = await openStore(dir);
    const r4 = await applyBlock(again, 4n, [['extra', 'value']]);
    expect(hex(r4)).not.toBe(hex(r1));
    const r5 = await applyBlock(again, 5n, [['extra', null]]);
    expect(hex(r5)).toBe(hex(r1));
    await again.close();
    const nodesAfter = await trieNodes(dir);
    expect([...nodesAfter.keys()].sort()).toEqual([...nodesBefore.keys()].sort());
  });

  it('matches the stock @ethereumjs/mpt trie (roots and proofs) under random blocks', async () => {
    const { store } = await openStore();
    const stock = await createMPT({ ...TRIE_HASH_OPTIONS, useNodePruning: true });
    const rnd = generator(2024);
    const keyOf = (): string => `acct/${rnd(300)}/${'x'.repeat(rnd(3))}`;
    for (let h = 1n; h <= 25n; h++) {
      const writes = new Map<string, string | null>();
      const n = h === 1n ? 400 : 1 + rnd(80);
      for (let i = 0; i < n; i++) writes.set(keyOf(), rnd(3) === 0 ? null : `value-${h}-${rnd(1 << 20)}`);
      const root = await applyBlock(store, h, [...writes.entries()]);
      for (const [k, v] of writes) {
        if (v === null) await stock.del(b(k));
        else await stock.put(b(k), encodeLeafValue(b(v)));
      }
      expect(hex(root), `height ${h}`).toBe(hex(stock.root()));
    }
    for (let i = 0; i < 30; i++) {
      const key = b(keyOf());
      const ours = await store.prove(key);
      const op = ours.proof.ops[0];
      expect(op).toBeDefined();
      const theirs = await createMerkleProof(stock, key);
      expect(decodeProofNodes(op?.data ?? new Uint8Array()).map(hex)).toEqual(theirs.map(hex));
    }
  });
});

describe('pruning', () => {
  it('keeps exactly the reachable nodes, so the node count stays bounded under overwrites', async () => {
    const { store, dir } = await openStore();
    const keys = Array.from({ length: 64 }, (_, i) => `hot/${i}`);
    let height = 0n;
    let root = await applyBlock(store, ++height, keys.map((k) => [k, 'v0'] as const));
    await store.close();
    const initial = (await trieNodes(dir)).size;

    const { store: again } = await openStore(dir);
    const rnd = generator(99);
    for (let round = 1; round <= 60; round++) {
      const writes: Array<[string, string | null]> = keys
        .filter(() => rnd(2) === 0)
        .map((k) => [k, `v${round}-${rnd(1000)}`]);
      // churn: keys that come and go
      writes.push([`churn/${round}`, 'x']);
      if (round > 1) writes.push([`churn/${round - 1}`, null]);
      root = await applyBlock(again, ++height, writes.sort(([p], [q]) => (p < q ? -1 : 1)));
    }
    await again.close();
    const nodes = await trieNodes(dir);
    // 64 hot keys plus one churn key: about the same node count as at the start.
    expect(nodes.size).toBeLessThanOrEqual(initial + 8);
    const live = reachable(root, nodes);
    expect(live.size).toBe(nodes.size);
  });

  it('sha256 is the hash used for keys and nodes', () => {
    expect(hex(EMPTY_TRIE_ROOT)).toBe(hex(sha256(Uint8Array.of(0x80))));
    expect(hex(sha256(b('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('stage works from the committed root after a block with no effective changes', async () => {
    const { store } = await openStore();
    const r1 = await applyBlock(store, 1n, [['a', '1']]);
    const noop: StateChange[] = [[b('a'), b('1')], [b('zz'), undefined]];
    expect(hex(await store.stage(noop, 2n))).toBe(hex(r1));
    await store.commit();
  });
});
