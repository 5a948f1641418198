import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofOps } from 'cosmjs-types/tendermint/crypto/proof';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitStore } from './commit-store.js';
import { MPT_PROOF_OP_TYPE, decodeProofNodes, encodeProofNodes, verifyStateProof } from './proof.js';

const enc = new TextEncoder();
const b = (s: string): Uint8Array => enc.encode(s);

const dirs: string[] = [];
const stores: CommitStore[] = [];
async function storeWith(height: number, perBlock: number): Promise<CommitStore> {
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-proof-'));
  dirs.push(dir);
  const store = await CommitStore.open(dir, { sync: false });
  stores.push(store);
  for (let h = 1; h <= height; h++) {
    const block = store.branch();
    for (let i = 0; i < perBlock; i++) block.set(b(`bal/${h}/${i}`), b(`amount-${h}-${i}`));
    await store.stage(block.changes(), BigInt(h));
    await store.commit();
  }
  return store;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function flipLastByte(u: Uint8Array): Uint8Array {
  const out = Uint8Array.from(u);
  out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 1;
  return out;
}

describe('state proofs', () => {
  it('membership proofs verify against the app hash, and survive protobuf encoding', async () => {
    const store = await storeWith(3, 100);
    for (const key of ['bal/1/0', 'bal/2/57', 'bal/3/99']) {
      const { value, proof, height, appHash } = await store.prove(b(key));
      expect(height).toBe(3n);
      expect(appHash).toEqual(store.lastAppHash);
      expect(value).toEqual(store.get(b(key)));
      expect(proof.ops).toHaveLength(1);
      expect(proof.ops[0]?.type).toBe(MPT_PROOF_OP_TYPE);
      expect(proof.ops[0]?.key).toEqual(b(key));
      expect(await verifyStateProof(appHash, b(key), value, proof)).toBe(true);
      // as a client receives it from abci_query
      const wire = ProofOps.decode(ProofOps.encode(proof).finish());
      expect(await verifyStateProof(appHash, b(key), value, wire)).toBe(true);
    }
  });

  it('non-membership proofs verify with value undefined', async () => {
    const store = await storeWith(2, 50);
    for (const key of ['bal/9/9', 'nothing', '']) {
      const { value, proof, appHash } = await store.prove(b(key));
      expect(value).toBeUndefined();
      expect(await verifyStateProof(appHash, b(key), undefined, proof)).toBe(true);
      // claiming a value for an absent key fails
      expect(await verifyStateProof(appHash, b(key), b('x'), proof)).toBe(false);
    }
  });

  it('fails for a tampered value, a wrong key, a wrong app hash or tampered nodes', async () => {
    const store = await storeWith(2, 50);
    const key = b('bal/2/7');
    const { value, proof, appHash } = await store.prove(key);
    expect(value).toBeDefined();
    if (value === undefined) return;
    expect(await verifyStateProof(appHash, key, flipLastByte(value), proof)).toBe(false);
    expect(await verifyStateProof(appHash, key, undefined, proof)).toBe(false);
    expect(await verifyStateProof(flipLastByte(appHash), key, value, proof)).toBe(false);
    expect(await verifyStateProof(appHash, b('bal/2/8'), value, proof)).toBe(false);
    const op = proof.ops[0];
    if (op === undefined) throw new Error('no proof op');
    const nodes = decodeProofNodes(op.data);
    for (let i = 0; i < nodes.length; i++) {
      const tampered = nodes.map((n, j) => (j === i ? flipLastByte(n) : n));
      const bad = { ops: [{ ...op, data: encodeProofNodes(tampered) }] };
      expect(await verifyStateProof(appHash, key, value, bad)).toBe(false);
    }
    const truncated = { ops: [{ ...op, data: encodeProofNodes(nodes.slice(0, -1)) }] };
    expect(await verifyStateProof(appHash, key, value, truncated)).toBe(false);
    expect(await verifyStateProof(appHash, key, value, { ops: [{ ...op, type: 'iavl:v' }] })).toBe(false);
    expect(await verifyStateProof(appHash, key, value, { ops: [] })).toBe(false);
    expect(await verifyStateProof(appHash, key, value, { ops: [{ ...op, data: Uint8Array.of(0xff) }] })).toBe(false);
  });

  it('a proof is for the height it names, not a later one', async () => {
    const store = await storeWith(1, 10);
    const key = b('bal/1/3');
    const old = await store.prove(key);
    const block = store.branch();
    block.set(key, b('spent'));
    await store.stage(block.changes(), 2n);
    // staged but not committed: proofs still come from height 1
    const stillOld = await store.prove(key);
    expect(stillOld.height).toBe(1n);
    expect(stillOld.value).toEqual(old.value);
    await store.commit();
    const now = await store.prove(key);
    expect(now.height).toBe(2n);
    expect(now.value).toEqual(b('spent'));
    expect(await verifyStateProof(now.appHash, key, b('spent'), now.proof)).toBe(true);
    expect(await verifyStateProof(now.appHash, key, old.value, old.proof)).toBe(false);
    expect(await verifyStateProof(old.appHash, key, old.value, old.proof)).toBe(true);
  });

  it('empty state: absence is proven by an empty proof, at height 0 and for the empty-trie root', async () => {
    const store = await storeWith(0, 0);
    const { value, proof, appHash, height } = await store.prove(b('any'));
    expect(height).toBe(0n);
    expect(appHash).toEqual(new Uint8Array(0));
    expect(value).toBeUndefined();
    expect(await verifyStateProof(appHash, b('any'), undefined, proof)).toBe(true);
    expect(await verifyStateProof(appHash, b('any'), b('v'), proof)).toBe(false);
    await store.stage([], 1n);
    await store.commit();
    const p1 = await store.prove(b('any'));
    expect(p1.appHash).toHaveLength(32);
    expect(await verifyStateProof(p1.appHash, b('any'), undefined, p1.proof)).toBe(true);
  });

  it('proves empty values', async () => {
    const store = await storeWith(0, 0);
    const block = store.branch();
    block.set(b('empty'), new Uint8Array(0));
    await store.stage(block.changes(), 1n);
    await store.commit();
    const { value, proof, appHash } = await store.prove(b('empty'));
    expect(value).toEqual(new Uint8Array(0));
    expect(await verifyStateProof(appHash, b('empty'), new Uint8Array(0), proof)).toBe(true);
    expect(await verifyStateProof(appHash, b('empty'), undefined, proof)).toBe(false);
  });

  it('proves while a commit is landing (waits for it, never reads a half-pruned trie)', async () => {
    const store = await storeWith(1, 200);
    const key = b('bal/1/5');
    const block = store.branch();
    for (let i = 0; i < 200; i++) block.set(b(`bal/1/${i}`), b(`new-${i}`));
    await store.stage(block.changes(), 2n);
    const committing = store.commit();
    const proving = store.prove(key);
    await committing;
    const { value, proof, appHash, height } = await proving;
    expect(height).toBe(2n);
    expect(value).toEqual(b('new-5'));
    expect(await verifyStateProof(appHash, key, value, proof)).toBe(true);
  });
});
