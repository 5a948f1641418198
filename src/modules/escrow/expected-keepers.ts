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
