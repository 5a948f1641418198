// cosmos.slashing.v1beta1.Query: what CosmJS's slashing extension calls (params, signingInfo,
// signingInfos), answered as the SDK does.
import { fromBech32 } from '@cosmjs/encoding';
import * as q from 'cosmjs-types/cosmos/slashing/v1beta1/query';
import { ValidatorSigningInfo } from 'cosmjs-types/cosmos/slashing/v1beta1/slashing';
import type { QueryHandler } from '../../app/module.js';
import { paginate } from '../../app/pagination.js';
import { ErrInvalidAddress } from '../../errors/sdk-errors.js';
import { prefixRange } from '../../store/range.js';
import { utf8 } from '../../util/bytes.js';
import { VALCONS_PREFIX } from '../staking/address.js';
import { ErrNoSigningInfoFound } from './errors.js';
import type { SlashingKeeper } from './keeper.js';
import { SIGNING_INFO_PREFIX } from './keys.js';
import { slashingParams, slashingRules } from './params.js';

const Q = '/cosmos.slashing.v1beta1.Query/';

export function parseConsAddress(address: string, field = 'cons_address'): Uint8Array {
  if (address === '') throw ErrInvalidAddress(`${field} is empty`);
  let d: { prefix: string; data: Uint8Array };
  try {
    d = fromBech32(address);
  } catch (e) {
    throw ErrInvalidAddress(`${field} ${JSON.stringify(address)} is not valid bech32 (${(e as Error).message})`);
  }
  if (d.prefix !== VALCONS_PREFIX) throw ErrInvalidAddress(`${field} ${address} has prefix "${d.prefix}", expected "${VALCONS_PREFIX}"`);
  if (d.data.length !== 20) throw ErrInvalidAddress(`${field} ${address} has ${d.data.length} bytes, expected 20`);
  return d.data;
}

/** LegacyDec in the SDK's protobuf form: the atomics as a decimal string, in bytes. */
const decBytes = (atomics: bigint): Uint8Array => utf8(atomics.toString());

export function slashingQueries(k: SlashingKeeper): Map<string, QueryHandler> {
  return new Map<string, QueryHandler>([
    [
      Q + 'Params',
      async (ctx) => {
        const p = slashingParams.get(ctx.store);
        const r = slashingRules(ctx.store);
        return q.QueryParamsResponse.encode({
          params: {
            signedBlocksWindow: p.signedBlocksWindow,
            minSignedPerWindow: decBytes(r.minSigned),
            downtimeJailDuration: { seconds: p.downtimeJailDurationSeconds, nanos: 0 },
            slashFractionDoubleSign: decBytes(r.doubleSign),
            slashFractionDowntime: decBytes(r.downtime),
          },
        }).finish();
      },
    ],
    [
      Q + 'SigningInfo',
      async (ctx, data) => {
        const req = q.QuerySigningInfoRequest.decode(data);
        const cons = parseConsAddress(req.consAddress);
        const info = k.getSigningInfo(ctx.store, cons);
        if (info === undefined) throw ErrNoSigningInfoFound(`no signing info for ${req.consAddress}`);
        return q.QuerySigningInfoResponse.encode({ valSigningInfo: info }).finish();
      },
    ],
    [
      Q + 'SigningInfos',
      async (ctx, data) => {
        const req = q.QuerySigningInfosRequest.decode(data);
        const page = await paginate(ctx.store, SIGNING_INFO_PREFIX, prefixRange(SIGNING_INFO_PREFIX), req.pagination, (_key, value) => ValidatorSigningInfo.decode(value));
        return q.QuerySigningInfosResponse.encode({ info: page.items, pagination: page.pagination }).finish();
      },
    ],
  ]);
}
