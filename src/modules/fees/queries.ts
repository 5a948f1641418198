// cybermiles.fees.v1.Query: params, and an account's free quota in the current window.
import type { QueryHandler } from '../../app/module.js';
import * as q from '../../generated/cybermiles/fees/v1/query.js';
import { parseAddress } from '../auth/address.js';
import type { FeesKeeper } from './keeper.js';

const Q = '/cybermiles.fees.v1.Query/';

export function feesQueries(k: FeesKeeper): Map<string, QueryHandler> {
  return new Map<string, QueryHandler>([
    [Q + 'Params', async (ctx) => q.QueryParamsResponse.encode({ params: k.params(ctx.store) }).finish()],
    [
      Q + 'Quota',
      async (ctx, data) => {
        const req = q.QueryQuotaRequest.decode(data);
        const params = k.params(ctx.store);
        // The quota that applies to a tx sent now: the one of the next block's height.
        const quota = k.quotaOf(ctx.store, parseAddress(req.address), ctx.height + 1n, params);
        return q.QueryQuotaResponse.encode({ ...quota, minGasPrice: params.minGasPrice }).finish();
      },
    ],
  ]);
}
