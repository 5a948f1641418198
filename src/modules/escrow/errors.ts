// escrow's errors (codespace "escrow").
import { registerError } from '../../errors/chain-error.js';

const cs = 'escrow';
export const ErrOrderNotFound = registerError(cs, 2, 'order not found');
export const ErrInvalidTransition = registerError(cs, 3, 'action not allowed in the order\'s state');
export const ErrNotParty = registerError(cs, 4, 'sender is not the party allowed to do this');
export const ErrDepositTooSmall = registerError(cs, 5, 'deposit below the minimum share of the price');
export const ErrDepositMismatch = registerError(cs, 6, 'deposit differs from the order\'s');
export const ErrInvalidDeadline = registerError(cs, 7, 'invalid delivery deadline');
export const ErrInvalidDisputeWindow = registerError(cs, 8, 'invalid dispute window');
export const ErrSameParty = registerError(cs, 9, 'buyer and seller must differ');
export const ErrDeadlinePassed = registerError(cs, 10, 'delivery deadline passed');
export const ErrDeadlineNotPassed = registerError(cs, 11, 'delivery deadline not passed yet');
export const ErrDisputeWindowClosed = registerError(cs, 12, 'dispute window closed');
export const ErrNoSettlement = registerError(cs, 13, 'no matching settlement proposal');
export const ErrTooMuchEvidence = registerError(cs, 14, 'too much evidence');
export const ErrInvalidAmount = registerError(cs, 15, 'invalid amount');
export const ErrTextTooLong = registerError(cs, 16, 'text too long');
