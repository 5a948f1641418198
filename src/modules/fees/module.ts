// fees module adapter: params in genesis, quota queries. The policy itself runs in the ante path
// (policy.ts) and in proposals (proposal-rules.ts).
import type { AppModule } from '../../app/module.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState } from '../../generated/cybermiles/fees/v1/fees.js';
import type { FeesKeeper } from './keeper.js';
import { feesParams } from './params.js';
import { feesQueries } from './queries.js';

export function feesModule(k: FeesKeeper): AppModule {
  return {
    name: 'fees',
    msgHandlers: [],
    queries: feesQueries(k),
    invariants: [],
    async initGenesis(store, state) {
      initParams(store, feesParams, parseGenesis(GenesisState.fromJSON, state, 'fees').params, 'fees');
    },
    // Usage counters are per window and start again on a new chain.
    exportGenesis: async (store) => GenesisState.toJSON({ params: k.params(store) }),
  };
}
