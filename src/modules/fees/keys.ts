// fees state keys: params and each account's free-tx usage in its current window.
import { concat, utf8 } from '../../util/bytes.js';

const P = utf8('fees/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const USAGE_PREFIX = concat(P, utf8('u/'));
export const usageKey = (address: Uint8Array): Uint8Array => concat(USAGE_PREFIX, address);
