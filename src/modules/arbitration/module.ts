// arbitration module adapter.
import type { AppModule } from '../../app/module.js';
import type { ModuleVault } from '../bank/module-vault.js';
import type { DisputedOrders } from './expected-keepers.js';
import { exportArbitrationGenesis, initArbitrationGenesis } from './genesis.js';
import { arbitrationInvariants } from './invariants.js';
import type { ArbitrationKeeper } from './keeper.js';
import { arbitrationMsgHandlers } from './msg-handlers.js';
import { arbitrationQueries } from './queries.js';

export function arbitrationModule(k: ArbitrationKeeper, orders: DisputedOrders, vault: ModuleVault): AppModule {
  return {
    name: 'arbitration',
    msgHandlers: arbitrationMsgHandlers(k),
    queries: arbitrationQueries(k),
    invariants: arbitrationInvariants(k, orders, vault),
    initGenesis: (store, state) => initArbitrationGenesis(k, orders, vault, store, state),
    exportGenesis: (store) => exportArbitrationGenesis(k, store),
    endBlock: (ctx) => k.endBlock(ctx),
  };
}
