// The app's own state keys: facts from InitChain that must survive restarts and are part of the
// app hash, so every node agrees on them.
import { utf8 } from '../util/bytes.js';

export const CHAIN_ID_KEY = utf8('app/chain_id');
export const MAX_BLOCK_GAS_KEY = utf8('app/max_block_gas');
/** The last block's time (a protobuf Timestamp): CheckTx and simulation run "in" the next block. */
export const LAST_BLOCK_TIME_KEY = utf8('app/last_block_time');
