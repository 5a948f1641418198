// fees errors (codespace "fees"); a fee below the minimum is the SDK's own sdk/13.
import { registerError } from '../../errors/chain-error.js';

export const ErrOverFreeQuota = registerError('fees', 2, 'free tx quota used up');
export const ErrNotEligibleForFree = registerError('fees', 3, 'account not eligible for free txs');
export const ErrFeeDenom = registerError('fees', 4, 'fees are paid in ucmt');
