// cybermiles.escrow.v1.Query: an order with its evidence, orders by buyer or seller (paginated),
// params.
import type { QueryContext, QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { Order } from '../../generated/cybermiles/escrow/v1/escrow.js';
import type { PageRequest } from '../../generated/cybermiles/base/v1/pagination.js';
import * as q from '../../generated/cybermiles/escrow/v1/query.js';
import { prefixRange } from '../../store/range.js';
import { parseAddress } from '../auth/address.js';
import type { EscrowKeeper } from './keeper.js';
import { byBuyerPrefix, bySellerPrefix, idAtEnd, orderKey } from './keys.js';

const Q = '/cybermiles.escrow.v1.Query/';

export function escrowQueries(k: EscrowKeeper): Map<string, QueryHandler> {
  const ordersAt = async (ctx: QueryContext, prefix: Uint8Array, page: PageRequest | undefined): Promise<Uint8Array> => {
    const result = await paginate(ctx.store, prefix, prefixRange(prefix), page, (key) => {
      const raw = ctx.store.get(orderKey(idAtEnd(key)));
      if (raw === undefined) throw new Error(`order index points at missing order ${idAtEnd(key)}`);
      return Order.decode(raw);
    });
    return q.QueryOrdersResponse.encode({ orders: result.items, pagination: result.pagination }).finish();
  };
  return new Map<string, QueryHandler>([
    [
      Q + 'Order',
      async (ctx, data) => {
        const req = q.QueryOrderRequest.decode(data);
        const order = k.mustGetOrder(ctx.store, req.orderId);
        return q.QueryOrderResponse.encode({ order, evidence: await k.evidenceOf(ctx.store, order.id) }).finish();
      },
    ],
    [
      Q + 'OrdersByBuyer',
      async (ctx, data) => {
        const req = q.QueryOrdersByBuyerRequest.decode(data);
        return ordersAt(ctx, byBuyerPrefix(parseAddress(req.buyer, 'buyer')), req.pagination);
      },
    ],
    [
      Q + 'OrdersBySeller',
      async (ctx, data) => {
        const req = q.QueryOrdersBySellerRequest.decode(data);
        return ordersAt(ctx, bySellerPrefix(parseAddress(req.seller, 'seller')), req.pagination);
      },
    ],
    [Q + 'Params', async (ctx) => q.QueryParamsResponse.encode({ params: k.params(ctx.store) }).finish()],
  ]);
}
