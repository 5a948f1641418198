// Staking end to end: CosmJS' staking messages and query extension against a real devnet node,
// and the validator powers CometBFT reports changing with stake (updates take effect at H+2).
import {
  coin,
  QueryClient,
  setupDistributionExtension,
  setupStakingExtension,
  type DistributionExtension,
  type SigningStargateClient,
  type StakingExtension,
} from '@cosmjs/stargate';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, signingClient, supplyAndBalances, type DevWallet } from './helpers/accounts.js';
import { CLI, startDevnetNode, TestNode } from './helpers/node.js';
import { cometbftConfigPath, patchConfigToml, rpcGet, waitForHeight } from './helpers/cometbft.js';
import { freePorts } from './helpers/ports.js';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromBase64 } from '@cosmjs/encoding';
import { PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import { MsgCreateValidator } from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import { toValoper } from '../src/modules/staking/address.js';
import { parseAddress } from '../src/modules/auth/address.js';
import { showNodeId } from '../src/node/testnet.js';

const run = promisify(execFile);

const CMT = 1_000_000;

interface RpcValidators {
  validators: { address: string; voting_power: string; pub_key: { value: string } }[];
}

describe('staking against a devnet', () => {
  let node: TestNode;
  let alice: DevWallet;
  let client: SigningStargateClient;
  let comet: CometClient;
  let q: QueryClient & StakingExtension & DistributionExtension;
  let valoper: string;

  beforeAll(async () => {
    node = await startDevnetNode();
    alice = await devWallet(0);
    client = await signingClient(node.rpcUrl, alice);
    comet = await connectComet(node.rpcUrl);
    q = QueryClient.withExtensions(comet, setupStakingExtension, setupDistributionExtension);
  });

  let full: TestNode | undefined;
  let fullDir: string | undefined;

  afterAll(async () => {
    client?.disconnect();
    comet?.disconnect();
    await full?.destroy();
    if (fullDir !== undefined) await rm(fullDir, { recursive: true, force: true });
    await node?.destroy();
  });

  const powers = async (height?: number) =>
    (await rpcGet<RpcValidators>(node.rpcUrl, height === undefined ? 'validators' : `validators?height=${height}`)).validators.map((v) => v.voting_power);

  it('starts with the genesis validator InitChain returned, bonded by its operator account', async () => {
    const { validators } = await q.staking.validators('BOND_STATUS_BONDED');
    expect(validators).toHaveLength(1);
    const v = validators[0];
    if (v === undefined) throw new Error('no validator');
    valoper = v.operatorAddress;
    expect(valoper).toMatch(/^cmtvaloper1/);
    expect(v.tokens).toBe(String(10 * CMT));
    expect(v.consensusPubkey?.typeUrl).toBe('/cosmos.crypto.ed25519.PubKey');
    expect(await powers()).toEqual(['10']);
    const { pool } = await q.staking.pool();
    expect(pool).toEqual({ bondedTokens: String(10 * CMT), notBondedTokens: '0' });
    const { params } = await q.staking.params();
    expect(params?.bondDenom).toBe(DENOM);
    expect(params?.maxValidators).toBe(19);
    expect(params?.unbondingTime?.seconds).toBe(60n);
  });

  it('delegateTokens raises the power CometBFT reports, from H+2', async () => {
    const res = await client.delegateTokens(alice.address, valoper, coin(5 * CMT, DENOM), 'auto');
    expect(res.code).toBe(0);
    const d = await q.staking.delegation(alice.address, valoper);
    expect(d.delegationResponse?.balance).toEqual(coin(5 * CMT, DENOM));
    // Updates returned at height H apply to the set of H+2.
    await waitForHeight(node.rpcUrl, res.height + 2, 30_000);
    expect(await powers(res.height + 1)).toEqual(['10']);
    expect(await powers(res.height + 2)).toEqual(['15']);
    const dels = await q.staking.validatorDelegations(valoper);
    expect(dels.delegationResponses.map((r) => r.delegation.delegatorAddress)).toContain(alice.address);
    expect((await q.staking.delegatorDelegations(alice.address)).delegationResponses).toHaveLength(1);
    expect((await q.staking.delegatorValidators(alice.address)).validators.map((v) => v.operatorAddress)).toEqual([valoper]);
    expect((await q.staking.delegatorValidator(alice.address, valoper)).validator?.operatorAddress).toBe(valoper);
  });

  it('block awards accrue to the delegation; withdrawRewards pays them (distribution extension)', async () => {
    await waitForHeight(node.rpcUrl, (await node.height()) + 2, 30_000);
    const pending = await q.distribution.delegationRewards(alice.address, valoper);
    const atomics = BigInt(pending.rewards[0]?.amount ?? '0');
    expect(atomics).toBeGreaterThan(0n);
    expect((await q.distribution.delegationTotalRewards(alice.address)).rewards.map((r) => r.validatorAddress)).toEqual([valoper]);
    expect((await q.distribution.delegatorValidators(alice.address)).validators).toEqual([valoper]);
    expect((await q.distribution.delegatorWithdrawAddress(alice.address)).withdrawAddress).toBe(alice.address);
    expect(BigInt((await q.distribution.validatorCommission(valoper)).commission?.commission[0]?.amount ?? '0')).toBeGreaterThan(0n);
    const before = BigInt((await client.getBalance(alice.address, DENOM)).amount);
    const res = await client.withdrawRewards(alice.address, valoper, 'auto');
    expect(res.code).toBe(0);
    const after = BigInt((await client.getBalance(alice.address, DENOM)).amount);
    // Zero-fee tx (free quota): the balance grows by at least what was pending before.
    expect(after - before).toBeGreaterThanOrEqual(atomics / 10n ** 18n);
  });

  it('undelegateTokens starts an unbonding entry and lowers the power', async () => {
    const res = await client.undelegateTokens(alice.address, valoper, coin(2 * CMT, DENOM), 'auto');
    expect(res.code).toBe(0);
    const ubd = await q.staking.unbondingDelegation(alice.address, valoper);
    expect(ubd.unbond?.entries.map((e) => e.balance)).toEqual([String(2 * CMT)]);
    expect((await q.staking.delegatorUnbondingDelegations(alice.address)).unbondingResponses).toHaveLength(1);
    expect((await q.staking.validatorUnbondingDelegations(valoper)).unbondingResponses).toHaveLength(1);
    expect((await q.staking.pool()).pool).toEqual({ bondedTokens: String(13 * CMT), notBondedTokens: String(2 * CMT) });
    await waitForHeight(node.rpcUrl, res.height + 2, 30_000);
    expect(await powers(res.height + 2)).toEqual(['13']);
    expect((await q.staking.redelegations(alice.address, '', '')).redelegationResponses).toEqual([]);
    await expect(q.staking.historicalInfo(1)).rejects.toThrow();
    const { supply, sum } = await supplyAndBalances(node.rpcUrl);
    expect(sum).toBe(supply);
  });

  it('a full node that joined the devnet becomes a validator by MsgCreateValidator', async () => {
    // A non-validator node: its own home, the devnet's genesis, the devnet node as its peer.
    fullDir = await mkdtemp(join(tmpdir(), 'cybermiles-full-'));
    const home = join(fullDir, 'full');
    const [rpc = 0, p2p = 0, abci = 0] = await freePorts(3);
    await run(process.execPath, [CLI, 'init', '--home', home, '--chain-id', 'cybermiles-devnet', '--moniker', 'full', '--rpc-port', String(rpc), '--p2p-port', String(p2p), '--abci-port', String(abci)]);
    await copyFile(join(node.home, 'config', 'genesis.json'), join(home, 'config', 'genesis.json'));
    const peer = `${await showNodeId(node.home)}@127.0.0.1:${node.ports.p2p}`;
    await patchConfigToml(cometbftConfigPath(home), { p2p: { persistent_peers: peer } });
    full = new TestNode(home, { rpc, p2p, abci }, 'start');
    const target = (await node.height()) + 1;
    await full.start({ waitForHeight: target, timeoutMs: 90_000 });

    const key = JSON.parse(await readFile(join(home, 'config', 'priv_validator_key.json'), 'utf8')) as { address: string; pub_key: { value: string } };
    const bob = await devWallet(3);
    const bobClient = await signingClient(node.rpcUrl, bob);
    const msg = {
      typeUrl: '/cosmos.staking.v1beta1.MsgCreateValidator',
      value: MsgCreateValidator.fromPartial({
        description: { moniker: 'joined' },
        commission: { rate: '100000000000000000', maxRate: '200000000000000000', maxChangeRate: '10000000000000000' },
        minSelfDelegation: '1',
        validatorAddress: toValoper(parseAddress(bob.address)),
        pubkey: { typeUrl: '/cosmos.crypto.ed25519.PubKey', value: PubKey.encode({ key: fromBase64(key.pub_key.value) }).finish() },
        value: coin(4 * CMT, DENOM),
      }),
    };
    const res = await bobClient.signAndBroadcast(bob.address, [msg], 'auto');
    bobClient.disconnect();
    expect(res.code).toBe(0);
    await waitForHeight(full.rpcUrl, res.height + 3, 60_000);
    const set = (await rpcGet<RpcValidators>(node.rpcUrl, `validators?height=${res.height + 2}`)).validators;
    expect(set.map((v) => [v.address, v.voting_power]).sort()).toEqual([[key.address, '4'], [set.find((v) => v.address !== key.address)?.address ?? '', '13']].sort());
    // The joined node knows it validates, and its signature is in a later commit.
    const status = await rpcGet<{ validator_info: { voting_power: string } }>(full.rpcUrl, 'status');
    expect(status.validator_info.voting_power).toBe('4');
    // (The old validator alone has more than 2/3, so a commit may go without the new one's vote.)
    let signed = false;
    for (let h = res.height + 3; h <= res.height + 12 && !signed; h++) {
      await waitForHeight(node.rpcUrl, h + 1, 30_000);
      const commit = await rpcGet<{ signed_header: { commit: { signatures: { validator_address: string }[] } } }>(node.rpcUrl, `commit?height=${h}`);
      signed = commit.signed_header.commit.signatures.some((x) => x.validator_address === key.address);
    }
    expect(signed).toBe(true);
    expect((await q.staking.validators('BOND_STATUS_BONDED')).validators).toHaveLength(2);
  });
});
