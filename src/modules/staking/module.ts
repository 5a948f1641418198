// staking module adapter. The validator-set step (ranking, power cap, diff against the set last
// reported) runs after every other end-blocker, through the app's ValidatorSetSource.
import type { ValidatorUpdate } from 'cosmjs-types/tendermint/abci/types';
import type { AppModule, TxContext } from '../../app/module.js';
import type { KVReader } from '../../store/types.js';
import type { StakingBank } from './expected-keepers.js';
import { exportStakingGenesis, initStakingGenesis } from './genesis.js';
import { stakingPoolsInvariant, stakingSharesInvariant } from './invariants.js';
import type { StakingKeeper } from './keeper.js';
import { stakingMsgHandlers } from './msg-handlers.js';
import { stakingQueries } from './queries.js';

export function stakingModule(k: StakingKeeper, bank: StakingBank): AppModule {
  return {
    name: 'staking',
    msgHandlers: stakingMsgHandlers(k),
    queries: stakingQueries(k, bank),
    invariants: [stakingPoolsInvariant(k, bank), stakingSharesInvariant(k)],
    initGenesis: (store, state) => initStakingGenesis(k, bank, store, state),
    exportGenesis: (store) => exportStakingGenesis(k, store),
    endBlock: (ctx) => k.completeMatured(ctx, ctx.block),
  };
}

/** What the app asks of staking for CometBFT's validator set. */
export function stakingValidatorSet(k: StakingKeeper): {
  genesisValidators(store: KVReader): Promise<ValidatorUpdate[]>;
  endBlock(ctx: TxContext): Promise<ValidatorUpdate[]>;
} {
  return {
    genesisValidators: (store) => k.currentUpdates(store),
    endBlock: (ctx) => k.applyValidatorSetChanges(ctx, ctx.block),
  };
}
