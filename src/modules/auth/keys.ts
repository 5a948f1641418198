// auth state keys. Accounts are stored as protobuf Any bytes (BaseAccount or ModuleAccount).
import { concat, utf8 } from '../../util/bytes.js';

export const AUTH_PREFIX = utf8('auth/');
export const ACCOUNT_PREFIX = concat(AUTH_PREFIX, utf8('a/'));
export const NEXT_ACCOUNT_NUMBER_KEY = concat(AUTH_PREFIX, utf8('next_account_number'));

export const accountKey = (address: Uint8Array): Uint8Array => concat(ACCOUNT_PREFIX, address);
