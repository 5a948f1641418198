// Query extensions for CosmJS's QueryClient, as CosmJS composes its own:
//   QueryClient.withExtensions(comet, setupEscrowExtension, setupArbitrationExtension)
import { createProtobufRpcClient, type QueryClient } from '@cosmjs/stargate';
import * as aq from '../generated/cybermiles/arbitration/v1/query.js';
import * as eq from '../generated/cybermiles/escrow/v1/query.js';

export interface Page {
  readonly key?: Uint8Array;
  readonly limit?: bigint;
  readonly offset?: bigint;
  readonly reverse?: boolean;
  readonly countTotal?: boolean;
}

export interface EscrowExtension {
  readonly escrow: {
    order(orderId: bigint): Promise<eq.QueryOrderResponse>;
    ordersByBuyer(buyer: string, page?: Page): Promise<eq.QueryOrdersResponse>;
    ordersBySeller(seller: string, page?: Page): Promise<eq.QueryOrdersResponse>;
    params(): Promise<eq.QueryParamsResponse>;
  };
}

export interface ArbitrationExtension {
  readonly arbitration: {
    arbiter(address: string): Promise<aq.QueryArbiterResponse>;
    arbiters(page?: Page): Promise<aq.QueryArbitersResponse>;
    case(caseId: bigint): Promise<aq.QueryCaseResponse>;
    casesByArbiter(arbiter: string, page?: Page): Promise<aq.QueryCasesResponse>;
    params(): Promise<aq.QueryParamsResponse>;
  };
}

export function setupEscrowExtension(base: QueryClient): EscrowExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.escrow.v1.Query', method, data));
  return {
    escrow: {
      order: (orderId) => call('Order', eq.QueryOrderRequest.encode({ orderId }).finish(), eq.QueryOrderResponse.decode),
      ordersByBuyer: (buyer, page) =>
        call('OrdersByBuyer', eq.QueryOrdersByBuyerRequest.encode(eq.QueryOrdersByBuyerRequest.fromPartial({ buyer, pagination: page })).finish(), eq.QueryOrdersResponse.decode),
      ordersBySeller: (seller, page) =>
        call('OrdersBySeller', eq.QueryOrdersBySellerRequest.encode(eq.QueryOrdersBySellerRequest.fromPartial({ seller, pagination: page })).finish(), eq.QueryOrdersResponse.decode),
      params: () => call('Params', new Uint8Array(), eq.QueryParamsResponse.decode),
    },
  };
}

export function setupArbitrationExtension(base: QueryClient): ArbitrationExtension {
  const rpc = createProtobufRpcClient(base);
  const call = async <R>(method: string, data: Uint8Array, decode: (b: Uint8Array) => R): Promise<R> =>
    decode(await rpc.request('cybermiles.arbitration.v1.Query', method, data));
  return {
    arbitration: {
      arbiter: (address) => call('Arbiter', aq.QueryArbiterRequest.encode({ address }).finish(), aq.QueryArbiterResponse.decode),
      arbiters: (page) => call('Arbiters', aq.QueryArbitersRequest.encode(aq.QueryArbitersRequest.fromPartial({ pagination: page })).finish(), aq.QueryArbitersResponse.decode),
      case: (caseId) => call('Case', aq.QueryCaseRequest.encode({ caseId }).finish(), aq.QueryCaseResponse.decode),
      casesByArbiter: (arbiter, page) =>
        call('CasesByArbiter', aq.QueryCasesByArbiterRequest.encode(aq.QueryCasesByArbiterRequest.fromPartial({ arbiter, pagination: page })).finish(), aq.QueryCasesResponse.decode),
      params: () => call('Params', new Uint8Array(), aq.QueryParamsResponse.decode),
    },
  };
}
