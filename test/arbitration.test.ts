// Arbitration end to end through the typed client: disputes, draws, acceptance (explicit and by
// silence), encrypted evidence, each ruling with every balance to the last ucmt, a rejected
// arbiter and the redraw, an arbiter who misses the deadline, and bad input that moves nothing.
import { Secp256k1, Slip10, Slip10Curve, stringToPath, Bip39, EnglishMnemonic } from '@cosmjs/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxError } from '../src/client/client.js';
import { decryptEvidence, encryptEvidence } from '../src/client/evidence-crypto.js';
import { DEVNET_MNEMONIC } from '../src/cli/devnet-accounts.js';
import { ArbiterStatus, CaseStatus, Outcome } from '../src/generated/cybermiles/arbitration/v1/arbitration.js';
import { OrderStatus } from '../src/generated/cybermiles/escrow/v1/escrow.js';
import { ARBITRATION_ACCOUNT, balance, chainTime, ESCROW_ACCOUNT, party, SHORT_WINDOWS, type Party } from './helpers/escrow.js';
import { startDevnetNode, type TestNode } from './helpers/node.js';

const PRICE = 1_000_000n;
const DEPOSIT = 100_000n;
const BOND = 5_000_000n;

describe('arbitration', () => {
  let node: TestNode;
  let buyer: Party;
  let seller: Party;
  let stranger: Party;
  let arbiters: Party[];

  beforeAll(async () => {
    // No inflation: a test below counts the supply exactly across blocks.
    node = await startDevnetNode({ appStatePatch: { ...SHORT_WINDOWS, distribution: { params: { inflationBps: 0, backupShareBps: 1000 } } } });
    [buyer, seller, stranger] = await Promise.all([party(node.rpcUrl, 0), party(node.rpcUrl, 1), party(node.rpcUrl, 2)]);
    arbiters = await Promise.all([5, 6, 7].map((i) => party(node.rpcUrl, i)));
    for (const a of arbiters) await a.client.registerArbiter(a.address, BOND, { uri: 'https://example.org/terms' });
  });

  afterAll(async () => {
    for (const p of [buyer, seller, stranger, ...(arbiters ?? [])]) p?.client.disconnect();
    await node?.destroy();
  });

  const arbiterParty = (address: string): Party => {
    const a = arbiters.find((p) => p.address === address);
    if (a === undefined) throw new Error(`${address} is not one of the test's arbiters`);
    return a;
  };

  async function disputedOrder(): Promise<{ orderId: bigint; caseId: bigint; arbiter: string }> {
    const now = await chainTime(buyer.client);
    const { orderId } = await buyer.client.createOrder(buyer.address, {
      seller: seller.address,
      price: PRICE,
      deposit: DEPOSIT,
      deliveryDeadline: now + 120n,
      disputeWindowSeconds: 60n,
    });
    await seller.client.acceptOrder(seller.address, orderId, DEPOSIT);
    await seller.client.shipOrder(seller.address, orderId);
    const { caseId, arbiter } = await buyer.client.raiseDispute(buyer.address, orderId, 'the item never arrived');
    return { orderId, caseId, arbiter };
  }

  async function acceptArbiter(caseId: bigint): Promise<void> {
    await buyer.client.respondToArbiter(buyer.address, caseId, true);
    await seller.client.respondToArbiter(seller.address, caseId, true);
    expect((await buyer.client.query.arbitration.case(caseId)).case?.status).toBe(CaseStatus.CASE_STATUS_ACTIVE);
  }

  const amounts = (addresses: readonly string[]) => Promise.all(addresses.map((a) => balance(buyer.client, a)));

  it('lists the pool', async () => {
    const { arbiters: pool } = await buyer.client.query.arbitration.arbiters();
    expect(pool.map((a) => a.address).sort()).toEqual(arbiters.map((a) => a.address).sort());
    expect(pool.every((a) => a.status === ArbiterStatus.ARBITER_STATUS_ACTIVE && a.bond === BOND.toString())).toBe(true);
    expect(await balance(buyer.client, ARBITRATION_ACCOUNT)).toBe(3n * BOND);
  });

  it('draws an arbiter who sees encrypted evidence and rules for the buyer: the seller\'s deposit pays it', async () => {
    // The slow part (PBKDF2) before the dispute, not inside its acceptance window.
    const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(DEVNET_MNEMONIC));
    const { orderId, caseId, arbiter } = await disputedOrder();
    expect([buyer.address, seller.address]).not.toContain(arbiter);
    const a = arbiterParty(arbiter);

    // Evidence sealed to the arbiter's account key; only the arbiter can open it.
    const pubkey = (await buyer.client.signing.getAccount(arbiter))?.pubkey;
    const arbiterPub = Buffer.from(String(pubkey?.value), 'base64');
    const secret = new TextEncoder().encode('photo of the empty parcel, courier reference 123');
    await buyer.client.submitEvidence(buyer.address, orderId, { uri: 'ipfs://evidence-1', payload: encryptEvidence(arbiterPub, secret) });
    const { evidence } = await a.client.query.escrow.order(orderId);
    expect(evidence).toHaveLength(1);
    const priv = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(`m/44'/118'/0'/0/${a.wallet.index}`)).privkey;
    expect(Buffer.from(Secp256k1.compressPubkey((await Secp256k1.makeKeypair(priv)).pubkey))).toEqual(arbiterPub);
    expect(new TextDecoder().decode(decryptEvidence(priv, evidence[0]?.payload ?? new Uint8Array()))).toBe('photo of the empty parcel, courier reference 123');

    await acceptArbiter(caseId);
    const [b0, s0, a0, e0] = await amounts([buyer.address, seller.address, arbiter, ESCROW_ACCOUNT]);
    await a.client.rule(arbiter, caseId, Outcome.OUTCOME_BUYER_WINS);
    expect(await amounts([buyer.address, seller.address, arbiter, ESCROW_ACCOUNT])).toEqual([
      (b0 ?? 0n) + PRICE + DEPOSIT,
      s0,
      (a0 ?? 0n) + DEPOSIT,
      (e0 ?? 0n) - PRICE - 2n * DEPOSIT,
    ]);
    expect((await buyer.client.query.escrow.order(orderId)).order?.status).toBe(OrderStatus.ORDER_STATUS_RESOLVED);
    const c = (await buyer.client.query.arbitration.case(caseId)).case;
    expect(c?.status).toBe(CaseStatus.CASE_STATUS_RULED);
    expect(c?.ruling).toMatchObject({ outcome: Outcome.OUTCOME_BUYER_WINS, sellerAmount: '0', buyerFee: '0', sellerFee: DEPOSIT.toString() });
    expect((await buyer.client.query.arbitration.arbiter(arbiter)).arbiter).toMatchObject({ openCases: 0n, ruledCases: 1n });
    // The ruling is final.
    await expect(a.client.rule(arbiter, caseId, Outcome.OUTCOME_SELLER_WINS)).rejects.toMatchObject({ code: 7 });
  });

  it('rules for the seller: the buyer\'s deposit pays the arbiter', async () => {
    const { caseId, arbiter } = await disputedOrder();
    await acceptArbiter(caseId);
    const [b0, s0, a0] = await amounts([buyer.address, seller.address, arbiter]);
    await arbiterParty(arbiter).client.rule(arbiter, caseId, Outcome.OUTCOME_SELLER_WINS);
    expect(await amounts([buyer.address, seller.address, arbiter])).toEqual([b0, (s0 ?? 0n) + PRICE + DEPOSIT, (a0 ?? 0n) + DEPOSIT]);
  });

  it('splits the price; each side pays the arbiter in proportion to what it lost', async () => {
    const { caseId, arbiter } = await disputedOrder();
    await acceptArbiter(caseId);
    const [b0, s0, a0] = await amounts([buyer.address, seller.address, arbiter]);
    // The seller gets 300,000 of 1,000,000: the buyer lost 30% and pays 30% of a deposit.
    await arbiterParty(arbiter).client.rule(arbiter, caseId, Outcome.OUTCOME_SPLIT, 300_000n);
    const buyerFee = (DEPOSIT * 300_000n) / PRICE;
    const sellerFee = DEPOSIT - buyerFee;
    expect(await amounts([buyer.address, seller.address, arbiter])).toEqual([
      (b0 ?? 0n) + 700_000n + DEPOSIT - buyerFee,
      (s0 ?? 0n) + 300_000n + DEPOSIT - sellerFee,
      (a0 ?? 0n) + DEPOSIT,
    ]);
  });

  it('redraws after a rejection, and refuses a rejection past the limit', async () => {
    const { caseId, arbiter: first } = await disputedOrder();
    const second = await buyer.client.respondToArbiter(buyer.address, caseId, false);
    expect(second).not.toBe(first);
    expect([buyer.address, seller.address, first]).not.toContain(second);
    const c = (await buyer.client.query.arbitration.case(caseId)).case;
    expect(c).toMatchObject({ arbiter: second, draws: 2, buyerRejections: 1, excluded: [first], status: CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE });
    await expect(buyer.client.respondToArbiter(buyer.address, caseId, false)).rejects.toMatchObject({ code: 10 });
    await acceptArbiter(caseId);
    await arbiterParty(second).client.rule(second, caseId, Outcome.OUTCOME_SELLER_WINS);
  });

  it('counts silence past the acceptance deadline as acceptance', async () => {
    const { caseId, arbiter } = await disputedOrder();
    await expect
      .poll(async () => (await buyer.client.query.arbitration.case(caseId)).case?.status, { timeout: 30_000, interval: 500 })
      .toBe(CaseStatus.CASE_STATUS_ACTIVE);
    await arbiterParty(arbiter).client.rule(arbiter, caseId, Outcome.OUTCOME_BUYER_WINS);
  });

  it('penalises an arbiter who misses the ruling deadline and hands the case to another', async () => {
    const { caseId, arbiter: late } = await disputedOrder();
    await acceptArbiter(caseId);
    const before = (await buyer.client.query.arbitration.arbiter(late)).arbiter;
    const supply0 = BigInt((await buyer.client.query.bank.supplyOf('ucmt')).amount);
    await expect
      .poll(async () => (await buyer.client.query.arbitration.case(caseId)).case?.draws, { timeout: 30_000, interval: 500 })
      .toBe(2);
    const after = (await buyer.client.query.arbitration.arbiter(late)).arbiter;
    const penalty = (BigInt(before?.bond ?? '0') * 1000n) / 10_000n;
    expect(after).toMatchObject({ bond: (BigInt(before?.bond ?? '0') - penalty).toString(), missedDeadlines: 1n, openCases: 0n });
    expect(BigInt((await buyer.client.query.bank.supplyOf('ucmt')).amount)).toBe(supply0 - penalty);
    const c = (await buyer.client.query.arbitration.case(caseId)).case;
    expect(c?.arbiter).not.toBe(late);
    expect(c?.excluded).toContain(late);
    expect(c?.status).toBe(CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE);
    const replacement = c?.arbiter ?? '';
    await acceptArbiter(caseId);
    await arbiterParty(replacement).client.rule(replacement, caseId, Outcome.OUTCOME_SELLER_WINS);
  });

  it('refuses bad input with clear codes and moves nothing', async () => {
    const everyone = [buyer.address, seller.address, stranger.address, ESCROW_ACCOUNT, ARBITRATION_ACCOUNT];
    const before = await amounts(everyone);
    const now = await chainTime(buyer.client);
    const terms = { seller: seller.address, price: PRICE, deposit: DEPOSIT, deliveryDeadline: now + 120n, disputeWindowSeconds: 60n };
    const expectCode = async (p: Promise<unknown>, code: number, log: RegExp) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TxError);
      expect((err as TxError).code).toBe(code);
      expect((err as TxError).log).toMatch(log);
    };
    await expectCode(buyer.client.confirmReceipt(buyer.address, 999_999n), 2, /order 999999 does not exist/);
    await expectCode(buyer.client.createOrder(buyer.address, { ...terms, deposit: 1n }), 5, /below 100000ucmt/);
    await expectCode(buyer.client.createOrder(buyer.address, { ...terms, price: 10n ** 15n, deposit: 10n ** 14n }), 5, /insufficient funds|smaller than/);
    await expectCode(buyer.client.createOrder(buyer.address, { ...terms, seller: buyer.address }), 9, /buyer and seller/);
    expect(await amounts(everyone)).toEqual(before);

    const { orderId } = await buyer.client.createOrder(buyer.address, terms);
    const afterOpen = await amounts(everyone);
    await expectCode(stranger.client.acceptOrder(stranger.address, orderId, DEPOSIT), 4, /only the seller/);
    await expectCode(seller.client.acceptOrder(seller.address, orderId, DEPOSIT + 1n), 6, /asks a deposit of 100000ucmt/);
    await expectCode(buyer.client.confirmReceipt(buyer.address, orderId), 3, /is open; confirm receipt needs shipped/);
    await expectCode(stranger.client.raiseDispute(stranger.address, orderId, 'not mine'), 4, /neither the buyer nor the seller/);
    expect(await amounts(everyone)).toEqual(afterOpen);

    await seller.client.acceptOrder(seller.address, orderId, DEPOSIT);
    await expectCode(seller.client.acceptOrder(seller.address, orderId, DEPOSIT), 3, /is accepted; accept needs open/);
    const { caseId, arbiter } = await buyer.client.raiseDispute(buyer.address, orderId, 'wrong colour');
    await buyer.client.respondToArbiter(buyer.address, caseId, true);
    const mid = await amounts([...everyone, arbiter]);
    await expectCode(buyer.client.respondToArbiter(buyer.address, caseId, true), 13, /already accepted/);
    await expectCode(stranger.client.respondToArbiter(stranger.address, caseId, true), 8, /neither the buyer nor the seller/);
    await expectCode(stranger.client.rule(stranger.address, caseId, Outcome.OUTCOME_BUYER_WINS), 9, /may rule on case/);
    const a = arbiterParty(arbiter);
    await expectCode(a.client.rule(arbiter, caseId, Outcome.OUTCOME_BUYER_WINS), 7, /not active/);
    await expectCode(a.client.unbondArbiter(arbiter), 4, /open case/);
    await seller.client.respondToArbiter(seller.address, caseId, true);
    await expectCode(a.client.rule(arbiter, caseId, Outcome.OUTCOME_SPLIT, PRICE), 11, /strictly between 0 and the price/);
    expect(await amounts([...everyone, arbiter])).toEqual(mid);
    await a.client.rule(arbiter, caseId, Outcome.OUTCOME_SPLIT, PRICE / 2n);
  });

  it('returns an arbiter\'s bond after the unbonding delay, and keeps the accounts exact', async () => {
    const leaver = arbiters[2] as Party;
    const bond = BigInt((await leaver.client.query.arbitration.arbiter(leaver.address)).arbiter?.bond ?? '0');
    const b0 = await balance(leaver.client, leaver.address);
    await leaver.client.unbondArbiter(leaver.address);
    await expect.poll(() => balance(leaver.client, leaver.address), { timeout: 30_000, interval: 500 }).toBe(b0 + bond);
    await expect(leaver.client.query.arbitration.arbiter(leaver.address)).rejects.toThrow(/not a registered arbiter/);

    let bonds = 0n;
    for (const p of (await buyer.client.query.arbitration.arbiters()).arbiters) bonds += BigInt(p.bond);
    expect(await balance(buyer.client, ARBITRATION_ACCOUNT)).toBe(bonds);
    expect(node.logTail(10_000_000)).not.toContain('invariant broken');
  });
});
