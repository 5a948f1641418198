// slashing state keys: params, each validator's signing info by consensus address, and its
// missed blocks (one key per missed index of the window; absent = signed).
import { concat, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('slashing/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const SIGNING_INFO_PREFIX = concat(P, utf8('si/'));
export const MISSED_PREFIX = concat(P, utf8('mb/'));

export const PRESENT = Uint8Array.of(1);

export const signingInfoKey = (cons: Uint8Array): Uint8Array => concat(SIGNING_INFO_PREFIX, cons);
export const missedPrefix = (cons: Uint8Array): Uint8Array => concat(MISSED_PREFIX, cons);
export const missedKey = (cons: Uint8Array, index: bigint): Uint8Array => concat(missedPrefix(cons), uint64BE(index));
