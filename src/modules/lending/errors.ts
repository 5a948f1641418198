// lending's errors (codespace "lending").
import { registerError } from '../../errors/chain-error.js';

const cs = 'lending';
export const ErrOfferNotFound = registerError(cs, 2, 'offer not found');
export const ErrRequestNotFound = registerError(cs, 3, 'loan request not found');
export const ErrLoanNotFound = registerError(cs, 4, 'loan not found');
export const ErrWrongStatus = registerError(cs, 5, 'action not allowed in the current status');
export const ErrNotParty = registerError(cs, 6, 'sender is not the party allowed to do this');
export const ErrExpired = registerError(cs, 7, 'offer or request expired');
export const ErrScoreTooLow = registerError(cs, 8, 'credit score below the offer\'s minimum');
export const ErrInsufficientCollateral = registerError(cs, 9, 'collateral below the required ratio');
export const ErrRateAboveMax = registerError(cs, 10, 'rate above the request\'s maximum');
export const ErrInvalidRate = registerError(cs, 11, 'invalid rate');
export const ErrInvalidTerm = registerError(cs, 12, 'invalid term');
export const ErrInvalidExpiry = registerError(cs, 13, 'invalid expiry');
export const ErrOverpayment = registerError(cs, 14, 'repayment exceeds what is owed');
export const ErrInvalidAmount = registerError(cs, 15, 'invalid amount');
export const ErrSameParty = registerError(cs, 16, 'lender and borrower must differ');
export const ErrPastGrace = registerError(cs, 17, 'grace period over: the loan defaults');
export const ErrInvalidScore = registerError(cs, 18, 'invalid minimum credit score');
