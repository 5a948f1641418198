// bank genesis: balances per address; supply is derived from them (a given supply must match).
import type { KVReader, KVStore } from '../../store/types.js';
import { EventManager } from '../../events/event.js';
import { asArray, asObject, asString, GenesisError, optionalField } from '../../genesis/json.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { coinsEqual, formatCoins, parseCoins, sumCoins, toCoin, type Amount } from './coins.js';
import { FEE_COLLECTOR } from '../../tx/fee-policy.js';
import type { BankKeeper } from './keeper.js';

export interface BankGenesisJson {
  readonly params: { readonly default_send_enabled: boolean };
  readonly balances: ReadonlyArray<{ readonly address: string; readonly coins: ReadonlyArray<{ denom: string; amount: string }> }>;
  readonly supply: ReadonlyArray<{ denom: string; amount: string }>;
}

function coinsAt(v: unknown, path: string): Amount[] {
  const list = asArray(v, path).map((c, i) => {
    const o = asObject(c, `${path}[${i}]`);
    return { denom: asString(o['denom'], `${path}[${i}].denom`), amount: asString(o['amount'], `${path}[${i}].amount`) };
  });
  try {
    return parseCoins(list, path, { allowEmpty: true });
  } catch (e) {
    throw new GenesisError(`${path}: ${(e as Error).message}`);
  }
}

export async function initBankGenesis(bank: BankKeeper, store: KVStore, state: unknown): Promise<void> {
  const g = asObject(state ?? {}, 'app_state.bank');
  const balances = asArray(optionalField(g, 'balances') ?? [], 'app_state.bank.balances');
  const ctx = { store, events: new EventManager() };
  const seen = new Set<string>();
  const minted: Amount[][] = [];
  for (const [i, b] of balances.entries()) {
    const path = `app_state.bank.balances[${i}]`;
    const o = asObject(b, path);
    const address = asString(o['address'], `${path}.address`);
    let bytes: Uint8Array;
    try {
      bytes = parseAddress(address);
    } catch (e) {
      throw new GenesisError(`${path}.address: ${(e as Error).message}`);
    }
    if (seen.has(address)) throw new GenesisError(`${path}.address: ${address} listed twice`);
    seen.add(address);
    const coins = coinsAt(o['coins'], `${path}.coins`);
    if (coins.length > 0) bank.mint(ctx, 'genesis', bytes, coins);
    minted.push(coins);
  }
  // The fee collector exists from genesis, so no user can claim its address first.
  bank.ensureModuleAccount(store, FEE_COLLECTOR);
  const declared = optionalField(g, 'supply');
  if (declared !== undefined) {
    const supply = coinsAt(declared, 'app_state.bank.supply');
    const total = sumCoins(minted);
    if (supply.length > 0 && !coinsEqual(supply, total)) {
      throw new GenesisError(`app_state.bank.supply ${formatCoins(supply)} does not equal the sum of balances ${formatCoins(total)}`);
    }
  }
}

export async function exportBankGenesis(bank: BankKeeper, store: KVReader): Promise<BankGenesisJson> {
  const byAddress = new Map<string, { denom: string; amount: string }[]>();
  for await (const { address, coin } of bank.iterateBalances(store)) {
    const a = toAddress(address);
    const list = byAddress.get(a) ?? [];
    list.push(toCoin(coin));
    byAddress.set(a, list);
  }
  const supply: { denom: string; amount: string }[] = [];
  for await (const c of bank.iterateSupply(store)) supply.push(toCoin(c));
  return {
    params: { default_send_enabled: true },
    balances: [...byAddress.entries()].map(([address, coins]) => ({ address, coins })),
    supply,
  };
}
