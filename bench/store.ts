// State store benchmark: fill 100k keys, then stage+commit blocks of 6000 changed keys
// (5000 overwrites of existing keys + 1000 new keys), and measure committed reads; then the trie
// update per key (the library's put) against one batch per block (the default), same blocks.
// Run: node --import tsx bench/store.ts        Prints figures only (medians); no assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMPT } from '@ethereumjs/mpt';
import { CommitStore } from '../src/store/commit-store.js';
import { BoundedCache } from '../src/util/bounded-cache.js';
import { StagedNodeDB } from '../src/store/node-db.js';
import { EMPTY_TRIE_ROOT, encodeLeafValue, openStateTrie, stateTrieOptions } from '../src/store/trie.js';
import { median } from './lib/stats.js';

const FILL = 100_000;
const FILL_BLOCK = 10_000;
const BLOCK_KEYS = 6000;
const BLOCK_NEW = 1000;
const BLOCKS = 7;
const READS = 200_000;

// A fixed-seed xorshift generator: benchmark inputs only, never state logic.
let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
}

function key(i: number): Uint8Array {
  const k = Buffer.alloc(34);
  k.write('b/', 0, 'latin1');
  // 20-byte address-like suffix plus a 12-byte tail, derived from i.
  k.writeUInt32BE(i, 2);
  for (let j = 6; j < 34; j++) k[j] = (i * 31 + j * 17) & 0xff;
  return k;
}

function value(i: number, round: number): Uint8Array {
  const v = Buffer.alloc(40);
  v.writeUInt32BE(i, 0);
  v.writeUInt32BE(round, 4);
  return v;
}

interface TrieLike {
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  root(): Uint8Array;
}

/**
 * Trie CPU only, nodes in memory: the project's StateTrie against the stock @ethereumjs/mpt trie
 * (same options, same node DB) on the same blocks, alternating, so the ratio survives a noisy host.
 */
async function trieOnly(): Promise<{ ours: number; stock: number }> {
  const committed = new Map<string, Uint8Array>();
  let root = EMPTY_TRIE_ROOT;
  const run = async (make: (db: StagedNodeDB, r: Uint8Array) => Promise<TrieLike>, keys: number[], round: number) => {
    const db = new StagedNodeDB((h) => committed.get(h));
    const trie = await make(db, root);
    const t0 = performance.now();
    for (const i of keys) await trie.put(key(i), encodeLeafValue(value(i, round)));
    return { ms: performance.now() - t0, db, root: trie.root() };
  };
  const ours = async (db: StagedNodeDB, r: Uint8Array): Promise<TrieLike> => openStateTrie(db, r);
  const stock = async (db: StagedNodeDB, r: Uint8Array): Promise<TrieLike> => createMPT(stateTrieOptions(db, r));
  for (let start = 0; start < FILL; start += FILL_BLOCK) {
    const r = await run(ours, Array.from({ length: FILL_BLOCK }, (_, j) => start + j), 0);
    for (const [k, v] of r.db.pending) if (v === undefined) committed.delete(k); else committed.set(k, v);
    root = r.root;
  }
  const oursMs: number[] = [];
  const stockMs: number[] = [];
  for (let b = 0; b < 5; b++) {
    const keys = Array.from({ length: BLOCK_KEYS }, () => Math.floor(rand() * FILL));
    const a = await run(ours, keys, b + 1);
    const s = await run(stock, keys, b + 1);
    if (Buffer.compare(a.root, s.root) !== 0) throw new Error('bench: StateTrie and stock trie disagree');
    oursMs.push(a.ms);
    stockMs.push(s.ms);
  }
  return { ours: median(oursMs), stock: median(stockMs) };
}

/**
 * stage() of the same blocks with the trie updated per key (the library's put, one path at a time)
 * and in one batch per block (the default): median ms per block, alternating, same content.
 */
