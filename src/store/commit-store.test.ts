import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommitStore } from './commit-store.js';
import { prefixRange } from './range.js';
import { EMPTY_TRIE_ROOT } from './trie.js';
import type { StateChange } from './commit-store.js';
import type { KeyRange } from './types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

const dirs: string[] = [];
const open: CommitStore[] = [];
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-store-'));
  dirs.push(dir);
  return dir;
}
async function openStore(dir: string): Promise<CommitStore> {
  const store = await CommitStore.open(dir, { sync: false });
  open.push(store);
  return store;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function commitBlock(store: CommitStore, height: bigint, writes: Record<string, string | null>): Promise<Uint8Array> {
  const block = store.branch();
  for (const [k, v] of Object.entries(writes)) {
    if (v === null) block.delete(b(k));
    else block.set(b(k), b(v));
  }
  const appHash = await store.stage(block.changes(), height);
  await store.commit();
  return appHash;
}

async function keysOf(store: CommitStore, range: KeyRange = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const [k] of store.iterate(range)) out.push(dec.decode(k));
  return out;
}

describe('CommitStore', () => {
  it('starts fresh at height 0 with an empty app hash', async () => {
    const store = await openStore(newDir());
    expect(store.lastHeight).toBe(0n);
    expect(store.lastAppHash).toEqual(new Uint8Array(0));
    expect(store.get(b('x'))).toBeUndefined();
    expect(await keysOf(store)).toEqual([]);
    expect(store.staged).toBeUndefined();
  });

  it('reopening after commit sees the data, height and app hash', async () => {
    const dir = newDir();
    const store = await openStore(dir);
    const h1 = await commitBlock(store, 1n, { a: '1', b: '2' });
    const h2 = await commitBlock(store, 2n, { b: null, c: '3' });
    expect(h1).toHaveLength(32);
    expect(hex(h2)).not.toBe(hex(h1));
    expect(store.lastHeight).toBe(2n);
    expect(hex(store.lastAppHash)).toBe(hex(h2));
    await store.close();

    const again = await openStore(dir);
    expect(again.lastHeight).toBe(2n);
    expect(hex(again.lastAppHash)).toBe(hex(h2));
    expect(dec.decode(again.get(b('a')) ?? new Uint8Array())).toBe('1');
    expect(again.has(b('b'))).toBe(false);
    expect(await keysOf(again)).toEqual(['a', 'c']);
    // and it keeps going from the stored trie root
    const h3 = await commitBlock(again, 3n, { d: '4' });
    expect(again.lastHeight).toBe(3n);
    expect(hex(again.lastAppHash)).toBe(hex(h3));
  });

  it('a crash between stage and commit loses the staged block: old state, height and app hash', async () => {
    const dir = newDir();
    const store = await openStore(dir);
    const h1 = await commitBlock(store, 1n, { a: '1' });
    const block = store.branch();
    block.set(b('a'), b('changed'));
    block.set(b('b'), b('new'));
    const staged = await store.stage(block.changes(), 2n);
    expect(store.staged?.height).toBe(2n);
    expect(hex(store.staged?.appHash ?? new Uint8Array())).toBe(hex(staged));
    // staged data is not visible as committed state
    expect(dec.decode(store.get(b('a')) ?? new Uint8Array())).toBe('1');
    await store.close(); // no commit: as if the process died here

    const again = await openStore(dir);
    expect(again.lastHeight).toBe(1n);
    expect(hex(again.lastAppHash)).toBe(hex(h1));
    expect(dec.decode(again.get(b('a')) ?? new Uint8Array())).toBe('1');
    expect(again.has(b('b'))).toBe(false);
    // replaying the same block gives the same app hash
    const replay = again.branch();
    replay.set(b('a'), b('changed'));
    replay.set(b('b'), b('new'));
    expect(hex(await again.stage(replay.changes(), 2n))).toBe(hex(staged));
  });

  it('commit without stage is an error; stage twice replaces the first staging', async () => {
    const store = await openStore(newDir());
    await expect(store.commit()).rejects.toThrow(/nothing is staged/);
    await commitBlock(store, 1n, { a: '1' });
    await expect(store.commit()).rejects.toThrow(/nothing is staged/);

    const first = store.branch();
    first.set(b('x'), b('first'));
    await store.stage(first.changes(), 2n);
    const second = store.branch();
    second.set(b('y'), b('second'));
    const h2 = await store.stage(second.changes(), 2n);
    await store.commit();
    expect(hex(store.lastAppHash)).toBe(hex(h2));
    expect(store.has(b('x'))).toBe(false);
    expect(dec.decode(store.get(b('y')) ?? new Uint8Array())).toBe('second');
  });

  it('discardStaged drops a staging', async () => {
    const store = await openStore(newDir());
    const block = store.branch();
    block.set(b('x'), b('1'));
    await store.stage(block.changes(), 1n);
    store.discardStaged();
    await expect(store.commit()).rejects.toThrow(/nothing is staged/);
  });

  it('checks heights: first height >= 1, then consecutive', async () => {
    const store = await openStore(newDir());
    await expect(store.stage([], 0n)).rejects.toThrow(/height 0 does not follow committed height 0/);
    await commitBlock(store, 5n, { a: '1' }); // a chain with initial_height 5
    expect(store.lastHeight).toBe(5n);
    await expect(store.stage([], 5n)).rejects.toThrow(/expected 6/);
    await expect(store.stage([], 7n)).rejects.toThrow(/expected 6/);
    await commitBlock(store, 6n, {});
    expect(store.lastHeight).toBe(6n);
  });

  it('an empty block keeps the app hash but advances the height', async () => {
    const store = await openStore(newDir());
    const h1 = await commitBlock(store, 1n, { a: '1' });
    const h2 = await commitBlock(store, 2n, {});
    expect(hex(h2)).toBe(hex(h1));
    expect(store.lastHeight).toBe(2n);
  });

  it('an empty state has the empty-trie root after its first block', async () => {
    const store = await openStore(newDir());
    expect(hex(await commitBlock(store, 1n, {}))).toBe(hex(EMPTY_TRIE_ROOT));
    await commitBlock(store, 2n, { a: '1' });
    expect(hex(await commitBlock(store, 3n, { a: null }))).toBe(hex(EMPTY_TRIE_ROOT));
  });

  it('rejects unordered, repeated or malformed changes', async () => {
    const store = await openStore(newDir());
    const unordered: StateChange[] = [
      [b('b'), b('1')],
      [b('a'), b('2')],
    ];
    await expect(store.stage(unordered, 1n)).rejects.toThrow(/strictly increasing keys; change 1/);
    const repeated: StateChange[] = [
      [b('a'), b('1')],
      [b('a'), undefined],
    ];
    await expect(store.stage(repeated, 1n)).rejects.toThrow(/out of order or repeated/);
    const badValue = [[b('a'), 'v']] as unknown as StateChange[];
    await expect(store.stage(badValue, 1n)).rejects.toThrow(/neither bytes nor undefined/);
    await expect(store.stage([], 1 as unknown as bigint)).rejects.toThrow(/height must be a bigint/);
  });

  it('refuses overlapping stage/commit calls', async () => {
    // The default (batch) trie update stages in one synchronous pass, so stage calls cannot
    // overlap there; the library's per-key path awaits between keys.
    const store = await CommitStore.open(newDir(), { sync: false, trieUpdate: 'per-key' });
    open.push(store);
    const block = store.branch();
    block.set(b('a'), b('1'));
    const staging = store.stage(block.changes(), 1n);
    await expect(store.stage(block.changes(), 1n)).rejects.toThrow(/a stage is still in progress/);
    await staging;
    const committing = store.commit();
    await expect(store.commit()).rejects.toThrow(/a commit is still in progress/);
    await committing;
    expect(store.lastHeight).toBe(1n);
  });

  it('stores empty values and tells them from absent keys', async () => {
    const dir = newDir();
    const store = await openStore(dir);
    const block = store.branch();
    block.set(b('empty'), new Uint8Array(0));
    const h1 = await store.stage(block.changes(), 1n);
    await store.commit();
    expect(hex(h1)).not.toBe(hex(EMPTY_TRIE_ROOT));
    expect(store.get(b('empty'))).toEqual(new Uint8Array(0));
    expect(store.has(b('empty'))).toBe(true);
    await store.close();
    const again = await openStore(dir);
    expect(again.has(b('empty'))).toBe(true);
  });

  it('iterates committed state in byte order with ranges, reverse and limits across batch sizes', async () => {
    const store = await openStore(newDir());
    const block = store.branch();
    const all: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = `k/${String(i).padStart(5, '0')}`;
      all.push(k);
      block.set(b(k), b(String(i)));
    }
    block.set(Uint8Array.of(0xff, 0x00), b('high'));
    block.set(Uint8Array.of(0x00), b('low'));
    await store.stage(block.changes(), 1n);
    await store.commit();

    expect(await keysOf(store, prefixRange(b('k/')))).toEqual(all);
    expect(await keysOf(store, { ...prefixRange(b('k/')), reverse: true })).toEqual([...all].reverse());
    expect(await keysOf(store, { gte: b('k/00100'), lt: b('k/00105') })).toEqual(all.slice(100, 105));
    expect(await keysOf(store, { gte: b('k/02000'), limit: 40 })).toEqual(all.slice(2000, 2040));
    expect(await keysOf(store, { lt: b('k/00003'), reverse: true, limit: 2 })).toEqual(['k/00002', 'k/00001']);
    const everything: Uint8Array[] = [];
    for await (const [k] of store.iterate({})) everything.push(k);
    expect(everything).toHaveLength(3002);
    expect(hex(everything[0] ?? new Uint8Array())).toBe('00');
    expect(hex(everything.at(-1) ?? new Uint8Array())).toBe('ff00');
    // the internal key spaces never leak into state iteration
    expect(everything.every((k) => k[0] === 0x00 || k[0] === 0x6b || k[0] === 0xff)).toBe(true);
  });

  it('refuses use after close', async () => {
    const store = await CommitStore.open(newDir(), { sync: false });
    await store.close();
    await store.close(); // idempotent
    expect(() => store.get(b('a'))).toThrow(/closed/);
    await expect(store.stage([], 1n)).rejects.toThrow(/closed/);
    await expect(store.prove(b('a'))).rejects.toThrow(/closed/);
  });

  it('reads through the read cache stay correct across commits', async () => {
    const store = await openStore(newDir());
    await commitBlock(store, 1n, { a: '1' });
    expect(dec.decode(store.get(b('a')) ?? new Uint8Array())).toBe('1');
    expect(store.get(b('b'))).toBeUndefined(); // cached as absent
    await commitBlock(store, 2n, { a: '2', b: 'now' });
    expect(dec.decode(store.get(b('a')) ?? new Uint8Array())).toBe('2');
    expect(dec.decode(store.get(b('b')) ?? new Uint8Array())).toBe('now');
    await commitBlock(store, 3n, { a: null });
    expect(store.get(b('a'))).toBeUndefined();
  });

  it('answers from memory while a commit lands: reads, a staging on top of it, iteration, then the disk', async () => {
    const dir = newDir();
    // No read caches: every read that memory does not answer goes to the disk.
    const store = await CommitStore.open(dir, { sync: true, readCacheSize: 0, nodeCacheSize: 0 });
    open.push(store);
    const n = 3000;
    const key = (i: number): string => `key/${String(i).padStart(5, '0')}`;
    await commitBlock(store, 1n, Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), `one ${i}`])));
    // Block 2 rewrites every other key and deletes every third.
    const two = (i: number): string | null => (i % 3 === 0 ? null : i % 2 === 0 ? `two ${i}` : `one ${i}`);
    const block2 = store.branch();
    for (let i = 0; i < n; i++) {
      const v = two(i);
      if (v === null) block2.delete(b(key(i)));
      else if (i % 2 === 0) block2.set(b(key(i)), b(v));
    }
    const root2 = await store.stage(block2.changes(), 2n);
    await store.commit();
    // No turn of the event loop since commit() answered: its batch may still be on LevelDB's
    // thread, and has certainly not been reported written. Memory must answer for block 2.
    expect(store.lastHeight).toBe(2n);
    for (let i = 0; i < n; i++) {
      const got = store.get(b(key(i)));
      expect(got === undefined ? null : dec.decode(got)).toBe(two(i));
    }
    // A staging on top reads the trie nodes block 2 wrote (no node cache: from the landing).
    const block3 = store.branch();
    block3.set(b(key(1)), b('three'));
    const root3 = await store.stage(block3.changes(), 3n);
    await store.commit(); // waits for block 2's batch first: batches land in order
    expect(dec.decode(store.get(b(key(1))) ?? new Uint8Array())).toBe('three');
    const expectedKeys = Array.from({ length: n }, (_, i) => i).filter((i) => two(i) !== null).map(key);
    expect(await keysOf(store)).toEqual(expectedKeys); // iteration waits for the landing

    await store.close();
    const again = await openStore(dir);
    expect(again.lastHeight).toBe(3n);
    expect(hex(again.lastAppHash)).toBe(hex(root3));
    expect(hex(root3)).not.toBe(hex(root2));
    expect(dec.decode(again.get(b(key(1))) ?? new Uint8Array())).toBe('three');
    expect(again.get(b(key(3)))).toBeUndefined();
    expect(dec.decode(again.get(b(key(4))) ?? new Uint8Array())).toBe('two 4');
  });

  it('stops when a batch fails to land: memory still answers, and the next block and iteration are refused', async () => {
    const dir = newDir();
    // No read caches: what memory answers for comes from the landing.
    const store = await CommitStore.open(dir, { sync: false, readCacheSize: 0, nodeCacheSize: 0 });
    open.push(store);
    await commitBlock(store, 1n, { a: 'one' });
    // The next batch's write fails, as a full disk would make it fail.
    const probe = new ClassicLevel<Uint8Array, Uint8Array>(newDir(), { keyEncoding: 'view', valueEncoding: 'view' });
    await probe.open();
    const batch = probe.batch();
    let proto = Object.getPrototypeOf(batch) as { write: () => Promise<void> };
    while (!Object.hasOwn(proto, 'write')) proto = Object.getPrototypeOf(proto) as { write: () => Promise<void> };
    await batch.close();
    await probe.close();
    const write = vi.spyOn(proto, 'write').mockRejectedValueOnce(new Error('disk full'));
    try {
      const block = store.branch();
      block.set(b('a'), b('two'));
      await store.stage(block.changes(), 2n);
      await store.commit(); // handed over: answers before the write has failed
      expect(write).toHaveBeenCalledTimes(1);
      await expect(keysOf(store)).rejects.toThrow('state batch of height 2 was not written: disk full');
      // Memory stays ahead of the disk, and reads keep agreeing with memory.
      expect(store.lastHeight).toBe(2n);
      expect(dec.decode(store.get(b('a')) ?? new Uint8Array())).toBe('two');
      await expect(store.stage([[b('b'), b('three')]], 3n)).rejects.toThrow('was not written');
      await expect(store.prove(b('a'))).rejects.toThrow('was not written');
    } finally {
      write.mockRestore();
    }
    await store.close();
    // On disk: block 1, which CometBFT's handshake replays from.
    const again = await openStore(dir);
    expect(again.lastHeight).toBe(1n);
    expect(dec.decode(again.get(b('a')) ?? new Uint8Array())).toBe('one');
  });
});
