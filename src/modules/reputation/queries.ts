// cybermiles.reputation.v1.Query: an account's scores in every role (with its trading record) or
// in one, decayed to the latest block time; reviews of an account (paginated, by role); a review
// by order and side; params.
import type { QueryContext, QueryHandler } from '../../app/module.js';
import { LAST_BLOCK_TIME_KEY } from '../../app/app-keys.js';
import { paginate } from '../../app/pagination.js';
import * as q from '../../generated/cybermiles/reputation/v1/query.js';
import { Review, Role, Side } from '../../generated/cybermiles/reputation/v1/reputation.js';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { prefixRange } from '../../store/range.js';
import type { KVReader } from '../../store/types.js';
import { parseAddress } from '../auth/address.js';
import { ErrInvalidRole, ErrReviewNotFound } from './errors.js';
import { ALL_ROLES, type ReputationKeeper } from './keeper.js';
import { reviewAtEnd, reviewKey, reviewsOfPrefix, reviewsOfRolePrefix } from './keys.js';

const Q = '/cybermiles.reputation.v1.Query/';

/** The latest committed block's time: what scores are decayed to in queries. */
export function lastBlockTime(store: KVReader): bigint {
  const raw = store.get(LAST_BLOCK_TIME_KEY);
  return raw === undefined ? 0n : Timestamp.decode(raw).seconds;
}

function checkRole(role: Role, allowUnspecified: boolean): void {
  if (role === Role.ROLE_UNSPECIFIED && allowUnspecified) return;
  if (!(ALL_ROLES as readonly Role[]).includes(role)) throw ErrInvalidRole(`role ${role} is not seller (1), buyer (2), arbiter (3) or borrower (4)`);
}

export function reputationQueries(k: ReputationKeeper): Map<string, QueryHandler> {
  return new Map<string, QueryHandler>([
    [
      Q + 'Scores',
      async (ctx, data) => {
        const req = q.QueryScoresRequest.decode(data);
        parseAddress(req.address, 'address');
        const now = lastBlockTime(ctx.store);
        return q.QueryScoresResponse.encode({
          scores: ALL_ROLES.map((role) => k.view(ctx.store, req.address, role, now)),
          trader: k.getTrader(ctx.store, req.address),
          asOf: now,
        }).finish();
      },
    ],
    [
      Q + 'Score',
      async (ctx, data) => {
        const req = q.QueryScoreRequest.decode(data);
        parseAddress(req.address, 'address');
        checkRole(req.role, false);
        const now = lastBlockTime(ctx.store);
        return q.QueryScoreResponse.encode({ score: k.view(ctx.store, req.address, req.role, now), asOf: now }).finish();
      },
    ],
    [
      Q + 'ReviewsOf',
      async (ctx: QueryContext, data) => {
        const req = q.QueryReviewsOfRequest.decode(data);
        const address = parseAddress(req.address, 'address');
        checkRole(req.role, true);
        const prefix = req.role === Role.ROLE_UNSPECIFIED ? reviewsOfPrefix(address) : reviewsOfRolePrefix(address, req.role);
        const page = await paginate(ctx.store, prefix, prefixRange(prefix), req.pagination, (key) => {
          const { orderId, side } = reviewAtEnd(key);
          const raw = ctx.store.get(reviewKey(orderId, side));
          if (raw === undefined) throw new Error(`review index points at a missing review (order ${orderId}, side ${side})`);
          return Review.decode(raw);
        });
        return q.QueryReviewsOfResponse.encode({ reviews: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'Review',
      async (ctx, data) => {
        const req = q.QueryReviewRequest.decode(data);
        if (req.side !== Side.SIDE_BUYER && req.side !== Side.SIDE_SELLER) throw ErrInvalidRole('side must be SIDE_BUYER (1) or SIDE_SELLER (2)');
        const review = k.getReview(ctx.store, req.orderId, req.side);
        if (review === undefined) throw ErrReviewNotFound(`order ${req.orderId} has no review by its ${req.side === Side.SIDE_BUYER ? 'buyer' : 'seller'}`);
        return q.QueryReviewResponse.encode({ review }).finish();
      },
    ],
    [Q + 'Params', async (ctx) => q.QueryParamsResponse.encode({ params: k.params(ctx.store) }).finish()],
  ]);
}
