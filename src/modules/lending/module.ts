// lending module adapter.
import type { AppModule } from '../../app/module.js';
import type { LendingBank } from './expected-keepers.js';
import { exportLendingGenesis, initLendingGenesis } from './genesis.js';
import { lendingFundsInvariant, lendingHistoryInvariant, lendingQueuesInvariant } from './invariants.js';
import type { LendingKeeper } from './keeper.js';
import { lendingMsgHandlers } from './msg-handlers.js';
import { lendingQueries } from './queries.js';

export function lendingModule(k: LendingKeeper, bank: LendingBank): AppModule {
  return {
    name: 'lending',
    msgHandlers: lendingMsgHandlers(k),
    queries: lendingQueries(k),
    invariants: [lendingFundsInvariant(k, bank), lendingQueuesInvariant(k), lendingHistoryInvariant(k)],
    initGenesis: (store, state) => initLendingGenesis(k, bank, store, state),
    exportGenesis: (store) => exportLendingGenesis(k, store),
    endBlock: (ctx) => k.endBlock(ctx),
  };
}
