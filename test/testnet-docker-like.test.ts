// The docker-mode testnet of docker-compose.yml, run the way compose would run it but without a
// Docker engine: each of the four nodes in its own network namespace on one bridge, listening on
// 0.0.0.0 with the default ports, and finding its peers by service name (node0 … node3) through
// a hosts file per namespace, as Docker's DNS would answer. test/docker-compose.test.ts checks
// that docker-compose.yml mounts exactly these homes; this checks that they make a chain.
//
// Needs root and iproute2 (`ip netns`); elsewhere the test is skipped and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcGet } from './helpers/cometbft.js';
import { netnsSupport } from './helpers/netns.js';
import { TestNetwork } from './helpers/testnet.js';

const unsupported = await netnsSupport();

interface NetInfo {
  n_peers: string;
  peers: { node_info: { moniker: string }; remote_ip: string }[];
}

describe.skipIf(unsupported !== undefined)('a docker-mode testnet in compose-like namespaces', () => {
  let net: TestNetwork;

  beforeAll(async () => {
    net = await TestNetwork.dockerLike({ validators: 4, blockInterval: '300ms' });
    try {
      await net.start();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${net.logTails()}`);
    }
  });

  afterAll(async () => {
    await net?.destroy();
  });

  it('connects every node to the others by service name and agrees on every block', async () => {
    await net.waitForHeight(4);
    await net.expectAgreement([0, 1, 2, 3]);
    for (const i of [0, 1, 2, 3]) {
      const info = await rpcGet<NetInfo>(net.node(i).rpcUrl, 'net_info');
      expect(info.n_peers).toBe('3');
      expect(info.peers.map((p) => p.node_info.moniker).sort()).toEqual(['node0', 'node1', 'node2', 'node3'].filter((n) => n !== `node${i}`));
    }
  });
});

if (unsupported !== undefined) {
  describe('a docker-mode testnet in compose-like namespaces', () => {
    it.skip(`cannot run here: ${unsupported}`, () => undefined);
  });
}
