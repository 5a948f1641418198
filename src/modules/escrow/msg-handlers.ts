// cybermiles.escrow.v1 messages: each checks its signer's address, then calls the keeper.
import { protoMsg } from '../../app/proto-msg.js';
import type { AnyMsgHandler } from '../../app/module.js';
import * as tx from '../../generated/cybermiles/escrow/v1/tx.js';
import { parseAddress } from '../auth/address.js';
import type { EscrowKeeper } from './keeper.js';

const PKG = '/cybermiles.escrow.v1.';

export function escrowMsgHandlers(k: EscrowKeeper): AnyMsgHandler[] {
  const evidenceOf = (m: { evidenceHash: Uint8Array; evidenceUri: string; evidencePayload: Uint8Array }) =>
    m.evidenceHash.length === 0 && m.evidenceUri === '' && m.evidencePayload.length === 0
      ? undefined
      : { hash: m.evidenceHash, uri: m.evidenceUri, payload: m.evidencePayload };
  return [
    protoMsg({
      typeUrl: PKG + 'MsgCreateOrder',
      module: 'escrow',
      codec: tx.MsgCreateOrder,
      response: { typeUrl: PKG + 'MsgCreateOrderResponse', codec: tx.MsgCreateOrderResponse },
      signer: (m) => m.buyer,
      validate: (m) => {
        parseAddress(m.buyer, 'buyer');
        parseAddress(m.seller, 'seller');
      },
      handle: (ctx, m) => ({ orderId: k.createOrder(ctx, m).id }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgAcceptOrder',
      module: 'escrow',
      codec: tx.MsgAcceptOrder,
      response: { typeUrl: PKG + 'MsgAcceptOrderResponse', codec: tx.MsgAcceptOrderResponse },
      signer: (m) => m.seller,
      validate: (m) => void parseAddress(m.seller, 'seller'),
      handle: (ctx, m) => (k.accept(ctx, m.seller, m.orderId, m.deposit), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgDeclineOrder',
      module: 'escrow',
      codec: tx.MsgDeclineOrder,
      response: { typeUrl: PKG + 'MsgDeclineOrderResponse', codec: tx.MsgDeclineOrderResponse },
      signer: (m) => m.seller,
      validate: (m) => void parseAddress(m.seller, 'seller'),
      handle: (ctx, m) => (k.decline(ctx, m.seller, m.orderId), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgCancelOrder',
      module: 'escrow',
      codec: tx.MsgCancelOrder,
      response: { typeUrl: PKG + 'MsgCancelOrderResponse', codec: tx.MsgCancelOrderResponse },
      signer: (m) => m.buyer,
      validate: (m) => void parseAddress(m.buyer, 'buyer'),
      handle: (ctx, m) => (k.cancel(ctx, m.buyer, m.orderId), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgShipOrder',
      module: 'escrow',
      codec: tx.MsgShipOrder,
      response: { typeUrl: PKG + 'MsgShipOrderResponse', codec: tx.MsgShipOrderResponse },
      signer: (m) => m.seller,
      validate: (m) => void parseAddress(m.seller, 'seller'),
      handle: (ctx, m) => (k.ship(ctx, m.seller, m.orderId, m.trackingHash), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgConfirmReceipt',
      module: 'escrow',
      codec: tx.MsgConfirmReceipt,
      response: { typeUrl: PKG + 'MsgConfirmReceiptResponse', codec: tx.MsgConfirmReceiptResponse },
      signer: (m) => m.buyer,
      validate: (m) => void parseAddress(m.buyer, 'buyer'),
      handle: (ctx, m) => (k.confirm(ctx, m.buyer, m.orderId), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgProposeSettlement',
      module: 'escrow',
      codec: tx.MsgProposeSettlement,
      response: { typeUrl: PKG + 'MsgProposeSettlementResponse', codec: tx.MsgProposeSettlementResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: (ctx, m) => (k.proposeSettlement(ctx, m.sender, m.orderId, m.sellerAmount), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgAcceptSettlement',
      module: 'escrow',
      codec: tx.MsgAcceptSettlement,
      response: { typeUrl: PKG + 'MsgAcceptSettlementResponse', codec: tx.MsgAcceptSettlementResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: (ctx, m) => (k.acceptSettlement(ctx, m.sender, m.orderId, m.sellerAmount), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgRaiseDispute',
      module: 'escrow',
      codec: tx.MsgRaiseDispute,
      response: { typeUrl: PKG + 'MsgRaiseDisputeResponse', codec: tx.MsgRaiseDisputeResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: (ctx, m) => k.raiseDispute(ctx, m.sender, m.orderId, m.reason, evidenceOf(m)),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgSubmitEvidence',
      module: 'escrow',
      codec: tx.MsgSubmitEvidence,
      response: { typeUrl: PKG + 'MsgSubmitEvidenceResponse', codec: tx.MsgSubmitEvidenceResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: (ctx, m) => (k.submitEvidence(ctx, m.sender, m.orderId, { hash: m.hash, uri: m.uri, payload: m.payload }), {}),
    }),
  ];
}
