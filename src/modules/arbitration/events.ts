// arbitration events, indexed by case id, order id, buyer, seller and arbiter.
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent, type Attributes } from '../../events/event.js';
import type { Case } from '../../generated/cybermiles/arbitration/v1/arbitration.js';

export const ArbitrationEvents = {
  registered: 'arbitration_arbiter_registered',
  unbonding: 'arbitration_arbiter_unbonding',
  unbonded: 'arbitration_arbiter_unbonded',
  drawn: 'arbitration_arbiter_drawn',
  accepted: 'arbitration_arbiter_accepted',
  rejected: 'arbitration_arbiter_rejected',
  active: 'arbitration_case_active',
  ruled: 'arbitration_case_ruled',
  missed: 'arbitration_deadline_missed',
  unarbitrated: 'arbitration_case_unarbitrated',
} as const;

export function caseEvent(type: string, c: Case, extra: Attributes = []): Event {
  return makeEvent(type, [
    ['case_id', c.id.toString()],
    ['order_id', c.orderId.toString()],
    ['buyer', c.buyer],
    ['seller', c.seller],
    ['arbiter', c.arbiter],
    ...extra,
  ]);
}

export const arbiterEvent = (type: string, arbiter: string, extra: Attributes = []): Event => makeEvent(type, [['arbiter', arbiter], ...extra]);
