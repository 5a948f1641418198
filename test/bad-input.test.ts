// Bad input of every kind is refused with its own code and a clear log; balances and sequences
// stay as they were, and the chain keeps producing blocks.
import type { StargateClient } from '@cosmjs/stargate';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, queryClient, supplyAndBalances, type DevWallet } from './helpers/accounts.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';
import { encodeTx, signTx, toHighS, type SignOptions } from './helpers/txs.js';

const CHAIN_ID = 'cybermiles-devnet';

interface Refusal {
  readonly code: number;
  readonly codespace: string;
  readonly log: string;
}

describe('bad input', () => {
  let node: TestNode;
  let q: StargateClient;
  let alice: DevWallet;
  let bob: DevWallet;

  beforeAll(async () => {
    node = await startDevnetNode();
    q = await queryClient(node.rpcUrl);
    [alice, bob] = await Promise.all([devWallet(0), devWallet(1)]);
  });

  afterAll(async () => {
    q?.disconnect();
    await node?.destroy();
  });

  const send = (from: string, to: string, amount: string, denom = DENOM) => ({
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: [{ denom, amount }] }).finish(),
  });

  async function options(overrides: Partial<SignOptions> = {}): Promise<SignOptions> {
    const acc = await q.getSequence(alice.address);
    return {
      wallet: alice.wallet,
      chainId: CHAIN_ID,
      accountNumber: acc.accountNumber,
      sequence: BigInt(acc.sequence),
      messages: [send(alice.address, bob.address, '100')],
      ...overrides,
    };
  }

  /** Broadcasts and returns CheckTx's refusal; fails the test if the tx was accepted. */
  async function refusal(bytes: Uint8Array): Promise<Refusal> {
    try {
      await q.broadcastTxSync(bytes);
    } catch (e) {
      const err = e as { code?: number; codespace?: string; log?: string };
      if (err.code === undefined) throw e;
      return { code: err.code, codespace: err.codespace ?? '', log: err.log ?? '' };
    }
    throw new Error('tx was accepted');
  }

  async function snapshot() {
    const [a, b, seqA] = await Promise.all([q.getBalance(alice.address, DENOM), q.getBalance(bob.address, DENOM), q.getSequence(alice.address)]);
    return { a: a.amount, b: b.amount, seqA };
  }

  async function expectRefused(bytes: Uint8Array, code: number, logPart: RegExp, codespace = 'sdk'): Promise<void> {
    const before = await snapshot();
    const r = await refusal(bytes);
    expect(r.code, r.log).toBe(code);
    expect(r.codespace).toBe(codespace);
    expect(r.log).toMatch(logPart);
    const height = await node.height();
    await expect.poll(() => node.height(), { timeout: 20_000 }).toBeGreaterThan(height);
    expect(await snapshot()).toEqual(before);
  }

  it('refuses random bytes', async () => {
    await expectRefused(randomBytes(200), 2, /cannot decode|tx parse error|no body/);
  });

  it('refuses a truncated protobuf', async () => {
    const bytes = encodeTx(await signTx(await options()));
    await expectRefused(bytes.subarray(0, bytes.length - 20), 2, /tx parse error/);
  });

  it('refuses a wrong chain id', async () => {
    await expectRefused(encodeTx(await signTx(await options({ chainId: 'some-other-chain' }))), 4, /signature verification failed.*chain-id \(cybermiles-devnet\)/);
  });

  it('refuses a bad signature', async () => {
    const tx = await signTx(await options());
    const sig = Uint8Array.from(tx.signatures[0] ?? []);
    sig[10] = (sig[10] ?? 0) ^ 0xff;
    await expectRefused(encodeTx({ ...tx, signatures: [sig] }), 4, /signature verification failed/);
  });

  it('refuses a high-S signature', async () => {
    const tx = await signTx(await options());
    await expectRefused(encodeTx({ ...tx, signatures: [toHighS(tx.signatures[0] ?? new Uint8Array())] }), 4, /lower-S/);
  });

  it('refuses a replayed sequence', async () => {
    const opts = await options();
    const first = encodeTx(await signTx(opts));
    await q.broadcastTxSync(first);
    await expect.poll(async () => (await q.getSequence(alice.address)).sequence, { timeout: 20_000 }).toBe(Number(opts.sequence) + 1);
    // The same sequence again, in a different tx (the identical bytes would hit CometBFT's cache).
    await expectRefused(encodeTx(await signTx({ ...opts, memo: 'replay' })), 32, /account sequence mismatch, expected \d+, got \d+/);
  });

  it('refuses insufficient funds', async () => {
    const msg = send(alice.address, bob.address, '999999999999999999');
    await expectRefused(encodeTx(await signTx(await options({ messages: [msg] }))), 5, /spendable balance \d+ucmt is smaller than 999999999999999999ucmt/);
  });

  it('refuses zero, negative and overflowing amounts', async () => {
    for (const [amount, log] of [
      ['0', /not positive/],
      ['-5', /is negative/],
      [(1n << 256n).toString(), /overflows 256 bits/],
    ] as const) {
      const msg = send(alice.address, bob.address, amount);
      await expectRefused(encodeTx(await signTx(await options({ messages: [msg] }))), 10, log);
    }
  });

  it('refuses an unknown message type', async () => {
    const msg = { typeUrl: '/cybermiles.nothing.v1.MsgNothing', value: new Uint8Array([1, 2, 3]) };
    await expectRefused(encodeTx(await signTx(await options({ messages: [msg] }))), 6, /unrecognized message type \/cybermiles.nothing.v1.MsgNothing/);
  });

  it('refuses a signer that is not the owner of the funds', async () => {
    // Alice signs a MsgSend that spends Bob's coins.
    const msg = send(bob.address, alice.address, '100');
    await expectRefused(encodeTx(await signTx(await options({ messages: [msg] }))), 8, /pubKey does not match signer address/);
  });

  it('leaves total supply equal to the sum of balances', async () => {
    const { supply, sum } = await supplyAndBalances(node.rpcUrl);
    expect(sum).toBe(supply);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
