// The paths added for throughput keep results exactly as they were: the decode cache, signatures
// verified ahead of a block on worker threads, the fee policy before signature verification.
import { beforeAll, describe, expect, it } from 'vitest';
import { RequestCheckTx, type Event } from 'cosmjs-types/tendermint/abci/types';
import { ChainError } from '../errors/chain-error.js';
import { CommitStore } from '../store/commit-store.js';
import { genesisAppState, initChainRequest, testNodes, type TestNode } from '../testing/app-fixture.js';
import { createTestWallet, msgSendAny, signTx, type TestWallet } from '../testing/tx-fixture.js';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SigVerifyPool, inlineVerifier, type SigCheck, type SigVerifier } from '../tx/sig-verify-pool.js';
import { TxExecutor } from './tx-executor.js';

const FUNDS = 1_000_000n;

let w: TestWallet;
let addr: readonly [string, string, string];

beforeAll(async () => {
  w = await createTestWallet(3);
  addr = [w.at(0).address, w.at(1).address, w.at(2).address];
});

const nodes = testNodes();

async function startedNode(appState = genesisAppState([[addr[0], FUNDS], [addr[1], FUNDS], [addr[2], FUNDS]])): Promise<TestNode> {
  return nodes.started(appState);
}

const transfer = (from: number, sequence: bigint, amount: bigint, fee?: bigint): Promise<Uint8Array> =>
  signTx(w, {
    messages: [msgSendAny(addr[from] as string, addr[(from + 1) % 3] as string, amount)],
    signers: [{ account: w.at(from), accountNumber: BigInt(from), sequence }],
    ...(fee === undefined ? {} : { fee: [{ denom: 'ucmt', amount: fee.toString() }] }),
  });

/** A signature with one byte flipped: still 64 bytes and low-S, but wrong. */
function withBadSignature(tx: Uint8Array): Uint8Array {
  const raw = TxRaw.decode(tx);
  const sig = Uint8Array.from(raw.signatures[0] ?? new Uint8Array(64));
  sig[5] = (sig[5] ?? 0) ^ 0x01;
  return TxRaw.encode({ ...raw, signatures: [sig] }).finish();
}

const strip = (events: readonly Event[]): unknown => events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => [a.key, a.value]) }));

describe('a block never seen in CheckTx (signatures verified ahead, on worker threads)', () => {
  it('gives the same results, events and app hash as a node that checked every tx first', async () => {
    const seen = await startedNode();
    const unseen = await startedNode();
    const txs: Uint8Array[] = [];
    // 40 txs: enough for the batch to go to the verifier, with a bad signature among them.
    for (let i = 0; i < 40; i++) txs.push(await transfer(i % 3, BigInt(Math.floor(i / 3)), BigInt(1 + i)));
    txs[20] = withBadSignature(txs[20] as Uint8Array);
    for (const tx of txs) await seen.app.checkTx(RequestCheckTx.fromPartial({ tx }));
    const a = await seen.block(2n, txs);
    const b = await unseen.block(2n, txs);
    expect(Buffer.from(b.appHash).toString('hex')).toBe(Buffer.from(a.appHash).toString('hex'));
    expect(b.txResults.map((r) => [r.code, r.codespace, r.log])).toEqual(a.txResults.map((r) => [r.code, r.codespace, r.log]));
    expect(b.txResults.map((r) => strip(r.events))).toEqual(a.txResults.map((r) => strip(r.events)));
    expect(b.txResults[20]?.code).toBe(4);
    // Later txs of the bad tx's signer fail on their sequence, as in any block.
    expect(b.txResults.filter((r) => r.code === 0).length).toBeGreaterThan(20);
  });
});

/** The app's executor and committed state (test access to its wiring). */
const wiring = (node: TestNode): { executor: TxExecutor; state: CommitStore } => (node.app as unknown as { w: { executor: TxExecutor; state: CommitStore } }).w;

