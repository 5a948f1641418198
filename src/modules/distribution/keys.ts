// distribution state keys.
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('distribution/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const AWARD_STATE_KEY = concat(P, utf8('award'));
export const CURRENT_PREFIX = concat(P, utf8('cur/'));
export const HISTORICAL_PREFIX = concat(P, utf8('h/'));
export const STARTING_PREFIX = concat(P, utf8('s/'));
export const VALIDATOR_ACCOUNTS_PREFIX = concat(P, utf8('va/'));
export const WITHDRAW_ADDR_PREFIX = concat(P, utf8('wa/'));
export const SLASH_EVENT_PREFIX = concat(P, utf8('se/'));
export const LAST_SLASH_PREFIX = concat(P, utf8('ls/'));

export const currentKey = (val: Uint8Array): Uint8Array => concat(CURRENT_PREFIX, val);
export const historicalKey = (val: Uint8Array, period: bigint): Uint8Array => concat(HISTORICAL_PREFIX, val, uint64BE(period));
export const startingKey = (del: Uint8Array, val: Uint8Array): Uint8Array => concat(STARTING_PREFIX, lengthPrefixed(del), val);
export const validatorAccountsKey = (val: Uint8Array): Uint8Array => concat(VALIDATOR_ACCOUNTS_PREFIX, val);
export const withdrawAddrKey = (del: Uint8Array): Uint8Array => concat(WITHDRAW_ADDR_PREFIX, del);
export const slashEventKey = (val: Uint8Array, period: bigint): Uint8Array => concat(SLASH_EVENT_PREFIX, val, uint64BE(period));
export const lastSlashKey = (val: Uint8Array): Uint8Array => concat(LAST_SLASH_PREFIX, val);
