// Double signing, end to end on a 4-validator testnet: duplicate-vote evidence forged with
// validator 3's own key (two conflicting prevotes at a past height H) and sent with
// broadcast_evidence is committed in a block; the app jails and tombstones validator 3, CometBFT
// drops it from the set while the other three go on, and exactly the double-sign slash fraction
// (5%, floored) is burned from its tokens, its delegators' stake and an unbonding entry created
// after H. Evidence for another height then slashes nothing more (tombstoned).
// Inflation is off in this genesis so that the supply moves only by the burn.
import { toBech32 } from '@cosmjs/encoding';
import {
  coin,
  QueryClient,
  setupBankExtension,
  setupDistributionExtension,
  type DistributionExtension,
  setupSlashingExtension,
  setupStakingExtension,
  type SigningStargateClient,
  type BankExtension,
  type StakingExtension,
} from '@cosmjs/stargate';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALCONS_PREFIX } from '../src/modules/staking/address.js';
import { DENOM, devWallet, signingClient, type DevWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { broadcastEvidence, forgeDuplicateVoteEvidence, readValidatorKey, submitDoubleSign, validatorSetAt, verifyCommitSignatures, type ForgedEvidence, type ValidatorKey } from './helpers/evidence.js';
import { TestNetwork } from './helpers/testnet.js';

const CMT = 1_000_000n;
const ACCUSED = 3;
const OTHERS = [0, 1, 2] as const;
/** Default slash_fraction_double_sign: 5%. */
const slash = (amount: bigint): bigint => (amount * 5n) / 100n;

interface RpcBlock {
  block: {
    header: { height: string };
    evidence: { evidence: { type: string; value: { vote_a: { validator_address: string; height: string; signature: string } } }[] };
  };
}
interface RpcCommit {
  signed_header: { commit: { signatures: { block_id_flag: number; validator_address: string }[] } };
}

/** Not exported from @cosmjs/stargate's index. */
type SlashingExtension = ReturnType<typeof setupSlashingExtension>;

const hexAddress = (k: ValidatorKey): string => Buffer.from(k.address).toString('hex').toUpperCase();

describe('double signing on a 4-validator testnet', () => {
  let net: TestNetwork;
  let comet: CometClient;
  let q: QueryClient & BankExtension & DistributionExtension & StakingExtension & SlashingExtension;
  let delegator: DevWallet;
  let client: SigningStargateClient;
  let key: ValidatorKey;
  let valoper: string;
  let valcons: string;
  let rpcUrl: string;
  /** The infraction height, and the block that carries its evidence. */
  let infraction = 0;
  let evidenceHeight = 0;

  /** Everything the slash should touch, read at the latest height. */
  interface Snapshot {
    tokens: bigint;
    delegation: bigint;
    ubdBalance: bigint;
    ubdInitial: bigint;
    supply: bigint;
  }
  let before: Snapshot;
  let afterFirst: Snapshot;

  async function snapshot(): Promise<Snapshot> {
    const v = (await q.staking.validator(valoper)).validator;
    const d = await q.staking.delegation(delegator.address, valoper);
    const u = (await q.staking.unbondingDelegation(delegator.address, valoper)).unbond?.entries[0];
    const supply = BigInt((await q.bank.supplyOf(DENOM)).amount);
    return {
      tokens: BigInt(v.tokens),
      delegation: BigInt(d.delegationResponse?.balance?.amount ?? '-1'),
      ubdBalance: BigInt(u?.balance ?? '-1'),
      ubdInitial: BigInt(u?.initialBalance ?? '-1'),
      supply,
    };
  }

  /** Polls blocks from `from` on until one carries this evidence; returns its height. */
  async function waitForEvidenceInBlock(from: number, ev: ForgedEvidence, timeoutMs = 60_000): Promise<number> {
    const address = Buffer.from(ev.voteA.validatorAddress).toString('hex').toUpperCase();
    const height = Number(ev.voteA.height);
    const signature = Buffer.from(ev.voteA.signature).toString('base64');
    const deadline = Date.now() + timeoutMs;
    for (let h = from; Date.now() < deadline; h++) {
      await net.waitForHeight(h, { nodes: [0], timeoutMs: Math.max(1, deadline - Date.now()) });
      const b = await rpcGet<RpcBlock>(rpcUrl, 'block', { height: String(h) });
      const found = b.block.evidence.evidence.some(
        (e) =>
          e.type === 'tendermint/DuplicateVoteEvidence' &&
          e.value.vote_a.validator_address === address &&
          Number(e.value.vote_a.height) === height &&
          e.value.vote_a.signature === signature,
      );
      if (found) return h;
    }
    throw new Error(`no block from ${from} carried the evidence against ${address} at ${height} within ${timeoutMs} ms`);
  }

  beforeAll(async () => {
    net = await TestNetwork.create({
      validators: 4,
      blockInterval: '200ms',
      appStatePatch: {
        distribution: { params: { inflationBps: 0, backupShareBps: 1000 } },
        // Long enough that the unbonding entry is still there when the evidence lands.
        staking: { params: { unbondingTimeSeconds: '3600' } },
      },
    });
    try {
      await net.start();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${net.logTails()}`);
    }
    rpcUrl = net.node(0).rpcUrl;
    comet = await connectComet(rpcUrl);
    q = QueryClient.withExtensions(comet, setupBankExtension, setupDistributionExtension, setupStakingExtension, setupSlashingExtension);
    delegator = await devWallet(5);
    client = await signingClient(rpcUrl, delegator);
    key = await readValidatorKey(net.node(ACCUSED).home);
    valcons = toBech32(VALCONS_PREFIX, key.address);
    // Validator 3's operator: the bonded validator whose consensus key is node 3's.
    const { validators } = await q.staking.validators('BOND_STATUS_BONDED');
    const mine = validators.find((v) => v.consensusPubkey !== undefined && Buffer.from(PubKey.decode(v.consensusPubkey.value).key).equals(key.pubKey));
    if (mine === undefined) throw new Error(`no bonded validator has node ${ACCUSED}'s consensus key`);
    valoper = mine.operatorAddress;
  });

  afterAll(async () => {
    client?.disconnect();
    comet?.disconnect();
    await net?.destroy();
  });

  it('self-check: every precommit of a real commit verifies over our vote sign bytes', async () => {
    await net.waitForHeight(3);
    expect(await verifyCommitSignatures(rpcUrl, net.chainId, 2)).toBeGreaterThanOrEqual(3);
  });

  it('a delegation to validator 3; the infraction height H; then an unbonding entry created after H', async () => {
    expect((await q.staking.validator(valoper)).validator.tokens).toBe(String(10n * CMT));
    const res = await client.delegateTokens(delegator.address, valoper, coin(String(4n * CMT), DENOM), 'auto');
    expect(res.code).toBe(0);
    // The delegation counts in CometBFT's set from res.height + 2; H is a committed height after that.
    await net.waitForHeight(res.height + 4, { nodes: [0], timeoutMs: 30_000 });
    infraction = res.height + 3;
    const setAtH = await validatorSetAt(rpcUrl, infraction);
    expect(setAtH.find((v) => v.address === hexAddress(key))?.voting_power).toBe('14');

    const un = await client.undelegateTokens(delegator.address, valoper, coin(String(1n * CMT), DENOM), 'auto');
    expect(un.code).toBe(0);
    expect(un.height).toBeGreaterThan(infraction);
    const entry = (await q.staking.unbondingDelegation(delegator.address, valoper)).unbond?.entries[0];
    expect(entry?.creationHeight).toBe(BigInt(un.height));
    before = await snapshot();
    expect(before).toMatchObject({ tokens: 13n * CMT, delegation: 3n * CMT, ubdBalance: 1n * CMT, ubdInitial: 1n * CMT });
  });

  it('CometBFT refuses the evidence when its time, powers or a signature are not those of height H', async () => {
    const good = await forgeDuplicateVoteEvidence({ rpcUrl, chainId: net.chainId, key, height: infraction });
    const t = good.timestamp;
    await expect(broadcastEvidence(rpcUrl, { ...good, timestamp: { ...t, nanos: (t.nanos + 1) % 1e9 } })).rejects.toThrow(/different time/);
    await expect(broadcastEvidence(rpcUrl, { ...good, validatorPower: good.validatorPower + 1n })).rejects.toThrow(/validator power/);
    await expect(broadcastEvidence(rpcUrl, { ...good, totalVotingPower: good.totalVotingPower - 1n })).rejects.toThrow(/total voting power/);
    const sig = Uint8Array.from(good.voteB.signature);
    sig[0] = (sig[0] ?? 0) ^ 1;
    await expect(broadcastEvidence(rpcUrl, { ...good, voteB: { ...good.voteB, signature: sig } })).rejects.toThrow(/VoteB/);
    await expect(broadcastEvidence(rpcUrl, { ...good, voteA: good.voteB, voteB: good.voteA })).rejects.toThrow(/invalid order/);
  });

  it('duplicate-vote evidence against validator 3 at H, sent with broadcast_evidence, is committed in a block', async () => {
    const from = await net.node(0).height();
    const { hash, evidence } = await submitDoubleSign({ rpcUrl, chainId: net.chainId, key, height: infraction });
    expect(hash).toMatch(/^[0-9A-F]{64}$/);
    expect(evidence.validatorPower).toBe(14n);
    expect(evidence.totalVotingPower).toBe(44n);
    evidenceHeight = await waitForEvidenceInBlock(from, evidence);
    // Every node has the same block (the evidence went through consensus).
    await net.waitForHeight(evidenceHeight + 1, { timeoutMs: 30_000 });
    await net.expectAgreement();
  });

  it('the app jails and tombstones validator 3', async () => {
    await net.waitForHeight(evidenceHeight + 1, { nodes: [0], timeoutMs: 30_000 });
    expect((await q.staking.validator(valoper)).validator.jailed).toBe(true);
    const info = (await q.slashing.signingInfo(valcons)).valSigningInfo;
    expect(info.address).toBe(valcons);
    expect(info.tombstoned).toBe(true);
  });

  it('CometBFT drops validator 3 from its set; the other three go on producing blocks', async () => {
    // Updates returned in block E apply to the set of E + 2.
    await net.waitForHeight(evidenceHeight + 2, { nodes: [0], timeoutMs: 30_000 });
    const setAfter = await validatorSetAt(rpcUrl, evidenceHeight + 2);
    expect(setAfter.map((v) => v.address)).not.toContain(hexAddress(key));
    expect(setAfter).toHaveLength(3);
    const top = await net.advance(3, { nodes: [...OTHERS], timeoutMs: 30_000 });
    const commit = await rpcGet<RpcCommit>(rpcUrl, 'commit', { height: String(top - 1) });
    const signers = commit.signed_header.commit.signatures.filter((s) => s.block_id_flag === 2).map((s) => s.validator_address);
    expect(signers).not.toContain(hexAddress(key));
    expect(signers.length).toBeGreaterThanOrEqual(3);
    expect((await rpcGet<{ validators: { address: string }[] }>(rpcUrl, 'validators')).validators.map((v) => v.address)).not.toContain(hexAddress(key));
  });

  it('exactly 5% is burned from the validator tokens, the delegation and the later unbonding entry', async () => {
    await net.waitForHeight(evidenceHeight + 1, { nodes: [0], timeoutMs: 30_000 });
    afterFirst = await snapshot();
    expect(afterFirst.tokens).toBe(before.tokens - slash(before.tokens)); // 13 CMT → 12.35
    expect(afterFirst.delegation).toBe(before.delegation - slash(before.delegation)); // 3 CMT → 2.85
    expect(afterFirst.ubdInitial).toBe(before.ubdInitial);
    expect(afterFirst.ubdBalance).toBe(before.ubdBalance - slash(before.ubdInitial)); // 1 CMT → 0.95
    const burned = before.tokens - afterFirst.tokens + (before.ubdBalance - afterFirst.ubdBalance);
    expect(burned).toBe(700_000n); // 5% of the 14 CMT validator 3 had at H
    expect(before.supply - afterFirst.supply).toBe(burned);
    // CosmJS' distribution extension lists the slash at the evidence block, fraction 5%.
    const { slashes } = await q.distribution.validatorSlashes(valoper, 1, evidenceHeight + 1);
    expect(slashes.map((s) => s.fraction)).toEqual([(5n * 10n ** 16n).toString()]);
  });

  it('evidence for another height is committed too, but a tombstoned validator is not slashed again', async () => {
    const from = await net.node(0).height();
    const second = infraction + 1; // validator 3 was still in the set then
    const { evidence } = await submitDoubleSign({ rpcUrl, chainId: net.chainId, key, height: second });
    const h = await waitForEvidenceInBlock(from, evidence);
    await net.waitForHeight(h + 1, { nodes: [0], timeoutMs: 30_000 });
    const now = await snapshot();
    expect(now).toEqual(afterFirst);
    expect((await q.slashing.signingInfo(valcons)).valSigningInfo.tombstoned).toBe(true);
  });
});
