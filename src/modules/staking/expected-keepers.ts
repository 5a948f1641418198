// What staking needs from bank, as a narrow interface app.ts fills in.
import type { KVReader, KVStore } from '../../store/types.js';
import type { EventManager } from '../../events/event.js';

export const BONDED_POOL = 'bonded_tokens_pool';
export const NOT_BONDED_POOL = 'not_bonded_tokens_pool';

export interface StakingContext {
  readonly store: KVStore;
  readonly events: EventManager;
}

export interface StakingBank {
  /** Spendable bond-denom balance of an account. */
  balanceOf(store: KVReader, address: Uint8Array): bigint;
  /** Bond-denom balance of a module account. */
  poolBalance(store: KVReader, pool: string): bigint;
  ensurePool(store: KVStore, pool: string): void;
  /** Account -> pool. */
  lock(ctx: StakingContext, from: Uint8Array, pool: string, amount: bigint): void;
  /** Pool -> account. */
  release(ctx: StakingContext, pool: string, to: Uint8Array, amount: bigint): void;
  /** Pool -> pool (a validator entering or leaving the bonded set; a redelegation across them). */
  move(ctx: StakingContext, from: string, to: string, amount: bigint): void;
  /** Burns from a pool (slashes): the supply shrinks. */
  burn(ctx: StakingContext, pool: string, amount: bigint): void;
}
