// Downtime slashing end to end: a 4-validator network with a 10-block signing window; one
// validator's node stops, is jailed after the window (0.01% of its stake burned, out of
// CometBFT's set), comes back, and its operator unjails it with CosmJS' MsgUnjail: it is in the
// set again and signs blocks.
import { fromHex, toBech32 } from '@cosmjs/encoding';
import { Registry } from '@cosmjs/proto-signing';
import { defaultRegistryTypes, GasPrice, QueryClient, setupSlashingExtension, setupStakingExtension, SigningStargateClient, type StakingExtension } from '@cosmjs/stargate';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { MsgUnjail } from 'cosmjs-types/cosmos/slashing/v1beta1/tx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddress } from '../src/modules/auth/address.js';
import { toValoper, VALCONS_PREFIX } from '../src/modules/staking/address.js';
import { GENESIS_POWER, OPERATOR_HD_INDEX, POWER_REDUCTION, readPrivValidatorKey } from '../src/node/genesis-validators.js';
import { DENOM, devWallet } from './helpers/accounts.js';
import { cometbftConfigPath, patchConfigToml, rpcGet } from './helpers/cometbft.js';
import { TestNetwork } from './helpers/testnet.js';

const DOWN = 3;
const JAIL_SECONDS = 5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RpcValidators {
  validators: { address: string; voting_power: string }[];
}
interface RpcStatus {
  sync_info: { latest_block_height: string; catching_up: boolean };
}
interface RpcBlock {
  block: { header: { height: string; time: string }; last_commit: { signatures: { block_id_flag: number; validator_address: string }[] } };
}

/** Polls `check` every 300 ms until it returns a value other than undefined, or throws after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(300);
  }
}

describe('downtime slashing on a 4-validator network', () => {
  let net: TestNetwork;
  let comet: CometClient;
  let q: QueryClient & StakingExtension & ReturnType<typeof setupSlashingExtension>;

  beforeAll(async () => {
    net = await TestNetwork.create({
      validators: 4,
      appStatePatch: {
        slashing: { params: { signed_blocks_window: '10', min_signed_per_window: '0.5', downtime_jail_duration_seconds: String(JAIL_SECONDS) } },
      },
    });
    // The stopped validator is the proposer of every fourth round: do not wait 3 s for it each time.
    for (const n of net.nodes) await patchConfigToml(cometbftConfigPath(n.home), { consensus: { timeout_propose: '1s' } });
    await net.start();
    comet = await connectComet(net.node(0).rpcUrl);
    q = QueryClient.withExtensions(comet, setupStakingExtension, setupSlashingExtension);
  }, 180_000);

  afterAll(async () => {
    comet?.disconnect();
    await net?.destroy();
  });

  it('jails a validator whose node stopped, slashes 0.01%, and lets its operator unjail it', async () => {
    const key = await readPrivValidatorKey(net.node(DOWN).home);
    const hexAddress = key.address.toUpperCase();
    const consAddress = toBech32(VALCONS_PREFIX, fromHex(key.address));
    const operator = await devWallet(OPERATOR_HD_INDEX + DOWN);
    const valoper = toValoper(parseAddress(operator.address));
    const inSet = async () => (await rpcGet<RpcValidators>(net.node(0).rpcUrl, 'validators')).validators.some((v) => v.address === hexAddress);
    const stake = GENESIS_POWER * POWER_REDUCTION;

    const { params } = await q.slashing.params();
    expect(params?.signedBlocksWindow).toBe(10n);
    expect(params?.downtimeJailDuration?.seconds).toBe(BigInt(JAIL_SECONDS));
    expect((await q.staking.validator(valoper)).validator?.tokens).toBe(stake.toString());
    expect(await inSet()).toBe(true);
    await net.advance(2, { nodes: [0] });
    expect((await q.slashing.signingInfo(consAddress)).valSigningInfo?.address).toBe(consAddress);
    expect((await q.slashing.signingInfos()).info.length).toBe(4);

    await net.stop(DOWN);
    await until('the stopped validator to be jailed', 90_000, async () => ((await q.staking.validator(valoper)).validator?.jailed === true ? true : undefined));
    const jailed = (await q.staking.validator(valoper)).validator;
    // Exactly 0.01% of its stake, burned.
    expect(jailed?.tokens).toBe((stake - stake / 10_000n).toString());
    expect(jailed?.status).not.toBe(3); // no longer BOND_STATUS_BONDED
    const info = (await q.slashing.signingInfo(consAddress)).valSigningInfo;
    expect(info?.tombstoned).toBe(false);
    expect(info?.missedBlocksCounter).toBe(0n);
    const jailedUntil = Number(info?.jailedUntil?.seconds ?? 0n);
    expect(jailedUntil).toBeGreaterThan(0);
    // Out of CometBFT's set (updates apply two blocks later).
    await until('the jailed validator to leave /validators', 30_000, async () => ((await inSet()) ? undefined : true));

    // A timeout from here on says where each node is, whether the validator is jailed (again), and
    // what the nodes logged last.
    const withLogs = async (e: unknown): Promise<never> => {
      const hs = await net.heights([0, 1, 2, 3]);
      const jailedNow = await q.staking.validator(valoper).then((r) => String(r.validator?.jailed), () => '?');
      throw new Error(`${(e as Error).message} (heights ${hs.join(', ')}; jailed ${jailedNow})\n${net.logTails(8000)}`);
    };
    await net.restart(DOWN);
    // As an operator would, unjail only once the node has caught up: a validator back in the set
    // while it still syncs misses blocks and is jailed again.
    await until('the restarted node to catch up', 60_000, async () => {
      const status = await rpcGet<RpcStatus>(net.node(DOWN).rpcUrl, 'status');
      const [top = 0] = await net.heights([0]);
      return !status.sync_info.catching_up && Number(status.sync_info.latest_block_height) >= top - 1 ? true : undefined;
    }).catch(withLogs);
    // The jail period is counted in block time (jailed_until has nanoseconds: wait a second past it).
    await until('the jail period to end', 60_000, async () => {
      const b = await rpcGet<RpcBlock>(net.node(0).rpcUrl, 'block');
      return Date.parse(b.block.header.time) / 1000 >= jailedUntil + 1 ? true : undefined;
    }).catch(withLogs);
    const registry = new Registry([...defaultRegistryTypes, ['/cosmos.slashing.v1beta1.MsgUnjail', MsgUnjail]]);
    const client = await SigningStargateClient.connectWithSigner(net.node(0).rpcUrl, operator.wallet, { registry, gasPrice: GasPrice.fromString(`0${DENOM}`) });
    const res = await client.signAndBroadcast(operator.address, [{ typeUrl: '/cosmos.slashing.v1beta1.MsgUnjail', value: MsgUnjail.fromPartial({ validatorAddr: valoper }) }], 'auto');
    client.disconnect();
    expect(res.code).toBe(0);
    expect((await q.staking.validator(valoper)).validator?.jailed).toBe(false);

    await until('the unjailed validator to be back in /validators', 30_000, async () => ((await inSet()) ? true : undefined)).catch(withLogs);
    // And it signs again: its address in a later block's last_commit, as COMMIT.
    await until('a block signed by the unjailed validator', 60_000, async () => {
      const b = await rpcGet<RpcBlock>(net.node(0).rpcUrl, 'block');
      return b.block.last_commit.signatures.some((s) => s.validator_address === hexAddress && s.block_id_flag === 2) ? true : undefined;
    }).catch(withLogs);
    expect((await q.staking.validator(valoper)).validator?.status).toBe(3);
  }, 300_000);
});
