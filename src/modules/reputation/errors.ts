// reputation's errors (codespace "reputation").
import { registerError } from '../../errors/chain-error.js';

const cs = 'reputation';
export const ErrOrderNotFound = registerError(cs, 2, 'order not found');
export const ErrOrderNotClosed = registerError(cs, 3, 'order is not completed, settled or resolved');
export const ErrNotParty = registerError(cs, 4, 'sender is not the buyer or the seller of the order');
export const ErrAlreadyReviewed = registerError(cs, 5, 'already reviewed');
export const ErrWindowClosed = registerError(cs, 6, 'review window closed');
export const ErrInvalidRating = registerError(cs, 7, 'invalid rating');
export const ErrTextTooLong = registerError(cs, 8, 'text too long');
export const ErrReviewNotFound = registerError(cs, 9, 'review not found');
export const ErrAlreadyReplied = registerError(cs, 10, 'already replied');
export const ErrInvalidRole = registerError(cs, 11, 'invalid role or side');
