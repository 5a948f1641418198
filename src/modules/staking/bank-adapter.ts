// Fills staking's StakingBank from the bank keeper: the two pools are module accounts.
import { moduleAddress, parseAddress } from '../auth/address.js';
import type { BankKeeper } from '../bank/keeper.js';
import type { StakingBank } from './expected-keepers.js';

export function stakingBank(bank: BankKeeper, denom = 'ucmt'): StakingBank {
  const coins = (amount: bigint) => [{ denom, amount }];
  return {
    balanceOf: (store, address) => bank.getBalance(store, address, denom),
    poolBalance: (store, pool) => bank.getBalance(store, parseAddress(moduleAddress(pool)), denom),
    ensurePool: (store, pool) => bank.ensureModuleAccount(store, pool),
    lock: (ctx, from, pool, amount) => bank.sendToModule(ctx, from, pool, coins(amount)),
    release: (ctx, pool, to, amount) => bank.sendFromModule(ctx, pool, to, coins(amount)),
    burn: (ctx, pool, amount) => {
      if (amount > 0n) bank.burnFromModule(ctx, pool, coins(amount));
    },
    move: (ctx, from, to, amount) => {
      if (amount > 0n) bank.sendFromModule(ctx, from, parseAddress(moduleAddress(to)), coins(amount));
    },
  };
}
