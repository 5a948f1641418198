// cybermiles.reputation.v1 messages: each checks its signer's address, then calls the keeper.
import { protoMsg } from '../../app/proto-msg.js';
import type { AnyMsgHandler } from '../../app/module.js';
import * as tx from '../../generated/cybermiles/reputation/v1/tx.js';
import { parseAddress } from '../auth/address.js';
import type { ReputationKeeper } from './keeper.js';

const PKG = '/cybermiles.reputation.v1.';

export function reputationMsgHandlers(k: ReputationKeeper): AnyMsgHandler[] {
  return [
    protoMsg({
      typeUrl: PKG + 'MsgSubmitReview',
      module: 'reputation',
      codec: tx.MsgSubmitReview,
      response: { typeUrl: PKG + 'MsgSubmitReviewResponse', codec: tx.MsgSubmitReviewResponse },
      signer: (m) => m.reviewer,
      validate: (m) => void parseAddress(m.reviewer, 'reviewer'),
      handle: (ctx, m) => {
        const r = k.submitReview(ctx, m.reviewer, m.orderId, m.ratings, { textHash: m.textHash, textUri: m.textUri });
        return { role: r.role, rating: r.rating, weight: r.weight };
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgReplyToReview',
      module: 'reputation',
      codec: tx.MsgReplyToReview,
      response: { typeUrl: PKG + 'MsgReplyToReviewResponse', codec: tx.MsgReplyToReviewResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: (ctx, m) => (k.reply(ctx, m.sender, m.orderId, { textHash: m.textHash, textUri: m.textUri }), {}),
    }),
  ];
}
