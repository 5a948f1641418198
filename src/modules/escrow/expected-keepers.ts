// What escrow needs from other modules, as narrow interfaces that app.ts fills in.
import type { TxContext } from '../../app/module.js';
import type { Order } from '../../generated/cybermiles/escrow/v1/escrow.js';
import type { KVReader } from '../../store/types.js';

export const ESCROW_MODULE = 'escrow';
export const DENOM = 'ucmt';

/** Moves CMT into and out of escrow's module account. */
export interface EscrowBank {
  lock(ctx: TxContext, from: Uint8Array, amount: bigint): void;
  release(ctx: TxContext, to: Uint8Array, amount: bigint): void;
  lockedBalance(store: KVReader): bigint;
}

/** Called when a dispute is raised; arbitration implements it (hooks break the module cycle). */
export interface DisputeHooks {
  onDisputeRaised(ctx: TxContext, order: Order): Promise<{ caseId: bigint; arbiter: string }>;
}

/** How an order closed. `sellerAmount` is what the seller got of the price. */
export type OrderOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'settled'; readonly sellerAmount: bigint }
  | { readonly kind: 'ruled'; readonly sellerAmount: bigint; readonly arbiter: string }
  /** No arbiter could take the dispute: everyone got back what it locked. */
  | { readonly kind: 'unwound' };

/**
 * Called after an order closes as completed, settled or resolved (ruled or unwound), with the
 * order in its final state; reputation implements it (records trades, counts lost disputes).
 */
export interface OrderHooks {
  onOrderClosed(ctx: TxContext, order: Order, outcome: OrderOutcome): void;
}
