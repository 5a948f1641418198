// The Cosmos SDK's root errors (codespace "sdk"), with the SDK's own codes, so that wallets and
// CosmJS users see familiar codes.
import { registerError } from './chain-error.js';

const cs = 'sdk';
export const ErrTxDecode = registerError(cs, 2, 'tx parse error');
export const ErrInvalidSequence = registerError(cs, 3, 'invalid sequence');
export const ErrUnauthorized = registerError(cs, 4, 'unauthorized');
export const ErrInsufficientFunds = registerError(cs, 5, 'insufficient funds');
export const ErrUnknownRequest = registerError(cs, 6, 'unknown request');
export const ErrInvalidAddress = registerError(cs, 7, 'invalid address');
export const ErrInvalidPubKey = registerError(cs, 8, 'invalid pubkey');
export const ErrUnknownAddress = registerError(cs, 9, 'unknown address');
export const ErrInvalidCoins = registerError(cs, 10, 'invalid coins');
export const ErrOutOfGas = registerError(cs, 11, 'out of gas');
export const ErrMemoTooLarge = registerError(cs, 12, 'memo too large');
export const ErrInsufficientFee = registerError(cs, 13, 'insufficient fee');
export const ErrTooManySignatures = registerError(cs, 14, 'maximum number of signatures exceeded');
export const ErrNoSignatures = registerError(cs, 15, 'no signatures supplied');
export const ErrInvalidRequest = registerError(cs, 18, 'invalid request');
export const ErrTxTooLarge = registerError(cs, 21, 'tx too large');
export const ErrKeyNotFound = registerError(cs, 22, 'key not found');
export const ErrInvalidSigner = registerError(cs, 24, 'tx intended signer does not match the given signer');
export const ErrInvalidHeight = registerError(cs, 26, 'invalid height');
export const ErrInvalidChainID = registerError(cs, 28, 'invalid chain-id');
export const ErrTxTimeoutHeight = registerError(cs, 30, 'tx timeout height');
export const ErrUnknownExtensionOptions = registerError(cs, 31, 'unknown extension options');
export const ErrWrongSequence = registerError(cs, 32, 'incorrect account sequence');
export const ErrNotSupported = registerError(cs, 37, 'feature not supported');
export const ErrNotFound = registerError(cs, 38, 'not found');
export const ErrInvalidGasLimit = registerError(cs, 41, 'invalid gas limit');
