// escrow events: one per transition, each with the order id, buyer, seller and new status, all
// indexed (tx_search "escrow_order_created.buyer='cmt1…'"; end-block events via block_search).
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent, type Attributes } from '../../events/event.js';
import { OrderStatus, type Order } from '../../generated/cybermiles/escrow/v1/escrow.js';

export const EscrowEvents = {
  created: 'escrow_order_created',
  accepted: 'escrow_order_accepted',
  declined: 'escrow_order_declined',
  cancelled: 'escrow_order_cancelled',
  refunded: 'escrow_order_refunded',
  shipped: 'escrow_order_shipped',
  completed: 'escrow_order_completed',
  settlementProposed: 'escrow_settlement_proposed',
  settled: 'escrow_order_settled',
  disputed: 'escrow_dispute_raised',
  evidence: 'escrow_evidence_submitted',
  resolved: 'escrow_order_resolved',
} as const;

export function statusName(s: OrderStatus): string {
  return (OrderStatus[s] ?? String(s)).replace(/^ORDER_STATUS_/, '').toLowerCase();
}

export function orderEvent(type: string, order: Order, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['order_id', order.id.toString()],
    ['buyer', order.buyer],
    ['seller', order.seller],
    ['status', statusName(order.status)],
    ...extra,
  ]);
}
