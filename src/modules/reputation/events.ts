// reputation events, every attribute indexed: tx_search "reputation_review_submitted.reviewed='cmt1…'".
// Score changes caused by escrow or arbitration in end-block (automatic releases, missed deadlines)
// land in the block's events (block_search).
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent, type Attributes } from '../../events/event.js';
import { Role, Side, type Review } from '../../generated/cybermiles/reputation/v1/reputation.js';

export const ReputationEvents = {
  reviewed: 'reputation_review_submitted',
  replied: 'reputation_review_replied',
  scoreChanged: 'reputation_score_changed',
} as const;

export function roleName(r: Role): string {
  return (Role[r] ?? String(r)).replace(/^ROLE_/, '').toLowerCase();
}

export function sideName(s: Side): string {
  return (Side[s] ?? String(s)).replace(/^SIDE_/, '').toLowerCase();
}

export function reviewEvent(type: string, r: Review, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['order_id', r.orderId.toString()],
    ['reviewer', r.reviewer],
    ['reviewed', r.reviewed],
    ['role', roleName(r.role)],
    ['side', sideName(r.side)],
    ...extra,
  ]);
}

/** Why a score moved. */
export type ScoreReason = 'review' | 'dispute_lost' | 'case_ruled' | 'deadline_missed';

export function scoreEvent(
  account: string,
  role: Role,
  reason: ScoreReason,
  ref: { orderId?: bigint; caseId?: bigint },
  values: { rating: bigint; weight: bigint; score: bigint },
): Event {
  const attrs: [string, string][] = [
    ['account', account],
    ['role', roleName(role)],
    ['reason', reason],
  ];
  if (ref.orderId !== undefined) attrs.push(['order_id', ref.orderId.toString()]);
  if (ref.caseId !== undefined) attrs.push(['case_id', ref.caseId.toString()]);
  attrs.push(['rating', values.rating.toString()], ['weight', values.weight.toString()], ['score', values.score.toString()]);
  return makeEvent(ReputationEvents.scoreChanged, attrs);
}
