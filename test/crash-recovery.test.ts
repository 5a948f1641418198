// SIGKILL the app, or only CometBFT, while transfers are flowing: after restart the chain resumes
// at the height and app hash it had, every committed tx is still there, and balances add up.
import type { StargateClient } from '@cosmjs/stargate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, queryClient, supplyAndBalances, type DevWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { TransferLoad, type SentTx } from './helpers/load.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

const CHAIN_ID = 'cybermiles-devnet';
const GENESIS_BALANCE = 1_000_000_000_000n;

interface AbciInfo {
  response: { last_block_height: string; last_block_app_hash: string };
}
interface BlockResult {
  block: { header: { height: string; app_hash: string } };
}

describe('crash recovery', () => {
  let node: TestNode;
  let senders: DevWallet[];
  let recipient: DevWallet;
  const allAccepted: SentTx[] = [];

  beforeAll(async () => {
    node = await startDevnetNode();
    senders = await Promise.all([3, 4, 5, 6].map((i) => devWallet(i)));
    recipient = await devWallet(7);
  });

  afterAll(async () => {
    await node?.destroy();
  });

  /** The hashes of committed txs, with their heights, as the chain reports them now. */
  async function committed(q: StargateClient, txs: readonly SentTx[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const t of txs) {
      const found = await q.getTx(t.hash);
      if (found !== null) {
        expect(found.code).toBe(0);
        out.set(t.hash, found.height);
      }
    }
    return out;
  }

  async function expectBalancesMatch(committedSet: ReadonlyMap<string, number>): Promise<void> {
    const q = await queryClient(node.rpcUrl);
    try {
      const done = allAccepted.filter((t) => committedSet.has(t.hash));
      const received = done.reduce((s, t) => s + t.amount, 0n);
      expect(BigInt((await q.getBalance(recipient.address, DENOM)).amount)).toBe(GENESIS_BALANCE + received);
      for (const s of senders) {
        const mine = done.filter((t) => t.from === s.address);
        expect(BigInt((await q.getBalance(s.address, DENOM)).amount)).toBe(GENESIS_BALANCE - mine.reduce((a, t) => a + t.amount, 0n));
        expect((await q.getSequence(s.address)).sequence).toBe(mine.length);
      }
      const { supply, sum } = await supplyAndBalances(node.rpcUrl);
      expect(sum).toBe(supply);
    } finally {
      q.disconnect();
    }
  }

  async function crashAndRecover(crash: () => Promise<void>, restart: () => Promise<void>): Promise<void> {
    const load = new TransferLoad(node.rpcUrl, CHAIN_ID, senders, recipient.address);
    await load.start();
    const h0 = await node.height();
    await expect.poll(() => node.height(), { timeout: 30_000, interval: 200 }).toBeGreaterThanOrEqual(h0 + 3);
    expect(load.accepted.length).toBeGreaterThan(0);

    const q = await queryClient(node.rpcUrl);
    const before = await committed(q, load.accepted);
    q.disconnect();
    const heightBefore = await node.height();
    const headerBefore = await rpcGet<BlockResult>(node.rpcUrl, 'block', { height: String(heightBefore) });

    await crash();
    await load.stop();
    allAccepted.push(...load.accepted);
    await restart();

    // The app reports the height and app hash CometBFT has, and the chain goes on from there.
    const info = await rpcGet<AbciInfo>(node.rpcUrl, 'abci_info');
    const appHeight = Number(info.response.last_block_height);
    expect(appHeight).toBeGreaterThanOrEqual(heightBefore);
    const headerAfter = await rpcGet<BlockResult>(node.rpcUrl, 'block', { height: String(heightBefore) });
    expect(headerAfter.block.header.app_hash).toBe(headerBefore.block.header.app_hash);
    await expect.poll(() => node.height(), { timeout: 30_000, interval: 200 }).toBeGreaterThan(appHeight + 1);
    // The next block's header commits to exactly the app hash the restarted app reported.
    const next = await rpcGet<BlockResult>(node.rpcUrl, 'block', { height: String(appHeight + 1) });
    expect(Buffer.from(info.response.last_block_app_hash, 'base64').toString('hex').toUpperCase()).toBe(next.block.header.app_hash);

    // Every tx committed before the crash is still there, at the same height.
    const q2 = await queryClient(node.rpcUrl);
    const after = await committed(q2, allAccepted);
    q2.disconnect();
    for (const [hash, height] of before) expect(after.get(hash)).toBe(height);
    await expectBalancesMatch(after);
  }

  it('survives SIGKILL of the app', async () => {
    await crashAndRecover(
      () => node.killApp(),
      () => node.start({ waitForHeight: 1, timeoutMs: 60_000 }),
    );
  });

  it('survives SIGKILL of CometBFT (the supervisor restarts it)', async () => {
    let oldPid: number | undefined;
    await crashAndRecover(
      async () => {
        oldPid = node.killCometbft();
      },
      async () => {
        await expect.poll(() => node.cometbftPid(), { timeout: 30_000, interval: 200 }).not.toBe(oldPid);
        const h = await node.height();
        await expect.poll(() => node.height(), { timeout: 60_000, interval: 200 }).toBeGreaterThan(h);
      },
    );
    expect(node.running()).toBe(true);
  });
});
