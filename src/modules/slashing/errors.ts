// slashing's errors (codespace "slashing", codes as in the SDK's x/slashing where they exist).
import { registerError } from '../../errors/chain-error.js';

const cs = 'slashing';
export const ErrNoValidatorForAddress = registerError(cs, 2, 'address is not associated with any known validator');
export const ErrBadValidatorAddr = registerError(cs, 3, 'validator does not exist for that address');
export const ErrValidatorJailed = registerError(cs, 4, 'validator still jailed; cannot be unjailed');
export const ErrValidatorNotJailed = registerError(cs, 5, 'validator not jailed; cannot be unjailed');
export const ErrMissingSelfDelegation = registerError(cs, 6, 'validator has no self-delegation; cannot be unjailed');
export const ErrSelfDelegationTooLowToUnjail = registerError(cs, 7, "validator's self delegation less than minimum; cannot be unjailed");
export const ErrNoSigningInfoFound = registerError(cs, 8, 'no validator signing info found');
// CyberMiles: a tombstoned validator (double sign) can never come back.
export const ErrValidatorTombstoned = registerError(cs, 101, 'validator is tombstoned; cannot be unjailed');
