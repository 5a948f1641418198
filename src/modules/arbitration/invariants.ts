// arbitration invariants: its module account holds exactly the arbiters' bonds, and cases,
// arbiters and disputed orders agree (consistency.ts).
import type { Invariant } from '../../app/module.js';
import { disputeConsistency } from './consistency.js';
import type { ArbitrationBank, DisputedOrders } from './expected-keepers.js';
import type { ArbitrationKeeper } from './keeper.js';

export function arbitrationInvariants(k: ArbitrationKeeper, orders: DisputedOrders, bank: ArbitrationBank): Invariant[] {
  return [
    {
      name: 'arbitration/bonds',
      async check(store) {
        let bonds = 0n;
        for await (const a of k.iterateArbiters(store)) bonds += BigInt(a.bond);
        const held = bank.lockedBalance(store);
        return held === bonds ? undefined : `arbitration account holds ${held}ucmt, bonds sum to ${bonds}ucmt`;
      },
    },
    {
      name: 'arbitration/disputes',
      check: (store) => disputeConsistency(k, orders, store),
    },
  ];
}
