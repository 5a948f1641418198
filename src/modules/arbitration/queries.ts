// cybermiles.arbitration.v1.Query: an arbiter, the pool (paginated), a case, cases by arbiter
// (paginated; the cases it holds now), params.
import type { QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { Arbiter, Case } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import * as q from '../../generated/cybermiles/arbitration/v1/query.js';
import { ErrNotFound } from '../../errors/sdk-errors.js';
import { prefixRange } from '../../store/range.js';
import { parseAddress } from '../auth/address.js';
import { ErrCaseNotFound } from './errors.js';
import type { ArbitrationKeeper } from './keeper.js';
import { ARBITER_PREFIX, byArbiterPrefix, caseKey } from './keys.js';

const Q = '/cybermiles.arbitration.v1.Query/';

export function arbitrationQueries(k: ArbitrationKeeper): Map<string, QueryHandler> {
  return new Map<string, QueryHandler>([
    [
      Q + 'Arbiter',
      async (ctx, data) => {
        const req = q.QueryArbiterRequest.decode(data);
        const arbiter = k.getArbiter(ctx.store, req.address);
        if (arbiter === undefined) throw ErrNotFound(`${req.address} is not a registered arbiter`);
        return q.QueryArbiterResponse.encode({ arbiter }).finish();
      },
    ],
    [
      Q + 'Arbiters',
      async (ctx, data) => {
        const req = q.QueryArbitersRequest.decode(data);
        const page = await paginate(ctx.store, ARBITER_PREFIX, prefixRange(ARBITER_PREFIX), req.pagination, (_k, v) => Arbiter.decode(v));
        return q.QueryArbitersResponse.encode({ arbiters: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'Case',
      async (ctx, data) => {
        const req = q.QueryCaseRequest.decode(data);
        const c = k.getCase(ctx.store, req.caseId);
        if (c === undefined) throw ErrCaseNotFound(`case ${req.caseId} does not exist`);
        return q.QueryCaseResponse.encode({ case: c }).finish();
      },
    ],
    [
      Q + 'CasesByArbiter',
      async (ctx, data) => {
        const req = q.QueryCasesByArbiterRequest.decode(data);
        const prefix = byArbiterPrefix(parseAddress(req.arbiter, 'arbiter'));
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (key) => {
          const id = new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0);
          const raw = ctx.store.get(caseKey(id));
          if (raw === undefined) throw new Error(`case index points at missing case ${id}`);
          return Case.decode(raw);
        });
        return q.QueryCasesResponse.encode({ cases: page.items, pagination: page.pagination }).finish();
      },
    ],
    [Q + 'Params', async (ctx) => q.QueryParamsResponse.encode({ params: k.params(ctx.store) }).finish()],
  ]);
}
