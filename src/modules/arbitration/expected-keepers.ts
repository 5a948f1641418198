// What arbitration needs from other modules, as narrow interfaces that app.ts fills in.
import type { TxContext } from '../../app/module.js';
import type { KVReader } from '../../store/types.js';

export const ARBITRATION_MODULE = 'arbitration';

/** Holds arbiters' bonds in arbitration's module account. */
export interface ArbitrationBank {
  lock(ctx: TxContext, from: Uint8Array, amount: bigint): void;
  release(ctx: TxContext, to: Uint8Array, amount: bigint): void;
  burn(ctx: TxContext, amount: bigint): void;
  lockedBalance(store: KVReader): bigint;
}

/** The escrow side of a dispute. */
export interface DisputedOrders {
  haveTraded(store: KVReader, a: string, b: string): boolean;
  resolveDispute(ctx: TxContext, orderId: bigint, r: { sellerAmount: bigint; buyerFee: bigint; sellerFee: bigint; arbiter: string }): void;
  unwindDispute(ctx: TxContext, orderId: bigint): void;
  /** Price and deposit of an order, in ucmt. */
  amountsOf(store: KVReader, orderId: bigint): { price: bigint; deposit: bigint };
  /** Every order under dispute, with the case it names. */
  iterateDisputes(store: KVReader): AsyncGenerator<{ orderId: bigint; caseId: bigint }>;
}

/**
 * How much an arbiter weighs in the draw, at block time `now`. The app passes reputation's
 * weights: bond × (0.5 + score/5), from 0.5× to 1.5× the bond (see README, "Reputation").
 * `bondWeights` is the bond alone.
 */
export interface ArbiterWeights {
  weight(store: KVReader, arbiter: string, bond: bigint, now: bigint): bigint;
}

export const bondWeights: ArbiterWeights = { weight: (_store, _arbiter, bond) => bond };

/** One arbiter's part in one case; the order's value is its price in ucmt. */
export interface ArbiterRecord {
  readonly arbiter: string;
  readonly caseId: bigint;
  readonly orderId: bigint;
  readonly orderValue: bigint;
}

/** Told of each ruling and each missed ruling deadline; reputation implements it. */
export interface ArbiterHooks {
  onCaseRuled(ctx: TxContext, record: ArbiterRecord): void;
  onDeadlineMissed(ctx: TxContext, record: ArbiterRecord): void;
}
