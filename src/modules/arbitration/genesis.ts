// arbitration genesis, in the proto3 JSON of cybermiles.arbitration.v1.GenesisState.
import { GenesisError } from '../../genesis/json.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState } from '../../generated/cybermiles/arbitration/v1/genesis.js';
import type { KVReader, KVStore } from '../../store/types.js';
import type { ModuleVault } from '../bank/module-vault.js';
import { disputeConsistency } from './consistency.js';
import type { DisputedOrders } from './expected-keepers.js';
import type { ArbitrationKeeper } from './keeper.js';
import { arbitrationParams } from './params.js';

export async function initArbitrationGenesis(
  k: ArbitrationKeeper,
  orders: DisputedOrders,
  vault: ModuleVault,
  store: KVStore,
  state: unknown,
): Promise<void> {
  vault.ensureAccount(store);
  const g = parseGenesis(GenesisState.fromJSON, state, 'arbitration');
  initParams(store, arbitrationParams, g.params, 'arbitration');
  for (const a of g.arbiters) k.importArbiter(store, a);
  let next = g.nextCaseId === 0n ? 1n : g.nextCaseId;
  for (const c of g.cases) {
    if (c.id >= next) next = c.id + 1n;
    k.importCase(store, c);
  }
  k.setNextCaseId(store, next);
  const inconsistent = await disputeConsistency(k, orders, store);
  if (inconsistent !== undefined) throw new GenesisError(`app_state.arbitration: ${inconsistent}`);
}

export async function exportArbitrationGenesis(k: ArbitrationKeeper, store: KVReader): Promise<unknown> {
  const arbiters = [];
  for await (const a of k.iterateArbiters(store)) arbiters.push(a);
  const cases = [];
  for await (const c of k.iterateCases(store)) cases.push(c);
  return GenesisState.toJSON({ params: k.params(store), arbiters, cases, nextCaseId: k.nextCaseId(store) });
}
