// cybermiles.lending.v1.Query: an offer, a request, a loan (with what it would cost to repay at a
// given time), open offers and requests with filters, loans by lender or borrower, a borrower's
// credit history and score, params. Every list is paginated.
import type { QueryContext, QueryHandler } from '../../app/module.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, paginate, type Page } from '../../app/pagination.js';
import { ErrInvalidRequest } from '../../errors/sdk-errors.js';
import type { PageRequest } from '../../generated/cybermiles/base/v1/pagination.js';
import { Loan, LoanStatus, type LoanRequest, type Offer } from '../../generated/cybermiles/lending/v1/lending.js';
import * as q from '../../generated/cybermiles/lending/v1/query.js';
import { prefixEnd, prefixRange } from '../../store/range.js';
import type { KeyRange, KVReader } from '../../store/types.js';
import { compareBytes, concat } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import { parseAmount } from '../bank/coins.js';
import { amountOf, type LendingKeeper } from './keeper.js';
import { byBorrowerPrefix, byLenderPrefix, idAtEnd, loanKey, OPEN_OFFERS_PREFIX, OPEN_REQUESTS_PREFIX, uint32BE } from './keys.js';

const Q = '/cybermiles.lending.v1.Query/';

/**
 * Like paginate, over the entries of `range` that `match`: offset and limit count matching
 * entries, next_key is the key suffix of the first matching entry not returned, total counts
 * matching entries.
 */
export async function paginateMatching<T>(
  store: KVReader,
  prefix: Uint8Array,
  range: KeyRange,
  page: PageRequest | undefined,
  decode: (key: Uint8Array) => T,
  match: (item: T) => boolean,
): Promise<Page<T>> {
  const limit = page === undefined || page.limit === 0n ? DEFAULT_PAGE_LIMIT : page.limit;
  if (limit > MAX_PAGE_LIMIT) throw ErrInvalidRequest(`pagination.limit ${limit} exceeds ${MAX_PAGE_LIMIT}`);
  const hasKey = page !== undefined && page.key.length > 0;
  if (hasKey && page.offset > 0n) throw ErrInvalidRequest('pagination: use either key or offset, not both');
  const reverse = page?.reverse === true;
  const start = hasKey ? concat(prefix, page.key) : undefined;
  // A continuation key narrows the range, never widens it.
  const after = (a: Uint8Array, b: Uint8Array | undefined): boolean => b === undefined || compareBytes(a, b) > 0;
  const before = (a: Uint8Array, b: Uint8Array | undefined): boolean => b === undefined || compareBytes(a, b) < 0;
  const startLt = start === undefined ? undefined : concat(start, Uint8Array.of(0));
  const bounded: KeyRange = {
    ...range,
    reverse,
    ...(start !== undefined && !reverse && after(start, range.gte) ? { gte: start } : {}),
    ...(startLt !== undefined && reverse && before(startLt, range.lt) ? { lt: startLt } : {}),
  };
  const skip = hasKey ? 0n : (page?.offset ?? 0n);
  const countTotal = page?.countTotal === true && !hasKey;
  const items: T[] = [];
  let matched = 0n;
  let nextKey: Uint8Array = new Uint8Array();
  for await (const [key] of store.iterate(bounded)) {
    const item = decode(key);
    if (!match(item)) continue;
    matched++;
    if (matched <= skip) continue;
    if (BigInt(items.length) === limit) {
      if (nextKey.length === 0) nextKey = key.subarray(prefix.length);
      if (!countTotal) break;
      continue;
    }
    items.push(item);
  }
  return { items, pagination: { nextKey, total: countTotal ? matched : 0n } };
}

function optionalAmount(s: string, field: string): bigint | undefined {
  return s === '' ? undefined : parseAmount(s, field);
}

interface AmountTermFilter {
  readonly minAmount: bigint | undefined;
  readonly maxAmount: bigint | undefined;
  readonly minTerm: bigint | undefined;
  readonly maxTerm: bigint | undefined;
}

function amountTermFilter(req: { minAmount: string; maxAmount: string; minTermSeconds?: bigint | undefined; maxTermSeconds?: bigint | undefined }): AmountTermFilter {
  return {
    minAmount: optionalAmount(req.minAmount, 'min_amount'),
    maxAmount: optionalAmount(req.maxAmount, 'max_amount'),
    minTerm: req.minTermSeconds,
    maxTerm: req.maxTermSeconds,
  };
}

function matchesAmountTerm(f: AmountTermFilter, amount: bigint, term: bigint): boolean {
  if (f.minAmount !== undefined && amount < f.minAmount) return false;
  if (f.maxAmount !== undefined && amount > f.maxAmount) return false;
  if (f.minTerm !== undefined && term < f.minTerm) return false;
  if (f.maxTerm !== undefined && term > f.maxTerm) return false;
  return true;
}

