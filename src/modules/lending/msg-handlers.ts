// cybermiles.lending.v1 messages: each checks its signer's address, then calls the keeper.
import { protoMsg } from '../../app/proto-msg.js';
import type { AnyMsgHandler } from '../../app/module.js';
import * as tx from '../../generated/cybermiles/lending/v1/tx.js';
import { parseAddress } from '../auth/address.js';
import type { LendingKeeper } from './keeper.js';

const PKG = '/cybermiles.lending.v1.';

export function lendingMsgHandlers(k: LendingKeeper): AnyMsgHandler[] {
  return [
    protoMsg({
      typeUrl: PKG + 'MsgCreateOffer',
      module: 'lending',
      codec: tx.MsgCreateOffer,
      response: { typeUrl: PKG + 'MsgCreateOfferResponse', codec: tx.MsgCreateOfferResponse },
      signer: (m) => m.lender,
      validate: (m) => void parseAddress(m.lender, 'lender'),
      handle: (ctx, m) => ({ offerId: k.createOffer(ctx, m).id }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgCancelOffer',
      module: 'lending',
      codec: tx.MsgCancelOffer,
      response: { typeUrl: PKG + 'MsgCancelOfferResponse', codec: tx.MsgCancelOfferResponse },
      signer: (m) => m.lender,
      validate: (m) => void parseAddress(m.lender, 'lender'),
      handle: (ctx, m) => (k.cancelOffer(ctx, m.lender, m.offerId), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgCreateRequest',
      module: 'lending',
      codec: tx.MsgCreateRequest,
      response: { typeUrl: PKG + 'MsgCreateRequestResponse', codec: tx.MsgCreateRequestResponse },
      signer: (m) => m.borrower,
      validate: (m) => void parseAddress(m.borrower, 'borrower'),
      handle: (ctx, m) => ({ requestId: k.createRequest(ctx, m).id }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgCancelRequest',
      module: 'lending',
      codec: tx.MsgCancelRequest,
      response: { typeUrl: PKG + 'MsgCancelRequestResponse', codec: tx.MsgCancelRequestResponse },
      signer: (m) => m.borrower,
      validate: (m) => void parseAddress(m.borrower, 'borrower'),
      handle: (ctx, m) => (k.cancelRequest(ctx, m.borrower, m.requestId), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgTakeOffer',
      module: 'lending',
      codec: tx.MsgTakeOffer,
      response: { typeUrl: PKG + 'MsgTakeOfferResponse', codec: tx.MsgTakeOfferResponse },
      signer: (m) => m.borrower,
      validate: (m) => void parseAddress(m.borrower, 'borrower'),
      handle: (ctx, m) => ({ loanId: k.takeOffer(ctx, m.borrower, m.offerId, m.collateral).id }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgFundRequest',
      module: 'lending',
      codec: tx.MsgFundRequest,
      response: { typeUrl: PKG + 'MsgFundRequestResponse', codec: tx.MsgFundRequestResponse },
      signer: (m) => m.lender,
      validate: (m) => void parseAddress(m.lender, 'lender'),
      handle: (ctx, m) => ({ loanId: k.fundRequest(ctx, m.lender, m.requestId, m.rateBps).id }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgRepay',
      module: 'lending',
      codec: tx.MsgRepay,
      response: { typeUrl: PKG + 'MsgRepayResponse', codec: tx.MsgRepayResponse },
      signer: (m) => m.borrower,
      validate: (m) => void parseAddress(m.borrower, 'borrower'),
      handle: (ctx, m) => {
        const r = k.repay(ctx, m.borrower, m.loanId, m.amount, m.all);
        return { interestPaid: r.interestPaid.toString(), principalPaid: r.principalPaid.toString(), remaining: r.remaining.toString(), closed: r.closed };
      },
    }),
  ];
}
