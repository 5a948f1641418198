// staking's errors (codespace "staking", codes as in the SDK's x/staking where they exist).
import { registerError } from '../../errors/chain-error.js';

const cs = 'staking';
export const ErrEmptyValidatorAddr = registerError(cs, 2, 'empty validator address');
export const ErrNoValidatorFound = registerError(cs, 3, 'validator does not exist');
export const ErrValidatorOwnerExists = registerError(cs, 4, 'validator already exist for this operator address; must use new validator operator address');
export const ErrValidatorPubKeyExists = registerError(cs, 5, 'validator already exist for this pubkey; must use new validator pubkey');
export const ErrValidatorPubKeyTypeNotSupported = registerError(cs, 6, 'validator pubkey type is not supported');
export const ErrCommissionNegative = registerError(cs, 9, 'commission must be positive');
export const ErrCommissionHuge = registerError(cs, 10, 'commission cannot be more than 100%');
export const ErrCommissionGTMaxRate = registerError(cs, 11, 'commission cannot be more than the max rate');
export const ErrCommissionUpdateTime = registerError(cs, 12, 'commission cannot be changed more than once in 24h');
export const ErrCommissionChangeRateGTMaxRate = registerError(cs, 14, 'commission change rate cannot be more than the max rate');
export const ErrCommissionGTMaxChangeRate = registerError(cs, 15, 'commission cannot be changed more than max change rate');
export const ErrSelfDelegationBelowMinimum = registerError(cs, 16, "validator's self delegation must be greater than their minimum self delegation");
export const ErrNoDelegation = registerError(cs, 19, 'no delegation for (address, validator) tuple');
export const ErrBadDenom = registerError(cs, 24, 'invalid coin denomination');
export const ErrNoUnbondingDelegation = registerError(cs, 27, 'no unbonding delegation found');
export const ErrMaxUnbondingDelegationEntries = registerError(cs, 28, 'too many unbonding delegation entries for (delegator, validator) tuple');
export const ErrSelfRedelegation = registerError(cs, 31, 'cannot redelegate to the same validator');
export const ErrTransitiveRedelegation = registerError(cs, 34, 'redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation');
export const ErrMaxRedelegationEntries = registerError(cs, 35, 'too many redelegation entries for (delegator, src-validator, dst-validator) tuple');
export const ErrInsufficientShares = registerError(cs, 22, 'insufficient delegation shares');
export const ErrBadAmount = registerError(cs, 40, 'invalid amount');
// CyberMiles' DPoS rule.
export const ErrSelfBondTooSmall = registerError(cs, 101, 'self-bond would fall below the minimum share of the validator\'s stake');
