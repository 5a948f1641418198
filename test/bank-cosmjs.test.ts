// CosmJS, unmodified, against a real devnet node: transfers, queries, tx lookup and search.
import { toBech32 } from '@cosmjs/encoding';
import { coins, type SigningStargateClient } from '@cosmjs/stargate';
import { MsgMultiSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, queryClient, signingClient, supplyAndBalances, type DevWallet } from './helpers/accounts.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';
import { OPERATOR_BALANCE } from '../src/node/genesis-validators.js';

describe('CosmJS against a devnet', () => {
  let node: TestNode;
  let alice: DevWallet;
  let bob: DevWallet;
  let carol: DevWallet;
  let client: SigningStargateClient;

  beforeAll(async () => {
    node = await startDevnetNode();
    [alice, bob, carol] = await Promise.all([devWallet(0), devWallet(1), devWallet(2)]);
    client = await signingClient(node.rpcUrl, alice);
  });

  afterAll(async () => {
    client?.disconnect();
    await node?.destroy();
  });

  it('reports the genesis accounts and balances', async () => {
    expect(await client.getChainId()).toBe('cybermiles-devnet');
    expect(await client.getBalance(carol.address, DENOM)).toEqual({ denom: DENOM, amount: '1000000000000' });
    expect(await client.getAllBalances(carol.address)).toEqual([{ denom: DENOM, amount: '1000000000000' }]);
    const account = await client.getAccount(carol.address);
    expect(account).toMatchObject({ address: carol.address, accountNumber: 2n, sequence: 0, pubkey: null });
    expect(await client.getAccount(toBech32('cmt', new Uint8Array(20)))).toBeNull();
  });

  it('sends tokens with "auto" gas and finds the tx by hash and by search', async () => {
    const before = BigInt((await client.getBalance(bob.address, DENOM)).amount);
    const seq = await client.getSequence(alice.address);
    const res = await client.sendTokens(alice.address, bob.address, coins(1234, DENOM), 'auto', 'first transfer');
    expect(res.code).toBe(0);
    expect(res.gasUsed).toBeGreaterThan(0n);
    expect(res.gasWanted).toBeGreaterThanOrEqual(res.gasUsed);
    expect(res.msgResponses).toEqual([{ typeUrl: '/cosmos.bank.v1beta1.MsgSendResponse', value: new Uint8Array() }]);
    expect(BigInt((await client.getBalance(bob.address, DENOM)).amount)).toBe(before + 1234n);
    expect(await client.getSequence(alice.address)).toEqual({ accountNumber: seq.accountNumber, sequence: seq.sequence + 1 });
    const account = await client.getAccount(alice.address);
    expect(account?.pubkey?.type).toBe('tendermint/PubKeySecp256k1');

    const tx = await client.getTx(res.transactionHash);
    expect(tx?.height).toBe(res.height);
    expect(tx?.code).toBe(0);
    const types = tx?.events.map((e) => e.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(['message', 'transfer', 'coin_spent', 'coin_received', 'tx']));
    const message = tx?.events.find((e) => e.type === 'message' && e.attributes.some((a) => a.key === 'action'));
    expect(Object.fromEntries(message?.attributes.map((a) => [a.key, a.value]) ?? [])).toMatchObject({
      action: '/cosmos.bank.v1beta1.MsgSend',
      sender: alice.address,
      module: 'bank',
    });

    const bySender = await client.searchTx([{ key: 'message.sender', value: alice.address }]);
    expect(bySender.map((t) => t.hash)).toContain(res.transactionHash);
    const byRecipient = await client.searchTx([{ key: 'transfer.recipient', value: bob.address }]);
    expect(byRecipient.map((t) => t.hash)).toContain(res.transactionHash);
  });

  it('creates the account of a new recipient', async () => {
    const fresh = await devWallet(42);
    expect(await client.getAccount(fresh.address)).toBeNull();
    await client.sendTokens(alice.address, fresh.address, coins(5_000_000, DENOM), 'auto');
    const account = await client.getAccount(fresh.address);
    expect(account?.address).toBe(fresh.address);
    expect(account?.sequence).toBe(0);
    // The new account can spend: its first tx carries its public key.
    const freshClient = await signingClient(node.rpcUrl, fresh);
    const res = await freshClient.sendTokens(fresh.address, alice.address, coins(1, DENOM), 'auto');
    expect(res.code).toBe(0);
    freshClient.disconnect();
  });

  it('executes MsgMultiSend', async () => {
    const q = await queryClient(node.rpcUrl);
    const [b0, c0] = await Promise.all([q.getBalance(bob.address, DENOM), q.getBalance(carol.address, DENOM)]);
    const msg = {
      typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
      value: MsgMultiSend.fromPartial({
        inputs: [{ address: alice.address, coins: coins(30, DENOM) }],
        outputs: [
          { address: bob.address, coins: coins(10, DENOM) },
          { address: carol.address, coins: coins(20, DENOM) },
        ],
      }),
    };
    const res = await client.signAndBroadcast(alice.address, [msg], 'auto');
    expect(res.code).toBe(0);
    expect(BigInt((await q.getBalance(bob.address, DENOM)).amount)).toBe(BigInt(b0.amount) + 10n);
    expect(BigInt((await q.getBalance(carol.address, DENOM)).amount)).toBe(BigInt(c0.amount) + 20n);
    q.disconnect();
  });

  it('keeps total supply equal to the sum of all balances', async () => {
    const { supply, sum } = await supplyAndBalances(node.rpcUrl);
    // The ten dev accounts and the devnet validator's operator account (see README), plus the
    // block awards minted since (8% a year of that).
    expect(supply).toBeGreaterThanOrEqual(10n * 1_000_000_000_000n + OPERATOR_BALANCE);
    expect(sum).toBe(supply);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
