// slashing module adapter: MsgUnjail, the Cosmos slashing queries, genesis, and the begin-blocker
// (double-sign evidence and the previous block's votes).
import type { AppModule } from '../../app/module.js';
import { exportSlashingGenesis, initSlashingGenesis } from './genesis.js';
import { missedBlocksInvariant } from './invariants.js';
import type { SlashingKeeper } from './keeper.js';
import { slashingMsgHandlers } from './msg-handlers.js';
import { slashingQueries } from './queries.js';

export function slashingModule(k: SlashingKeeper): AppModule {
  return {
    name: 'slashing',
    msgHandlers: slashingMsgHandlers(k),
    queries: slashingQueries(k),
    invariants: [missedBlocksInvariant(k)],
    initGenesis: (store, state) => initSlashingGenesis(k, store, state),
    exportGenesis: (store) => exportSlashingGenesis(k, store),
    beginBlock: (ctx, commit) => k.beginBlock(ctx, ctx.block, commit.lastCommit, commit.misbehavior),
  };
}
