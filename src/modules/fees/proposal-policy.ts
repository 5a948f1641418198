// The fee policy's block rules over raw txs, as the app's PrepareProposal/ProcessProposal use them.
import type { ProposalPolicy } from '../../app/abci-app.js';
import type { DecodedTx } from '../../tx/decode.js';
import type { FeesKeeper } from './keeper.js';
import { checkTxs, proposalTx, selectTxs, type ProposalTx } from './proposal-rules.js';

export function feeProposalPolicy(fees: FeesKeeper, decode: (tx: Uint8Array) => DecodedTx): ProposalPolicy {
  const decodeAll = (txs: readonly Uint8Array[]): { ok: ProposalTx[]; bad: number | undefined } => {
    const ok: ProposalTx[] = [];
    let bad: number | undefined;
    for (const [i, bytes] of txs.entries()) {
      try {
        ok.push(proposalTx(bytes, decode(bytes)));
      } catch {
        bad ??= i;
      }
    }
    return { ok, bad };
  };
  return {
    select(state, txs, maxTxBytes, maxBlockGas) {
      // Undecodable txs never reach the mempool (CheckTx refuses them); drop any all the same.
      return selectTxs(decodeAll(txs).ok, { maxTxBytes, maxBlockGas, freeGasPerBlock: fees.params(state).freeGasPerBlock });
    },
    check(state, txs, maxBlockGas) {
      const { ok, bad } = decodeAll(txs);
      if (bad !== undefined) return `tx ${bad} does not decode`;
      return checkTxs(ok, { maxBlockGas, freeGasPerBlock: fees.params(state).freeGasPerBlock });
    },
  };
}
