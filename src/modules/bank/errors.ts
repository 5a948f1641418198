// bank's own errors (codespace "bank"), codes as in the Cosmos SDK's x/bank.
import { registerError } from '../../errors/chain-error.js';

export const ErrNoInputs = registerError('bank', 2, 'no inputs to send transaction');
export const ErrNoOutputs = registerError('bank', 3, 'no outputs to send transaction');
export const ErrInputOutputMismatch = registerError('bank', 4, 'sum inputs != sum outputs');
export const ErrMultipleSenders = registerError('bank', 12, 'multiple senders not allowed');
