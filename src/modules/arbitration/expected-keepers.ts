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
 * How much an arbiter weighs in the draw. Today its bond; [reputation] will multiply in its
 * standing through this interface.
 */
export interface ArbiterWeights {
  weight(store: KVReader, arbiter: string, bond: bigint): bigint;
}

export const bondWeights: ArbiterWeights = { weight: (_store, _arbiter, bond) => bond };
