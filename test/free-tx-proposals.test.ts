// A proposer that ignores the fee policy's block rules gets its proposals rejected by the other
// validators: four validators, one of them (node 0) running with the test-only switch that makes
// it propose every mempool tx, under a load of zero-fee txs far above the free gas budget.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { TransferLoad } from './helpers/load.js';
import { TestNetwork } from './helpers/testnet.js';

// Two zero-fee txs of 200,000 gas (the load's gas limit) fit a block; more do not.
const BUDGET = {
  fees: {
    params: {
      freeTxsPerWindow: 1_000_000,
      windowBlocks: '600',
      freeGasPerBlock: '400000',
      minGasPrice: '0.01',
      minFreeBalance: '1000000',
      stakePerExtraFreeTx: '0',
    },
  },
};

interface BlockResult {
  block: { header: { height: string; proposer_address: string }; data: { txs: string[] | null } };
}

describe('proposals against the fee policy', () => {
  let net: TestNetwork;

  beforeAll(async () => {
    net = await TestNetwork.create({
      validators: 4,
      appStatePatch: BUDGET,
      nodeEnv: [{ CYBERMILES_UNSAFE_IGNORE_PROPOSAL_RULES: '1' }],
    });
    await net.start();
  });

  afterAll(async () => {
    await net?.destroy();
  });

  it('are rejected by the other validators, and no committed block breaks the free budget', async () => {
    const info = JSON.parse(await readFile(join(net.dir, 'testnet.json'), 'utf8')) as { nodes: { validator_address: string }[] };
    const rogue = info.nodes[0]?.validator_address ?? '';
    const rpc = net.node(1).rpcUrl;
    const senders = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => devWallet(i)));
    const load = new TransferLoad(rpc, 'cybermiles-testnet', senders, (await devWallet(9)).address, 50);
    await load.start();
    const from = (await net.heights([1]))[0] ?? 1;
    // Enough heights for the rogue validator to have had several turns as proposer.
    await expect.poll(() => net.node(1).logTail(50_000_000).includes('rejecting proposal'), { timeout: 90_000, interval: 500 }).toBe(true);
    await net.advance(8, { nodes: [1, 2, 3] });
    await load.stop();
    const to = (await net.heights([1]))[0] ?? from;

    let committedTxs = 0;
    for (let h = from; h <= to; h++) {
      const b = await rpcGet<BlockResult>(rpc, 'block', { height: String(h) });
      const txs = b.block.data.txs?.length ?? 0;
      committedTxs += txs;
      expect(txs, `block ${h} (proposer ${b.block.header.proposer_address})`).toBeLessThanOrEqual(2);
    }
    expect(committedTxs).toBeGreaterThan(0);
    expect(load.accepted.length).toBeGreaterThan(2 * (to - from + 1));

    const honestLogs = [1, 2, 3].map((i) => net.node(i).logTail(50_000_000)).join('\n');
    const rejections = honestLogs.split('\n').filter((l) => l.includes('rejecting proposal'));
    expect(rejections.length).toBeGreaterThan(0);
    for (const line of rejections) expect(line).toMatch(/zero-fee gas \d+ exceeds free_gas_per_block 400000/);
    expect(rejections.some((l) => l.toUpperCase().includes(rogue.toUpperCase()))).toBe(true);
    expect(net.node(0).logTail(50_000_000)).toContain('UNSAFE: this node proposes blocks that ignore the fee policy');
    await net.expectAgreement();
  });
});
