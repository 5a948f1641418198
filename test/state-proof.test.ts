// abci_query with prove=true returns a proof that a client checks against the app hash in the
// next block's header, exactly as the README shows.
import { fromBech32 } from '@cosmjs/encoding';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceKey } from '../src/modules/bank/keys.js';
import { verifyStateProof } from '../src/store/proof.js';
import { devWallet } from './helpers/accounts.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

describe('state proofs', () => {
  let node: TestNode;
  let comet: CometClient;

  beforeAll(async () => {
    node = await startDevnetNode();
    comet = await connectComet(node.rpcUrl);
  });

  afterAll(async () => {
    comet?.disconnect();
    await node?.destroy();
  });

  /** Queries with a proof, then reads the app hash of the state at that height from header height+1. */
  async function provenQuery(key: Uint8Array) {
    const res = await comet.abciQuery({ path: '/store/key', data: key, prove: true });
    expect(res.code).toBe(0);
    const header = await waitForHeader((res.height ?? 0) + 1);
    return { res, appHash: header.appHash };
  }

  async function waitForHeader(height: number) {
    for (let i = 0; i < 100; i++) {
      const h = (await comet.status()).syncInfo.latestBlockHeight;
      if (h >= height) return (await comet.block(height)).block.header;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no block ${height}`);
  }

  it('proves a balance', async () => {
    const alice = await devWallet(0);
    const key = balanceKey(fromBech32(alice.address).data, 'ucmt');
    const { res, appHash } = await provenQuery(key);
    expect(Coin.decode(res.value)).toEqual({ denom: 'ucmt', amount: '1000000000000' });
    const proof = { ops: (res.proof?.ops ?? []).map((op) => ({ type: op.type, key: op.key, data: op.data })) };
    expect(await verifyStateProof(appHash, key, res.value, proof)).toBe(true);
    // A different value, or another height's app hash, does not verify.
    const forged = Coin.encode({ denom: 'ucmt', amount: '9000000000000' }).finish();
    expect(await verifyStateProof(appHash, key, forged, proof)).toBe(false);
    expect(await verifyStateProof(new Uint8Array(32).fill(7), key, res.value, proof)).toBe(false);
  });

  it('proves an absence', async () => {
    const nobody = new Uint8Array(20).fill(9);
    const key = balanceKey(nobody, 'ucmt');
    const { res, appHash } = await provenQuery(key);
    expect(res.value).toHaveLength(0);
    const proof = { ops: (res.proof?.ops ?? []).map((op) => ({ type: op.type, key: op.key, data: op.data })) };
    expect(await verifyStateProof(appHash, key, undefined, proof)).toBe(true);
    expect(await verifyStateProof(appHash, key, new Uint8Array([1]), proof)).toBe(false);
  });
});
