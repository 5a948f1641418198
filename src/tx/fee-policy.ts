// The one place where a fee and rate policy plugs into the tx path. The default policy keeps the
// chain's promise: a zero fee is accepted; a fee that is offered anyway goes to the fee collector
// (from which distribution pays validators once staking exists).
import type { TxContext } from '../app/module.js';
import { makeEvent } from '../events/event.js';
import { formatCoins, type Amount } from '../modules/bank/coins.js';
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

export function zeroFeePolicy(bank: FeeBank): FeePolicy {
  return {
    charge(ctx, tx, payer) {
      if (tx.fee.length > 0) bank.sendToModule(ctx, payer, FEE_COLLECTOR, tx.fee);
      ctx.events.emit(makeEvent('tx', [['fee', formatCoins(tx.fee)], ['fee_payer', tx.signers[0]?.address ?? '']]));
    },
  };
}
