// `--index-events` end to end: a devnet node that indexes only two attributes, told so by the
// flag, or by CYBERMILES_INDEX_EVENTS (how testnet-run and docker-compose pass it). CometBFT's
// tx_search finds a CosmJS transfer by those, and no longer by the others; the tx itself is
// still found by its hash.
import { toBech32 } from '@cosmjs/encoding';
import { coins, type SigningStargateClient } from '@cosmjs/stargate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, signingClient, type DevWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { startDevnetNode, type DevnetNodeOptions, type TestNode } from './helpers/node.js';

interface TxSearch {
  total_count: string;
  txs: { hash: string }[];
}

const ONLY = 'transfer.recipient,message';
const ways: [string, DevnetNodeOptions][] = [
  ['--index-events', { indexEvents: ONLY }],
  ['CYBERMILES_INDEX_EVENTS', { env: { CYBERMILES_INDEX_EVENTS: ONLY } }],
];

describe.each(ways)('a node started with %s', (_, options) => {
  let node: TestNode;
  let alice: DevWallet;
  let client: SigningStargateClient;

  beforeAll(async () => {
    node = await startDevnetNode(options);
    alice = await devWallet(0);
    client = await signingClient(node.rpcUrl, alice);
  });

  afterAll(async () => {
    client?.disconnect();
    await node?.destroy();
  });

  it('indexes the attributes named, and only those', async () => {
    const recipient = toBech32('cmt', new Uint8Array(20).fill(7));
    const res = await client.sendTokens(alice.address, recipient, coins(4321, DENOM), 'auto');
    expect(res.code).toBe(0);
    const found = (query: string): Promise<string[]> =>
      rpcGet<TxSearch>(node.rpcUrl, 'tx_search', { query: `"${query}"` }).then((r) => r.txs.map((t) => t.hash));
    const hash = res.transactionHash;
    expect(await found(`transfer.recipient='${recipient}'`)).toEqual([hash]);
    // Every attribute of `message`, named as a type.
    expect(await found(`message.sender='${alice.address}' AND message.action='/cosmos.bank.v1beta1.MsgSend'`)).toContain(hash);
    // Not named: not indexed.
    expect(await found(`transfer.amount='4321${DENOM}'`)).toEqual([]);
    expect(await found(`coin_received.receiver='${recipient}'`)).toEqual([]);
    // The tx by its hash (CometBFT's own key), with all its events, as CosmJS' getTx reads it.
    const tx = await client.getTx(hash);
    expect(tx?.events.some((e) => e.type === 'coin_received' && e.attributes.some((a) => a.value === recipient))).toBe(true);
  });
});
