// Test-only: reputation messages as Anys and query helpers for the in-process TestChain.
import type { Any } from 'cosmjs-types/google/protobuf/any';
import * as rq from '../generated/cybermiles/reputation/v1/query.js';
import { Ratings, type Role, type Side } from '../generated/cybermiles/reputation/v1/reputation.js';
import * as rtx from '../generated/cybermiles/reputation/v1/tx.js';
import type { PageRequest } from '../generated/cybermiles/base/v1/pagination.js';
import { decodeQuery, type TestChain } from './chain-fixture.js';

const R = '/cybermiles.reputation.v1.';
const RQ = '/cybermiles.reputation.v1.Query/';

/** Five stars on every dimension the side rates. */
export const SELLER_STARS: Partial<Ratings> = { itemAsDescribed: 5, shipping: 5, communication: 5 };
export const BUYER_STARS: Partial<Ratings> = { conduct: 5, communication: 5 };

export const repMsg = {
  review: (reviewer: string, orderId: bigint, ratings: Partial<Ratings>, textUri = 'ipfs://review', textHash: Uint8Array = new Uint8Array(32).fill(6)): Any => ({
    typeUrl: R + 'MsgSubmitReview',
    value: rtx.MsgSubmitReview.encode({ reviewer, orderId, ratings: Ratings.fromPartial(ratings), textHash, textUri }).finish(),
  }),
  reply: (sender: string, orderId: bigint, textUri = 'ipfs://reply', textHash: Uint8Array = new Uint8Array(32).fill(8)): Any => ({
    typeUrl: R + 'MsgReplyToReview',
    value: rtx.MsgReplyToReview.encode({ sender, orderId, textHash, textUri }).finish(),
  }),
};

function page(p: Partial<PageRequest> | undefined): PageRequest | undefined {
  if (p === undefined) return undefined;
  return { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false, ...p };
}

export const repQueries = {
  scores: (c: TestChain, address: string) => c.query(RQ + 'Scores', rq.QueryScoresRequest.encode({ address }).finish()),
  score: (c: TestChain, address: string, role: Role) => c.query(RQ + 'Score', rq.QueryScoreRequest.encode({ address, role }).finish()),
  reviewsOf: (c: TestChain, address: string, role: Role, pagination?: Partial<PageRequest>) =>
    c.query(RQ + 'ReviewsOf', rq.QueryReviewsOfRequest.encode({ address, role, pagination: page(pagination) }).finish()),
  review: (c: TestChain, orderId: bigint, side: Side) => c.query(RQ + 'Review', rq.QueryReviewRequest.encode({ orderId, side }).finish()),
  params: (c: TestChain) => c.query(RQ + 'Params', rq.QueryParamsRequest.encode({}).finish()),
};

/** The decoded score view of one role (throws with the log when the query fails). */
export async function scoreView(c: TestChain, address: string, role: Role): Promise<rq.ScoreView> {
  const v = decodeQuery(await repQueries.score(c, address, role), rq.QueryScoreResponse).score;
  if (v === undefined) throw new Error('no score view');
  return v;
}

export { rq as reputationQuery };
