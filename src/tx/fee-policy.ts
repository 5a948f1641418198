// The one place where a fee and rate policy plugs into the tx path (the chain's policy is in
// modules/fees/policy.ts).
import type { TxContext } from '../app/module.js';
import type { Amount } from '../modules/bank/coins.js';
import type { DecodedTx } from './decode.js';

export const FEE_COLLECTOR = 'fee_collector';

export interface FeePolicy {
  /** Charges the tx's fee to its payer, or throws (ErrInsufficientFee) when the policy refuses it. */
  charge(ctx: TxContext, tx: DecodedTx, payer: Uint8Array): void;
}

/** What a fee policy needs from bank. */
export interface FeeBank {
  sendToModule(ctx: TxContext, from: Uint8Array, module: string, coins: readonly Amount[]): void;
}
