// escrow module adapter.
import type { AppModule } from '../../app/module.js';
import type { ModuleVault } from '../bank/module-vault.js';
import { exportEscrowGenesis, initEscrowGenesis } from './genesis.js';
import { escrowFundsInvariant } from './invariants.js';
import type { EscrowKeeper } from './keeper.js';
import { escrowMsgHandlers } from './msg-handlers.js';
import { escrowQueries } from './queries.js';

export function escrowModule(k: EscrowKeeper, vault: ModuleVault): AppModule {
  return {
    name: 'escrow',
    msgHandlers: escrowMsgHandlers(k),
    queries: escrowQueries(k),
    invariants: [escrowFundsInvariant(k, vault)],
    initGenesis: (store, state) => initEscrowGenesis(k, vault, store, state),
    exportGenesis: (store) => exportEscrowGenesis(k, store),
    endBlock: (ctx) => k.endBlock(ctx),
  };
}
