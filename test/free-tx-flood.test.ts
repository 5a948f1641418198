// Free transactions stay free for honest users and useless for a flooder: one account flooding
// zero-fee txs is throttled with a clear code, other accounts' free txs land within a few blocks,
// and a fee-paying tx lands during the flood.
import { coins } from '@cosmjs/stargate';
import { toHex } from '@cosmjs/encoding';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devWallet, queryClient, signingClient } from './helpers/accounts.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';
import { encodeTx, signTx } from './helpers/txs.js';

const FEES = {
  fees: {
    params: {
      freeTxsPerWindow: 20,
      windowBlocks: '1000',
      freeGasPerBlock: '30000000',
      minGasPrice: '0.01',
      minFreeBalance: '1000000',
      stakePerExtraFreeTx: '0',
    },
  },
};

describe('a flood of free txs', () => {
  let node: TestNode;
  let comet: CometClient;

  beforeAll(async () => {
    node = await startDevnetNode({ appStatePatch: FEES });
    comet = await connectComet(node.rpcUrl);
  });

  afterAll(async () => {
    comet?.disconnect();
    await node?.destroy();
  });

  it('throttles the flooder, lets honest users through, and lets a paying tx land', async () => {
    const flooder = await devWallet(3);
    const target = (await devWallet(9)).address;
    const q = await queryClient(node.rpcUrl);
    const { accountNumber } = await q.getSequence(flooder.address);
    const transfer = (seq: bigint, fee?: bigint, amount = 1) =>
      signTx({
        wallet: flooder.wallet,
        chainId: 'cybermiles-devnet',
        accountNumber,
        sequence: seq,
        gas: 200_000n,
        messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: flooder.address, toAddress: target, amount: coins(amount, 'ucmt') }).finish() }],
        ...(fee === undefined ? {} : { fee }),
      });

    // The flood: 120 zero-fee txs as fast as the node takes them. Once the quota is used, the
    // flooder keeps trying its next sequence (20) with ever different txs.
    const codes = new Map<number, number>();
    let throttledLog = '';
    for (let i = 0n; i < 120n; i++) {
      const seq = i < 20n ? i : 20n;
      const res = await comet.broadcastTxSync({ tx: encodeTx(await transfer(seq, undefined, Number(i) + 1)) });
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
      if (res.code !== 0 && throttledLog === '') throttledLog = `${res.codespace}/${res.code}: ${res.log}`;
    }
    expect(codes.get(0)).toBe(20);
    expect(codes.get(2)).toBe(100);
    expect(throttledLog).toMatch(/^fees\/2: .*used its 20 free txs of this window; wait until height \d+ or pay a fee of at least 2000ucmt/);

    // Honest users, during the flood, with CosmJS defaults ("auto" gas, zero fee).
    const start = await node.height();
    const honest = await Promise.all(
      [4, 5, 6].map(async (i) => {
        const w = await devWallet(i);
        const client = await signingClient(node.rpcUrl, w);
        const res = await client.sendTokens(w.address, target, coins(7, 'ucmt'), 'auto');
        client.disconnect();
        return res;
      }),
    );
    for (const r of honest) {
      expect(r.code).toBe(0);
      expect(r.height - start).toBeLessThanOrEqual(5);
    }

    // The flooder can still pay: a tx with a fee lands.
    const paid = await comet.broadcastTxSync({ tx: encodeTx(await transfer(20n, 2000n)) });
    expect(paid.code, paid.log).toBe(0);
    await expect.poll(async () => (await q.getTx(toHex(paid.hash).toUpperCase()))?.code, { timeout: 20_000, interval: 300 }).toBe(0);
    q.disconnect();
  });
});