describe('TxExecutor', () => {
  it('decodes the same bytes once and hands out the same object; garbage is refused every time', async () => {
    const exec = wiring(await startedNode()).executor;
    const tx = await transfer(0, 0n, 5n);
    const first = exec.decode(tx);
    expect(exec.decode(Uint8Array.from(tx))).toBe(first);
    // The cached tx does not keep a view of the caller's buffer.
    expect(first.bytes.buffer).not.toBe(tx.buffer);
    for (let i = 0; i < 2; i++) expect(() => exec.decode(Uint8Array.of(1, 2, 3))).toThrow(ChainError);
  });

  it('hands a block\'s unseen signatures to the verifier in one batch, and small batches to the ante', async () => {
    const calls: number[] = [];
    const counting: SigVerifier = {
      verify: (checks: readonly SigCheck[]) => {
        calls.push(checks.length);
        return inlineVerifier.verify(checks);
      },
      close: () => Promise.resolve(),
    };
    const exec = wiring(await startedNode());
    const replacement = exec.executor.withVerifier(counting);
    const txs: Uint8Array[] = [];
    for (let i = 0; i < 36; i++) txs.push(await transfer(i % 3, BigInt(Math.floor(i / 3)), 1n));
    // Each account's first tx is verified against its committed account; later ones too (same number).
    await replacement.verifyAhead(exec.state, txs, 'cybermiles-unit-1');
    expect(calls).toEqual([36]);
    // Now known: nothing left to verify.
    await replacement.verifyAhead(exec.state, txs, 'cybermiles-unit-1');
    expect(calls).toEqual([36]);
    // Below the batch minimum, the ante verifies inline.
    await replacement.verifyAhead(exec.state, [await transfer(0, 12n, 1n)], 'cybermiles-unit-1');
    expect(calls).toEqual([36]);
  });
});