export function lendingQueries(k: LendingKeeper): Map<string, QueryHandler> {
  const loansAt = async (ctx: QueryContext, prefix: Uint8Array, page: PageRequest | undefined): Promise<Uint8Array> => {
    const result = await paginate(ctx.store, prefix, prefixRange(prefix), page, (key) => {
      const raw = ctx.store.get(loanKey(idAtEnd(key)));
      if (raw === undefined) throw new Error(`loan index points at missing loan ${idAtEnd(key)}`);
      return Loan.decode(raw);
    });
    return q.QueryLoansResponse.encode({ loans: result.items, pagination: result.pagination }).finish();
  };
  return new Map<string, QueryHandler>([
    [
      Q + 'Offer',
      async (ctx, data) => q.QueryOfferResponse.encode({ offer: k.mustGetOffer(ctx.store, q.QueryOfferRequest.decode(data).offerId) }).finish(),
    ],
    [
      Q + 'Request',
      async (ctx, data) => q.QueryRequestResponse.encode({ request: k.mustGetRequest(ctx.store, q.QueryRequestRequest.decode(data).requestId) }).finish(),
    ],
    [
      Q + 'Loan',
      async (ctx, data) => {
        const req = q.QueryLoanRequest.decode(data);
        const loan = k.mustGetLoan(ctx.store, req.loanId);
        const owedAt = req.atTime !== 0n && loan.status === LoanStatus.LOAN_STATUS_ACTIVE ? k.owedAt(loan, req.atTime).toString() : '';
        return q.QueryLoanResponse.encode({ loan, owedAt }).finish();
      },
    ],
    [
      Q + 'OpenOffers',
      async (ctx, data) => {
        const req = q.QueryOpenOffersRequest.decode(data);
        const f = amountTermFilter(req);
        // Lowest rate first: a maximum rate bounds the key range.
        const end = req.maxRateBps === undefined || req.maxRateBps === 0xffff_ffff ? prefixEnd(OPEN_OFFERS_PREFIX) : concat(OPEN_OFFERS_PREFIX, uint32BE(req.maxRateBps + 1));
        const range: KeyRange = { gte: OPEN_OFFERS_PREFIX, ...(end !== undefined ? { lt: end } : {}) };
        const result = await paginateMatching<Offer>(
          ctx.store,
          OPEN_OFFERS_PREFIX,
          range,
          req.pagination,
          (key) => k.mustGetOffer(ctx.store, idAtEnd(key)),
          (o) =>
            matchesAmountTerm(f, amountOf(o.amount), o.termSeconds) &&
            (req.maxCollateralRatioBps === undefined || o.collateralRatioBps <= req.maxCollateralRatioBps),
        );
        return q.QueryOpenOffersResponse.encode({ offers: result.items, pagination: result.pagination }).finish();
      },
    ],
    [
      Q + 'OpenRequests',
      async (ctx, data) => {
        const req = q.QueryOpenRequestsRequest.decode(data);
        const f = amountTermFilter(req);
        const start = req.minRateBps === undefined ? OPEN_REQUESTS_PREFIX : concat(OPEN_REQUESTS_PREFIX, uint32BE(req.minRateBps));
        const end = prefixEnd(OPEN_REQUESTS_PREFIX);
        const range: KeyRange = { gte: start, ...(end !== undefined ? { lt: end } : {}) };
        const result = await paginateMatching<LoanRequest>(
          ctx.store,
          OPEN_REQUESTS_PREFIX,
          range,
          req.pagination,
          (key) => k.mustGetRequest(ctx.store, idAtEnd(key)),
          (r) => matchesAmountTerm(f, amountOf(r.amount), r.termSeconds),
        );
        return q.QueryOpenRequestsResponse.encode({ requests: result.items, pagination: result.pagination }).finish();
      },
    ],
    [
      Q + 'LoansByLender',
      async (ctx, data) => {
        const req = q.QueryLoansByLenderRequest.decode(data);
        return loansAt(ctx, byLenderPrefix(parseAddress(req.lender, 'lender')), req.pagination);
      },
    ],
    [
      Q + 'LoansByBorrower',
      async (ctx, data) => {
        const req = q.QueryLoansByBorrowerRequest.decode(data);
        return loansAt(ctx, byBorrowerPrefix(parseAddress(req.borrower, 'borrower')), req.pagination);
      },
    ],
    [
      Q + 'CreditHistory',
      async (ctx, data) => {
        const req = q.QueryCreditHistoryRequest.decode(data);
        parseAddress(req.borrower, 'borrower');
        return q.QueryCreditHistoryResponse.encode({ history: k.history(ctx.store, req.borrower), score: Number(k.scoreOf(ctx.store, req.borrower)) }).finish();
      },
    ],
    [Q + 'Params', async (ctx) => q.QueryParamsResponse.encode({ params: k.params(ctx.store) }).finish()],
  ]);
}
