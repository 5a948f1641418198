// cosmos.bank.v1beta1.Query methods that CosmJS's bank extension calls, and a few more.
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryParamsResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import type { QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { prefixRange } from '../../store/range.js';
import { parseAddress } from '../auth/address.js';
import { validateDenom } from './coins.js';
import type { BankKeeper } from './keeper.js';
import { balancesPrefix, parseBalanceKey, SUPPLY_PREFIX } from './keys.js';

const Q = '/cosmos.bank.v1beta1.Query/';

export function bankQueries(bank: BankKeeper): Map<string, QueryHandler> {
  const balancesPage = async (
    store: Parameters<QueryHandler>[0]['store'],
    address: string,
    pagination: QueryAllBalancesRequest['pagination'],
  ) => {
    const prefix = balancesPrefix(parseAddress(address));
    return paginate(store, prefix, prefixRange(prefix), pagination, (key, value) => {
      const coin = Coin.decode(value);
      return { denom: parseBalanceKey(key).denom, amount: coin.amount };
    });
  };
  return new Map<string, QueryHandler>([
    [
      Q + 'Balance',
      async ({ store }, data) => {
        const req = QueryBalanceRequest.decode(data);
        validateDenom(req.denom);
        const amount = bank.getBalance(store, parseAddress(req.address), req.denom);
        return QueryBalanceResponse.encode({ balance: { denom: req.denom, amount: amount.toString() } }).finish();
      },
    ],
    [
      Q + 'AllBalances',
      async ({ store }, data) => {
        const req = QueryAllBalancesRequest.decode(data);
        const page = await balancesPage(store, req.address, req.pagination);
        return QueryAllBalancesResponse.encode({ balances: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'SpendableBalances',
      async ({ store }, data) => {
        const req = QuerySpendableBalancesRequest.decode(data);
        const page = await balancesPage(store, req.address, req.pagination);
        return QuerySpendableBalancesResponse.encode({ balances: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'TotalSupply',
      async ({ store }, data) => {
        const req = QueryTotalSupplyRequest.decode(data);
        const page = await paginate(store, SUPPLY_PREFIX, prefixRange(SUPPLY_PREFIX), req.pagination, (_k, v) => Coin.decode(v));
        return QueryTotalSupplyResponse.encode({ supply: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'SupplyOf',
      async ({ store }, data) => {
        const req = QuerySupplyOfRequest.decode(data);
        validateDenom(req.denom);
        const amount = bank.getSupply(store, req.denom);
        return QuerySupplyOfResponse.encode({ amount: { denom: req.denom, amount: amount.toString() } }).finish();
      },
    ],
    [
      Q + 'Params',
      async () => QueryParamsResponse.encode({ params: { sendEnabled: [], defaultSendEnabled: true } }).finish(),
    ],
  ]);
}