describe('TxExecutor.verifyAhead', () => {
  const CHAIN = 'cybermiles-unit-1';
  const block = { chainId: CHAIN, height: 2n, timeSeconds: 1n, timeNanos: 0, hash: new Uint8Array() };
  let burst: Uint8Array[];
  beforeAll(async () => {
    // 3 accounts, 30 txs each: 90 signatures, every account's sequence 0 first.
    burst = [];
    for (let i = 0; i < 90; i++) burst.push(await transfer(i % 3, BigInt(Math.floor(i / 3)), 1n));
  });

  /** A verifier that records each call's size and answers when `release` is called (or at once). */
  function gatedVerifier(gated: boolean): { verifier: SigVerifier; calls: number[]; release: () => void } {
    const calls: number[] = [];
    let open: () => void = () => undefined;
    const gate = gated ? new Promise<void>((r) => (open = r)) : Promise.resolve();
    const verifier: SigVerifier = {
      verify: async (checks: readonly SigCheck[]) => {
        calls.push(checks.length);
        await gate;
        return inlineVerifier.verify(checks);
      },
      close: () => Promise.resolve(),
    };
    return { verifier, calls, release: () => open() };
  }

  it('sends the signatures in chunks, a tx never split across two', async () => {
    const exec = wiring(await startedNode());
    const { verifier, calls } = gatedVerifier(false);
    await exec.executor.withVerifier(verifier).verifyAhead(exec.state, burst, CHAIN);
    expect(calls).toEqual([64, 26]);
  });

  it('with currentSequenceOnly, verifies one tx per account of a burst, and nothing below the minimum', async () => {
    const exec = wiring(await startedNode());
    const { verifier, calls } = gatedVerifier(false);
    const ahead = exec.executor.withVerifier(verifier);
    await ahead.verifyAhead(exec.state, burst, CHAIN, { currentSequenceOnly: true, minBatch: 16 });
    expect(calls).toEqual([]);
    await ahead.verifyAhead(exec.state, burst, CHAIN, { currentSequenceOnly: true, minBatch: 1 });
    expect(calls).toEqual([3]);
  });

  it('a tx waits for its own chunk, then runs without verifying again', async () => {
    const exec = wiring(await startedNode());
    const { verifier, calls, release } = gatedVerifier(true);
    const ahead = exec.executor.withVerifier(verifier);
    const all = ahead.verifyAhead(exec.state, burst, CHAIN);
    let done = false;
    const first = ahead.execute(exec.state.branch(), burst[0] as Uint8Array, block, 'check').then((o) => {
      done = true;
      return o;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release();
    expect((await first).code).toBe(0);
    await all;
    expect(calls).toEqual([64, 26]);
    // Known now: a second look finds nothing to verify.
    await ahead.verifyAhead(exec.state, burst, CHAIN);
    expect(calls).toEqual([64, 26]);
  });

  it('with a worker pool, txs run at once, sharing the chunk with the worker; bad signatures are still refused', async () => {
    const exec = wiring(await startedNode());
    const pool = new SigVerifyPool(1);
    try {
      const ahead = exec.executor.withVerifier(pool);
      const bad = withBadSignature(burst[3] as Uint8Array);
      const txs = [burst[0] as Uint8Array, burst[1] as Uint8Array, burst[2] as Uint8Array, bad, ...burst.slice(4, 60)];
      const all = ahead.verifyAhead(exec.state, txs, CHAIN);
      const state = exec.state.branch();
      const codes: number[] = [];
      for (const tx of txs.slice(0, 45)) codes.push((await ahead.execute(state, tx, block, 'check')).code);
      await all;
      // Accounts 1 and 2 pass with sequences 0..14; account 0 passes its sequence 0, its bad tx
      // (sequence 1) is refused, and its later ones then fail on their sequence.
      expect(codes.filter((c) => c === 4)).toHaveLength(1);
      expect(codes[3]).toBe(4);
      expect(codes.filter((c) => c === 0)).toHaveLength(31);
    } finally {
      await pool.close();
    }
  });

  it('a verifier that fails changes nothing: the ante verifies, and a bad signature is still refused', async () => {
    const exec = wiring(await startedNode());
    const broken: SigVerifier = { verify: () => Promise.reject(new Error('worker gone')), close: () => Promise.resolve() };
    const ahead = exec.executor.withVerifier(broken);
    const bad = withBadSignature(burst[0] as Uint8Array);
    const txs = [bad, ...burst.slice(1, 40)];
    await ahead.verifyAhead(exec.state, txs, CHAIN);
    const state = exec.state.branch();
    expect((await ahead.execute(state, bad, block, 'check')).code).toBe(4);
    expect((await ahead.execute(state, burst[1] as Uint8Array, block, 'check')).code).toBe(0);
  });
});

describe('fee policy before signature verification', () => {
  const QUOTA_2 = {
    fees: { params: { freeTxsPerWindow: 2, windowBlocks: '1000', freeGasPerBlock: '1000000000000', minGasPrice: '0.01', minFreeBalance: '0', stakePerExtraFreeTx: '0' } },
  };

  it('refuses a zero-fee tx over its quota with fees/2 even when its signature is bad, changing nothing', async () => {
    const node = await startedNode(genesisAppState([[addr[0], FUNDS], [addr[1], FUNDS], [addr[2], FUNDS]], { modules: QUOTA_2 }));
    for (let s = 0n; s < 2n; s++) expect((await node.app.checkTx(RequestCheckTx.fromPartial({ tx: await transfer(0, s, 1n) }))).code).toBe(0);
    const over = await node.app.checkTx(RequestCheckTx.fromPartial({ tx: withBadSignature(await transfer(0, 2n, 1n)) }));
    expect([over.codespace, over.code]).toEqual(['fees', 2]);
    // Within the quota, a bad signature is still a bad signature.
    const bad = await node.app.checkTx(RequestCheckTx.fromPartial({ tx: withBadSignature(await transfer(1, 0n, 1n)) }));
    expect([bad.codespace, bad.code]).toEqual(['sdk', 4]);
    // And a paying tx over the quota passes.
    expect((await node.app.checkTx(RequestCheckTx.fromPartial({ tx: await transfer(0, 2n, 1n, 2000n) }))).code).toBe(0);
  });

  it('keeps the ante events in their order: the signer\'s acc_seq and signature, then the fee', async () => {
    const node = await startedNode();
    const res = await node.block(2n, [await transfer(0, 0n, 3n)]);
    const tx = res.txResults[0];
    expect(tx?.code).toBe(0);
    const keys = (tx?.events ?? []).filter((e) => e.type === 'tx').map((e) => e.attributes.map((a) => a.key).join(','));
    expect(keys).toEqual(['acc_seq', 'signature', 'fee,fee_payer']);
  });

  it('refuses a bad signature in a block with sdk/4 and writes nothing for it', async () => {
    const node = await startedNode();
    const before = node.account(addr[0]);
    const res = await node.block(2n, [withBadSignature(await transfer(0, 0n, 3n))]);
    expect([res.txResults[0]?.codespace, res.txResults[0]?.code]).toEqual(['sdk', 4]);
    expect(node.account(addr[0])).toEqual(before);
    expect(node.balance(addr[0])).toBe(FUNDS);
  });
});
