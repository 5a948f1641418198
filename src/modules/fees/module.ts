// fees module adapter: params in genesis, quota queries. The policy itself runs in the ante path
// (policy.ts) and in proposals (proposal-rules.ts).
import type { AppModule } from '../../app/module.js';
import { GenesisError } from '../../genesis/json.js';
import { GenesisState } from '../../generated/cybermiles/fees/v1/fees.js';
import type { FeesKeeper } from './keeper.js';
import { DEFAULT_FEES_PARAMS, setFeesParams, validateFeesParams } from './params.js';
import { feesQueries } from './queries.js';

export function feesModule(k: FeesKeeper): AppModule {
  return {
    name: 'fees',
    msgHandlers: [],
    queries: feesQueries(k),
    invariants: [],
    async initGenesis(store, state) {
      let g: GenesisState;
      try {
        g = GenesisState.fromJSON(state ?? {});
      } catch (e) {
        throw new GenesisError(`app_state.fees: ${(e as Error).message}`);
      }
      const params = g.params ?? DEFAULT_FEES_PARAMS;
      const bad = validateFeesParams(params);
      if (bad !== undefined) throw new GenesisError(`app_state.fees.params: ${bad}`);
      setFeesParams(store, params);
    },
    // Usage counters are per window and start again on a new chain.
    exportGenesis: async (store) => GenesisState.toJSON({ params: k.params(store) }),
  };
}
