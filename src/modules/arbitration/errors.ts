// arbitration's errors (codespace "arbitration").
import { registerError } from '../../errors/chain-error.js';

const cs = 'arbitration';
export const ErrArbiterNotFound = registerError(cs, 2, 'arbiter not found');
export const ErrBondTooSmall = registerError(cs, 3, 'bond below the minimum');
export const ErrHasOpenCases = registerError(cs, 4, 'arbiter has open cases');
export const ErrArbiterLeaving = registerError(cs, 5, 'arbiter is leaving the pool');
export const ErrCaseNotFound = registerError(cs, 6, 'case not found');
export const ErrInvalidCaseState = registerError(cs, 7, 'action not allowed in the case\'s state');
export const ErrNotParty = registerError(cs, 8, 'sender is not a party of the case');
export const ErrNotArbiter = registerError(cs, 9, 'sender is not the case\'s arbiter');
export const ErrNoRejectionsLeft = registerError(cs, 10, 'no rejections left');
export const ErrInvalidOutcome = registerError(cs, 11, 'invalid outcome');
export const ErrNoArbiter = registerError(cs, 12, 'no eligible arbiter in the pool');
export const ErrAlreadyAccepted = registerError(cs, 13, 'already accepted');
export const ErrTextTooLong = registerError(cs, 14, 'text too long');
