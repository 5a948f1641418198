// Exporting a running chain for a new one: the new chain starts with the validators of its own
// genesis.json, so staking's state cannot carry over. As a zero-height export that unbonds
// everything, the exported bank balances give every delegation's tokens and every unbonding
// entry's balance back to its owner (rounding dust of a validator's shares to its operator), the
// two pools are emptied, and staking keeps only its params. Supply does not change.
import { Delegation, UnbondingDelegation, Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { KVReader } from '../../store/types.js';
import { moduleAddress, toAddress } from '../auth/address.js';
import { parseValoper } from './address.js';
import { BONDED_POOL, NOT_BONDED_POOL } from './expected-keepers.js';
import type { StakingKeeper } from './keeper.js';
import { DELEGATION_PREFIX, UNBONDING_PREFIX, VALIDATOR_PREFIX } from './keys.js';

interface BalanceJson {
  address: string;
  coins: { denom: string; amount: string }[];
}

export async function settleStakeForExport(k: StakingKeeper, store: KVReader, appState: Record<string, unknown>): Promise<void> {
  const denom = k.params(store).bondDenom;
  const owed = new Map<string, bigint>();
  const add = (address: string, amount: bigint) => {
    if (amount > 0n) owed.set(address, (owed.get(address) ?? 0n) + amount);
  };
  const paid = new Map<string, bigint>();
  for await (const d of k.iterate(store, DELEGATION_PREFIX, Delegation.decode)) {
    const v = k.mustGetValidator(store, parseValoper(d.validatorAddress));
    const tokens = k.tokensOf(v, BigInt(d.shares));
    add(d.delegatorAddress, tokens);
    paid.set(d.validatorAddress, (paid.get(d.validatorAddress) ?? 0n) + tokens);
  }
  for await (const v of k.iterate(store, VALIDATOR_PREFIX, Validator.decode)) {
    add(toAddress(parseValoper(v.operatorAddress)), BigInt(v.tokens) - (paid.get(v.operatorAddress) ?? 0n));
  }
  for await (const u of k.iterate(store, UNBONDING_PREFIX, UnbondingDelegation.decode)) {
    for (const e of u.entries) add(u.delegatorAddress, BigInt(e.balance));
  }
  const bank = appState['bank'] as { balances?: BalanceJson[] } | undefined;
  if (bank === undefined) throw new Error('export: no bank state to settle stake into');
  const pools = new Set([moduleAddress(BONDED_POOL), moduleAddress(NOT_BONDED_POOL)]);
  const balances: BalanceJson[] = [];
  for (const b of bank.balances ?? []) {
    const coins = pools.has(b.address) ? b.coins.filter((c) => c.denom !== denom) : [...b.coins];
    const extra = owed.get(b.address);
    owed.delete(b.address);
    if (extra !== undefined) {
      const c = coins.find((x) => x.denom === denom);
      if (c === undefined) coins.push({ denom, amount: extra.toString() });
      else c.amount = (BigInt(c.amount) + extra).toString();
    }
    if (coins.length > 0) balances.push({ address: b.address, coins });
  }
  for (const [address, amount] of owed) balances.push({ address, coins: [{ denom, amount: amount.toString() }] });
  bank.balances = balances;
  const staking = appState['staking'] as { params?: unknown } | undefined;
  appState['staking'] = { params: staking?.params, validators: [] };
}
