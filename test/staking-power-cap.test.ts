// The 12% voting-power cap against real CometBFT: nine validators (the fewest for which a 12% cap
// can hold), one of them given six times the others' stake by a delegation. Its stake grows,
// its power in CometBFT's set does not pass 12% of the total, and the chain keeps committing.
import { coin, QueryClient, setupStakingExtension, type SigningStargateClient, type StakingExtension } from '@cosmjs/stargate';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { toBase64 } from '@cosmjs/encoding';
import { PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, signingClient, type DevWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { PLENTY_OF_FREE_TXS, TestNetwork } from './helpers/testnet.js';
import { GENESIS_VALIDATOR_POWER } from '../src/node/testnet.js';

const CMT = 1_000_000n;
const VALIDATORS = 9;

interface RpcValidators {
  validators: { address: string; voting_power: string; pub_key: { value: string } }[];
  total: string;
}

describe('the 12% power cap on a 9-validator testnet', () => {
  let net: TestNetwork;
  let alice: DevWallet;
  let client: SigningStargateClient;
  let comet: CometClient;
  let q: QueryClient & StakingExtension;

  beforeAll(async () => {
    net = await TestNetwork.create({ validators: VALIDATORS, blockInterval: '500ms', appStatePatch: PLENTY_OF_FREE_TXS });
    try {
      await net.start(undefined, 150_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${net.logTails()}`);
    }
    alice = await devWallet(0);
    client = await signingClient(net.node(0).rpcUrl, alice);
    comet = await connectComet(net.node(0).rpcUrl);
    q = QueryClient.withExtensions(comet, setupStakingExtension);
  });

  afterAll(async () => {
    client?.disconnect();
    comet?.disconnect();
    await net?.destroy();
  });

  const setAt = async (height: number): Promise<Map<string, bigint>> => {
    const res = await rpcGet<RpcValidators>(net.node(0).rpcUrl, `validators?height=${height}&per_page=100`);
    return new Map(res.validators.map((v) => [v.pub_key.value, BigInt(v.voting_power)]));
  };

  it('caps a validator holding 6 of 14 shares of stake at 12% of the power, from H+2', async () => {
    const { validators } = await q.staking.validators('BOND_STATUS_BONDED');
    expect(validators).toHaveLength(VALIDATORS);
    const target = validators[0];
    if (target === undefined) throw new Error('no validator');
    const targetKey = toBase64(PubKey.decode(target.consensusPubkey?.value ?? new Uint8Array()).key);
    const before = await setAt(await net.node(0).height());
    expect([...before.values()]).toEqual(Array.from({ length: VALIDATORS }, () => BigInt(GENESIS_VALIDATOR_POWER)));
    expect(before.has(targetKey)).toBe(true);

    // 50 CMT more: 60 of 140 CMT bonded (43% of the stake), self-bond still above 10%.
    const extra = 5n * BigInt(GENESIS_VALIDATOR_POWER) * CMT;
    const res = await client.delegateTokens(alice.address, target.operatorAddress, coin(extra.toString(), DENOM), 'auto');
    expect(res.code).toBe(0);
    const after = await q.staking.validator(target.operatorAddress);
    expect(BigInt(after.validator.tokens)).toBe(BigInt(GENESIS_VALIDATOR_POWER) * CMT + extra);

    await net.waitForHeight(res.height + 3, { nodes: [0], timeoutMs: 60_000 });
    const set = await setAt(res.height + 2);
    const total = [...set.values()].reduce((a, b) => a + b, 0n);
    const power = set.get(targetKey) ?? 0n;
    // Uncapped, its power would be 60 of 140. Capped: at most 12% of the total, and not below
    // anyone else's (the cap levels it, it never reorders).
    expect(power * 10_000n).toBeLessThanOrEqual(1_200n * total);
    for (const [key, p] of set) if (key !== targetKey) expect(power).toBeGreaterThanOrEqual(p);
    expect(set.size).toBe(VALIDATORS);
    // The stake is not capped: the validator and its delegator keep every token.
    const d = await q.staking.delegation(alice.address, target.operatorAddress);
    expect(d.delegationResponse?.balance).toEqual(coin(extra.toString(), DENOM));
    // And the chain goes on with the capped set.
    await net.advance(3, { nodes: [0, 4, 8], timeoutMs: 60_000 });
    await net.expectAgreement();
  });
});
