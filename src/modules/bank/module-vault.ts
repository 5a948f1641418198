// A module's CMT vault: its module account, seen through the narrow interface other modules get
// (lock from a user, release to a user, burn, balance). No module touches bank's store.
import type { TxContext } from '../../app/module.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { moduleAddress, parseAddress } from '../auth/address.js';
import type { BankKeeper } from './keeper.js';

export const CMT_DENOM = 'ucmt';

export interface ModuleVault {
  lock(ctx: TxContext, from: Uint8Array, amount: bigint): void;
  release(ctx: TxContext, to: Uint8Array, amount: bigint): void;
  burn(ctx: TxContext, amount: bigint): void;
  lockedBalance(store: KVReader): bigint;
  ensureAccount(store: KVStore): void;
}

export function moduleVault(bank: BankKeeper, module: string): ModuleVault {
  const address = parseAddress(moduleAddress(module));
  const coins = (amount: bigint) => [{ denom: CMT_DENOM, amount }];
  return {
    lock: (ctx, from, amount) => bank.sendToModule(ctx, from, module, coins(amount)),
    release: (ctx, to, amount) => bank.sendFromModule(ctx, module, to, coins(amount)),
    burn: (ctx, amount) => bank.burnFromModule(ctx, module, coins(amount)),
    lockedBalance: (store) => bank.getBalance(store, address, CMT_DENOM),
    ensureAccount: (store) => bank.ensureModuleAccount(store, module),
  };
}
