// reputation module adapter, and the weights it gives arbitration's draw.
import type { AppModule } from '../../app/module.js';
import type { ArbiterWeights } from '../arbitration/expected-keepers.js';
import { exportReputationGenesis, initReputationGenesis } from './genesis.js';
import { reputationInvariants } from './invariants.js';
import type { ReputationKeeper } from './keeper.js';
import { reputationMsgHandlers } from './msg-handlers.js';
import { reputationQueries } from './queries.js';

export function reputationModule(k: ReputationKeeper): AppModule {
  return {
    name: 'reputation',
    msgHandlers: reputationMsgHandlers(k),
    queries: reputationQueries(k),
    invariants: reputationInvariants(k),
    initGenesis: (store, state) => initReputationGenesis(k, store, state),
    exportGenesis: (store) => exportReputationGenesis(k, store),
  };
}

/** Arbitration's draw weight: bond × (0.5 + arbiter score / 5), see math.ts. */
export function reputationArbiterWeights(k: ReputationKeeper): ArbiterWeights {
  return { weight: (store, arbiter, bond, now) => k.arbiterWeight(store, arbiter, bond, now) };
}