async function stageModes(): Promise<{ perKey: number; batch: number }> {
  const dirs = [mkdtempSync(join(tmpdir(), 'cybermiles-bench-store-a-')), mkdtempSync(join(tmpdir(), 'cybermiles-bench-store-b-'))];
  const [perKeyStore, batchStore] = await Promise.all([
    CommitStore.open(dirs[0] as string, { trieUpdate: 'per-key', sync: false }),
    CommitStore.open(dirs[1] as string, { trieUpdate: 'batch', sync: false }),
  ]);
  const stores = { perKey: perKeyStore, batch: batchStore };
  const times = { perKey: [] as number[], batch: [] as number[] };
  try {
    let height = 0n;
    let next = 0;
    const KEYS = 20_000;
    const fill = async (s: CommitStore, h: bigint): Promise<Uint8Array> => {
      const b = s.branch();
      for (let j = 0; j < KEYS; j++) b.set(key(j), value(j, 0));
      const r = await s.stage(b.changes(), h);
      await s.commit();
      return r;
    };
    height++;
    await fill(stores.perKey, height);
    await fill(stores.batch, height);
    next = KEYS;
    for (let round = 1; round <= 8; round++) {
      height++;
      const chosen = new Set<number>();
      while (chosen.size < BLOCK_KEYS) chosen.add(Math.floor(rand() * next));
      const roots: string[] = [];
      for (const mode of round % 2 === 0 ? (['perKey', 'batch'] as const) : (['batch', 'perKey'] as const)) {
        const s = stores[mode];
        const b = s.branch();
        for (const i of chosen) b.set(key(i), value(i, round));
        const changes = b.changes();
        const t0 = performance.now();
        roots.push(Buffer.from(await s.stage(changes, height)).toString('hex'));
        times[mode].push(performance.now() - t0);
        await s.commit();
      }
      if (roots[0] !== roots[1]) throw new Error('bench: per-key and batch staging disagree');
    }
  } finally {
    await stores.perKey.close();
    await stores.batch.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return { perKey: median(times.perKey), batch: median(times.batch) };
}

/**
 * µs per insertion into a full BoundedCache (each one evicts the oldest entry), as the tx path's
 * memos (signatures, decoded txs) and the committed-state caches do once they fill.
 */
function evictingSetMicros(capacity: number): number {
  const cache = new BoundedCache<number>(capacity);
  const keys = Array.from({ length: capacity * 3 }, (_, i) => `key ${i} ${'x'.repeat(96)}`);
  for (let i = 0; i < capacity; i++) cache.set(keys[i] ?? '', i);
  const t = performance.now();
  for (let i = capacity; i < keys.length; i++) cache.set(keys[i] ?? '', i);
  return ((performance.now() - t) * 1000) / (keys.length - capacity);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-bench-store-'));
  try {
    let store = await CommitStore.open(dir);
    let height = 0n;
    let next = 0;

    const fillStart = performance.now();
    while (next < FILL) {
      const block = store.branch();
      for (let j = 0; j < FILL_BLOCK; j++, next++) block.set(key(next), value(next, 0));
      await store.stage(block.changes(), ++height);
      await store.commit();
    }
    const fillMs = performance.now() - fillStart;

    const stageMs: number[] = [];
    const commitMs: number[] = [];
    const totalMs: number[] = [];
    for (let b = 0; b < BLOCKS; b++) {
      const block = store.branch();
      const chosen = new Set<number>();
      while (chosen.size < BLOCK_KEYS - BLOCK_NEW) chosen.add(Math.floor(rand() * next));
      for (const i of chosen) block.set(key(i), value(i, b + 1));
      for (let j = 0; j < BLOCK_NEW; j++, next++) block.set(key(next), value(next, b + 1));
      const changes = block.changes();
      const t0 = performance.now();
      await store.stage(changes, ++height);
      const t1 = performance.now();
      await store.commit();
      const t2 = performance.now();
      stageMs.push(t1 - t0);
      commitMs.push(t2 - t1);
      totalMs.push(t2 - t0);
    }

    const readKeys = Array.from({ length: READS }, () => key(Math.floor(rand() * next)));
    const readRate = (s: CommitStore): number => {
      const t0 = performance.now();
      let found = 0;
      for (const k of readKeys) if (s.get(k) !== undefined) found++;
      const ms = performance.now() - t0;
      if (found !== readKeys.length) throw new Error(`bench: ${readKeys.length - found} keys missing`);
      return (readKeys.length / ms) * 1000;
    };
    const cachedFirst = readRate(store);
    const cachedWarm = readRate(store);
    await store.close();
    store = await CommitStore.open(dir, { readCacheSize: 0 });
    const raw = readRate(store);

    const proveStart = performance.now();
    const PROOFS = 500;
    for (let i = 0; i < PROOFS; i++) await store.prove(key(Math.floor(rand() * next)));
    const proveUs = ((performance.now() - proveStart) / PROOFS) * 1000;
    await store.close();

    const trie = await trieOnly();
    const modes = await stageModes();

    const fmt = (n: number, d = 1): string => n.toFixed(d);
    console.log(`state: ${next} keys after ${height} blocks (fill ${FILL} keys in ${fmt(fillMs / 1000, 2)} s)`);
    console.log(`block of ${BLOCK_KEYS} changed keys (${BLOCK_KEYS - BLOCK_NEW} overwrites + ${BLOCK_NEW} new), median of ${BLOCKS}:`);
    console.log(`  stage   ${fmt(median(stageMs))} ms   (${fmt((median(stageMs) / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  commit  ${fmt(median(commitMs))} ms   (${fmt((median(commitMs) / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  total   ${fmt(median(totalMs))} ms   (${fmt((median(totalMs) / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`reads (CommitStore.get, ${READS} random present keys):`);
    console.log(`  getSync, no read cache      ${fmt(raw / 1000)} k/s`);
    console.log(`  read cache, first touch     ${fmt(cachedFirst / 1000)} k/s`);
    console.log(`  read cache, warm            ${fmt(cachedWarm / 1000)} k/s`);
    console.log(`prove: ${fmt(proveUs)} µs per proof`);
    console.log(`trie CPU only, nodes in memory, ${BLOCK_KEYS} overwrites over ${FILL} keys, median of 5:`);
    console.log(`  StateTrie          ${fmt(trie.ours)} ms   (${fmt((trie.ours / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  stock createMPT    ${fmt(trie.stock)} ms   (${fmt((trie.stock / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  ratio stock/ours   ${fmt(trie.stock / trie.ours, 2)}x`);
    console.log(`CommitStore.stage of ${BLOCK_KEYS} overwrites over 20000 keys, per-key vs one batch per block, median of 4 each:`);
    console.log(`  per key (library put)   ${fmt(modes.perKey)} ms   (${fmt((modes.perKey / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  batch (default)         ${fmt(modes.batch)} ms   (${fmt((modes.batch / BLOCK_KEYS) * 1000)} µs/key)`);
    console.log(`  ratio per-key/batch     ${fmt(modes.perKey / modes.batch, 2)}x`);
    console.log('BoundedCache.set into a full cache (evicting the oldest entry):');
    for (const capacity of [16_384, 100_000]) console.log(`  ${capacity} entries   ${fmt(evictingSetMicros(capacity), 2)} µs per set`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
