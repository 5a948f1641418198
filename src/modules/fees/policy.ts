// The chain's fee policy, plugged into the ante path: a zero-fee tx spends one of its payer's free
// quota; a paying tx offers at least gas_limit x min_gas_price in ucmt, which goes to the fee
// collector (distribution pays it to validators and delegators once [staking] exists).
import type { TxContext } from '../../app/module.js';
import { ErrInsufficientFee } from '../../errors/sdk-errors.js';
import { makeEvent } from '../../events/event.js';
import { formatCoins } from '../bank/coins.js';
import { FEE_COLLECTOR, type FeeBank, type FeePolicy } from '../../tx/fee-policy.js';
import { ErrFeeDenom, ErrNotEligibleForFree, ErrOverFreeQuota } from './errors.js';
import { parseGasPrice, requiredFee } from './gas-price.js';
import type { FeesKeeper } from './keeper.js';

export function quotaFeePolicy(fees: FeesKeeper, bank: FeeBank): FeePolicy {
  return {
    charge(ctx: TxContext, tx, payer) {
      const params = fees.params(ctx.store);
      const price = parseGasPrice(params.minGasPrice);
      const payerAddress = tx.signers[0]?.address ?? '';
      if (tx.fee.length === 0) {
        // Simulation prices a tx as it would be sent; it does not use up the quota it reports on.
        const q = fees.quotaOf(ctx.store, payer, ctx.block.height, params);
        const fee = requiredFee(tx.gasLimit, price);
        if (!q.eligible) {
          throw ErrNotEligibleForFree(
            `free txs need a balance of at least ${params.minFreeBalance}ucmt; pay a fee of at least ${fee}ucmt (gas ${tx.gasLimit} x ${params.minGasPrice}ucmt)`,
          );
        }
        if (q.used >= q.quota) {
          throw ErrOverFreeQuota(
            `${payerAddress} used its ${q.quota} free txs of this window; wait until height ${q.nextWindowHeight} or pay a fee of at least ${fee}ucmt (gas ${tx.gasLimit} x ${params.minGasPrice}ucmt)`,
          );
        }
        if (ctx.mode !== 'simulate') fees.recordFreeTx(ctx.store, payer, ctx.block.height, params);
      } else {
        const wrong = tx.fee.find((c) => c.denom !== 'ucmt');
        if (wrong !== undefined) throw ErrFeeDenom(`fee in ${wrong.denom}; offer ucmt`);
        const offered = tx.fee.reduce((s, c) => s + c.amount, 0n);
        const needed = requiredFee(tx.gasLimit, price);
        if (offered < needed) {
          throw ErrInsufficientFee(
            `fee ${offered}ucmt is below ${needed}ucmt (gas ${tx.gasLimit} x ${params.minGasPrice}ucmt); offer at least that, or send with zero fee within your free quota`,
          );
        }
        bank.sendToModule(ctx, payer, FEE_COLLECTOR, tx.fee);
      }
      ctx.events.emit(makeEvent('tx', [['fee', formatCoins(tx.fee)], ['fee_payer', payerAddress]]));
    },
  };
}
