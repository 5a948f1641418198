// cosmos.auth.v1beta1.Query: Account (NotFound as CosmJS expects), Accounts, Params, AccountInfo.
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import {
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryParamsResponse,
} from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { Any } from 'cosmjs-types/google/protobuf/any';
import type { QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { ErrKeyNotFound } from '../../errors/sdk-errors.js';
import { prefixRange } from '../../store/range.js';
import { parseAddress } from './address.js';
import { BASE_ACCOUNT_TYPE, decodeAccount, encodeAccount, type AuthKeeper } from './keeper.js';
import { ACCOUNT_PREFIX } from './keys.js';
import { DEFAULT_AUTH_PARAMS } from './params.js';

const Q = '/cosmos.auth.v1beta1.Query/';

export function authQueries(auth: AuthKeeper): Map<string, QueryHandler> {
  const mustGet = (store: Parameters<QueryHandler>[0]['store'], address: string): Any => {
    const any = auth.getAccountAny(store, parseAddress(address));
    if (any === undefined) throw ErrKeyNotFound(`account ${address} not found`);
    return any;
  };
  return new Map<string, QueryHandler>([
    [
      Q + 'Account',
      async ({ store }, data) => {
        const req = QueryAccountRequest.decode(data);
        return QueryAccountResponse.encode({ account: mustGet(store, req.address) }).finish();
      },
    ],
    [
      Q + 'AccountInfo',
      async ({ store }, data) => {
        const req = QueryAccountInfoRequest.decode(data);
        const acc = decodeAccount(mustGet(store, req.address));
        const any = encodeAccount({ ...acc, module: undefined });
        return QueryAccountInfoResponse.encode({ info: BaseAccount.decode(any.value) }).finish();
      },
    ],
    [
      Q + 'Accounts',
      async ({ store }, data) => {
        const req = QueryAccountsRequest.decode(data);
        const page = await paginate(store, ACCOUNT_PREFIX, prefixRange(ACCOUNT_PREFIX), req.pagination, (_k, v) => Any.decode(v));
        return QueryAccountsResponse.encode({ accounts: page.items, pagination: page.pagination }).finish();
      },
    ],
    [
      Q + 'Params',
      async () =>
        QueryParamsResponse.encode({
          params: {
            maxMemoCharacters: DEFAULT_AUTH_PARAMS.maxMemoCharacters,
            txSigLimit: DEFAULT_AUTH_PARAMS.txSigLimit,
            txSizeCostPerByte: DEFAULT_AUTH_PARAMS.txSizeCostPerByte,
            sigVerifyCostEd25519: 590n,
            sigVerifyCostSecp256k1: DEFAULT_AUTH_PARAMS.sigVerifyCostSecp256k1,
          },
        }).finish(),
    ],
  ]);
}

export { BASE_ACCOUNT_TYPE };
