// cosmos.tx.v1beta1.Service/Simulate over abci_query, so that CosmJS "auto" gas works.
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SimulateRequest, SimulateResponse } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { ChainError } from '../errors/chain-error.js';
import { ErrInvalidRequest } from '../errors/sdk-errors.js';
import type { CacheStore } from '../store/types.js';
import type { BlockInfo, QueryHandler } from './module.js';
import type { TxExecutor } from './tx-executor.js';

export const SIMULATE_PATH = '/cosmos.tx.v1beta1.Service/Simulate';

function txBytesOf(req: SimulateRequest): Uint8Array {
  if (req.txBytes.length > 0) return req.txBytes;
  if (req.tx === undefined) throw ErrInvalidRequest('simulate needs tx_bytes');
  return TxRaw.encode({
    bodyBytes: TxBody.encode(req.tx.body ?? TxBody.fromPartial({})).finish(),
    authInfoBytes: AuthInfo.encode(req.tx.authInfo ?? AuthInfo.fromPartial({})).finish(),
    signatures: req.tx.signatures,
  }).finish();
}

/** Runs the tx on a throwaway layer over the check state, without signature checks. */
export function simulateHandler(executor: TxExecutor, scratch: () => CacheStore, nextBlock: () => BlockInfo): QueryHandler {
  return async (_ctx, data) => {
    const req = SimulateRequest.decode(data);
    const outcome = await executor.execute(scratch(), txBytesOf(req), nextBlock(), 'simulate');
    if (outcome.code !== 0) throw new ChainError(outcome.codespace, outcome.code, '', outcome.log);
    return SimulateResponse.encode({
      gasInfo: { gasWanted: outcome.gasWanted, gasUsed: outcome.gasUsed },
      result: {
        data: outcome.data,
        log: '',
        events: outcome.events,
        msgResponses: TxMsgData.decode(outcome.data).msgResponses,
      },
    }).finish();
  };
}
