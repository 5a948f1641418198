// Reading a module's genesis from its proto3 JSON, with its params checked and stored.
import type { ModuleParams } from '../app/module-params.js';
import type { KVStore } from '../store/types.js';
import { GenesisError } from './json.js';

/** Parses `state` with the module's GenesisState.fromJSON; errors name the module's path. */
export function parseGenesis<G>(fromJSON: (o: unknown) => G, state: unknown, module: string): G {
  try {
    return fromJSON(state ?? {});
  } catch (e) {
    throw new GenesisError(`app_state.${module}: ${(e as Error).message}`);
  }
}

/** Validates the genesis params (defaults when absent) and stores them. */
export function initParams<P>(store: KVStore, params: ModuleParams<P>, given: P | undefined, module: string): P {
  const p = given ?? params.defaults;
  const bad = params.validate(p);
  if (bad !== undefined) throw new GenesisError(`app_state.${module}.params: ${bad}`);
  params.set(store, p);
  return p;
}
