// What lending needs from other modules, and what it offers them, as narrow interfaces that
// app.ts fills in.
import type { TxContext } from '../../app/module.js';
import type { KVReader, KVStore } from '../../store/types.js';

export const LENDING_MODULE = 'lending';

/**
 * CMT movements: into and out of lending's module account (offers' amounts, collateral), and
 * straight between two accounts (a funded request's principal, repayments).
 */
export interface LendingBank {
  lock(ctx: TxContext, from: Uint8Array, amount: bigint): void;
  release(ctx: TxContext, to: Uint8Array, amount: bigint): void;
  transfer(ctx: TxContext, from: Uint8Array, to: Uint8Array, amount: bigint): void;
  lockedBalance(store: KVReader): bigint;
  ensureAccount(store: KVStore): void;
}

/**
 * What lending offers other modules ([reputation] shows it): a borrower's credit score, 0..1000,
 * from its credit history (500 for an address that never borrowed). See score.ts for the formula.
 */
export interface CreditScores {
  scoreOf(store: KVReader, address: string): bigint;
}
