// slashing events, with the SDK's type and attribute names.
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent } from '../../events/event.js';

export const SlashingEvents = {
  slash: 'slash',
  liveness: 'liveness',
  unjail: 'unjail',
} as const;

export const SlashReasons = {
  doubleSign: 'double_sign',
  missingSignature: 'missing_signature',
} as const;

export function slashingEvent(type: string, attrs: ReadonlyArray<readonly [string, string]>): Event {
  return makeEvent(type, attrs);
}
