// fees parameters: defaults, validation, and their place in state.
import { Params } from '../../generated/cybermiles/fees/v1/fees.js';
import { moduleParams } from '../../app/module-params.js';
import type { KVReader } from '../../store/types.js';
import { parseGasPrice } from './gas-price.js';
import { PARAMS_KEY } from './keys.js';

export const DEFAULT_FEES_PARAMS: Params = {
  freeTxsPerWindow: 100,
  windowBlocks: 600n,
  freeGasPerBlock: 30_000_000n,
  minGasPrice: '0.01',
  minFreeBalance: '1000000',
  stakePerExtraFreeTx: '0',
};

export function validateFeesParams(p: Params): string | undefined {
  if (p.windowBlocks <= 0n) return 'window_blocks must be positive';
  try {
    parseGasPrice(p.minGasPrice);
  } catch (e) {
    return `min_gas_price: ${(e as Error).message}`;
  }
  if (!/^[0-9]+$/.test(p.minFreeBalance)) return 'min_free_balance must be a whole number of ucmt';
  if (!/^[0-9]+$/.test(p.stakePerExtraFreeTx)) return 'stake_per_extra_free_tx must be a whole number of ucmt';
  return undefined;
}

export const feesParams = moduleParams(PARAMS_KEY, Params, DEFAULT_FEES_PARAMS, validateFeesParams);
export const getFeesParams = (store: KVReader): Params => feesParams.get(store);
