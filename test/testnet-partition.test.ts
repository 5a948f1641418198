// A network partition: validator 3 of four runs in its own network namespace, joined to the
// others by a veth pair; taking that link down cuts it off (its packets are lost, as with a
// pulled cable). The other three (30 of 40 voting power) go on; node 3 alone cannot commit.
// With the link back, node 3 catches up and agrees on every block.
//
// Needs root and iproute2 (`ip netns`); elsewhere the test is skipped and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devWallet } from './helpers/accounts.js';
import { TransferLoad } from './helpers/load.js';
import { netnsSupport } from './helpers/netns.js';
import { PLENTY_OF_FREE_TXS, TestNetwork } from './helpers/testnet.js';

const unsupported = await netnsSupport();
const ALL = [0, 1, 2, 3] as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(unsupported !== undefined)('a validator cut off by a network partition', () => {
  let net: TestNetwork;
  let load: TransferLoad | undefined;

  beforeAll(async () => {
    net = await TestNetwork.create({ validators: 4, blockInterval: '300ms', isolate: 3, appStatePatch: PLENTY_OF_FREE_TXS });
    try {
      await net.start();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${net.logTails()}`);
    }
    const senders = await Promise.all([1, 2].map((i) => devWallet(i)));
    load = new TransferLoad(net.node(0).rpcUrl, net.chainId, senders, (await devWallet(8)).address, 250);
    await load.start();
  });

  afterAll(async () => {
    await load?.stop();
    await net?.destroy();
  });

  it('stalls while cut off as the others go on; reconnected, it catches up and agrees', async () => {
    await net.waitForHeight(3, { nodes: [...ALL] });
    await net.cutOff();
    try {
      // Node 3 (still reachable over its separate RPC link) sees no new block; the others do.
      const cutAt = await net.node(3).height();
      const target = await net.advance(6, { nodes: [0, 1, 2] });
      await sleep(1000);
      expect(await net.node(3).height()).toBeLessThanOrEqual(cutAt + 1);
      expect(target).toBeGreaterThan(cutAt + 4);
      expect(load?.accepted.length ?? 0).toBeGreaterThan(0);
    } finally {
      await net.reconnect();
    }
    const top = Math.max(...(await net.heights([0, 1, 2])));
    await net.waitForHeight(top + 1, { nodes: [...ALL], timeoutMs: 90_000 });
    expect(await net.expectAgreement([...ALL])).toBeGreaterThan(top);
  });
});

if (unsupported !== undefined) {
  describe('a validator cut off by a network partition', () => {
    it.skip(`cannot run here: ${unsupported}`, () => undefined);
  });
}
