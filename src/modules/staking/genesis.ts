// staking genesis, in the proto3 JSON of cybermiles.staking.v1.GenesisState: params and the
// initial validators (gentx-like: operator, ed25519 consensus pubkey, self-bond paid from the
// operator's own genesis balance). The set they form is what InitChain returns to CometBFT.
import { EventManager } from '../../events/event.js';
import { GenesisError } from '../../genesis/json.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState, type GenesisValidator } from '../../generated/cybermiles/staking/v1/staking.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { parseValoper } from './address.js';
import { DEC_ONE, parseDec } from './dec.js';
import { BONDED_POOL, NOT_BONDED_POOL, type StakingBank } from './expected-keepers.js';
import type { StakingKeeper } from './keeper.js';
import { stakingParams } from './params.js';
import { Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import { VALIDATOR_PREFIX } from './keys.js';
import { toAddress } from '../auth/address.js';

const dec = (s: string, dflt: bigint, field: string): bigint => (s === '' ? dflt : parseDec(s, field));

export async function initStakingGenesis(k: StakingKeeper, bank: StakingBank, store: KVStore, state: unknown): Promise<void> {
  bank.ensurePool(store, BONDED_POOL);
  bank.ensurePool(store, NOT_BONDED_POOL);
  const g = parseGenesis(GenesisState.fromJSON, state, 'staking');
  initParams(store, stakingParams, g.params, 'staking');
  const ctx = { store, events: new EventManager() };
  for (const [i, gv] of g.validators.entries()) {
    const at = `app_state.staking.validators[${i}]`;
    try {
      createGenesisValidator(k, ctx, gv);
    } catch (e) {
      throw new GenesisError(`${at}: ${(e as Error).message}`);
    }
  }
  await k.applyValidatorSetChanges(ctx);
}

function createGenesisValidator(k: StakingKeeper, ctx: { store: KVStore; events: EventManager }, gv: GenesisValidator): void {
  const operator = parseValoper(gv.operatorAddress, 'operator_address');
  if (!/^\d+$/.test(gv.selfBond)) throw new Error(`self_bond ${JSON.stringify(gv.selfBond)} is not a whole number`);
  const maxRate = dec(gv.commissionMaxRate, DEC_ONE, 'commission_max_rate');
  k.createValidator(
    ctx,
    {
      operator,
      pubkey: gv.consensusPubkey,
      description: { moniker: gv.moniker === '' ? toAddress(operator) : gv.moniker, identity: '', website: '', securityContact: '', details: '' },
      rate: dec(gv.commissionRate, DEC_ONE / 10n, 'commission_rate'),
      maxRate,
      maxChangeRate: dec(gv.commissionMaxChangeRate, DEC_ONE / 100n, 'commission_max_change_rate'),
      minSelfDelegation: 1n,
      selfBond: BigInt(gv.selfBond),
    },
    { height: 0n, timeSeconds: 0n, timeNanos: 0 },
  );
}

/**
 * Exports params and the validators as they stand (cosmos.staking.v1beta1.Validator JSON) for
 * inspection. Re-importing a running chain's staking state (delegations, unbonding entries) is not
 * supported yet: initGenesis reads only params and gentx-like validators.
 */
export async function exportStakingGenesis(k: StakingKeeper, store: KVReader): Promise<unknown> {
  const validators: unknown[] = [];
  for await (const v of k.iterate(store, VALIDATOR_PREFIX, Validator.decode)) validators.push(Validator.toJSON(v));
  const { params } = GenesisState.toJSON({ params: k.params(store), validators: [] }) as { params: unknown };
  return { params, validators: [], exported_validators: validators };
}
