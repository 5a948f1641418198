// staking events, with the SDK's type and attribute names.
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent } from '../../events/event.js';

export const StakingEvents = {
  createValidator: 'create_validator',
  editValidator: 'edit_validator',
  delegate: 'delegate',
  unbond: 'unbond',
  redelegate: 'redelegate',
  cancelUnbonding: 'cancel_unbonding_delegation',
  completeUnbonding: 'complete_unbonding',
  completeRedelegation: 'complete_redelegation',
  powerChanged: 'validator_power_changed',
} as const;

export function stakingEvent(type: string, attrs: ReadonlyArray<readonly [string, string]>): Event {
  return makeEvent(type, attrs);
}
