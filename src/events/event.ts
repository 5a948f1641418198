// ABCI events built by named constructors. Every attribute is indexed so tx_search finds it.
import type { Event } from 'cosmjs-types/tendermint/abci/types';

export type Attributes = ReadonlyArray<readonly [string, string]>;

export function makeEvent(type: string, attributes: Attributes): Event {
  return { type, attributes: attributes.map(([key, value]) => ({ key, value, index: true })) };
}

/** Collects events in emission order; a tx's events are kept only when the tx succeeds. */
export class EventManager {
  private readonly list: Event[] = [];
  emit(event: Event): void {
    this.list.push(event);
  }
  emitAll(events: readonly Event[]): void {
    for (const e of events) this.list.push(e);
  }
  events(): Event[] {
    return [...this.list];
  }
}
