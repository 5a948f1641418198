// escrow invariant: its module account holds exactly what open orders have locked.
import type { Invariant } from '../../app/module.js';
import type { EscrowBank } from './expected-keepers.js';
import { lockedBy, type EscrowKeeper } from './keeper.js';

export function escrowFundsInvariant(k: EscrowKeeper, bank: EscrowBank): Invariant {
  return {
    name: 'escrow/locked-funds',
    async check(store) {
      let locked = 0n;
      for await (const o of k.iterateOrders(store)) locked += lockedBy(o);
      const held = bank.lockedBalance(store);
      return held === locked ? undefined : `escrow account holds ${held}ucmt, open orders locked ${locked}ucmt`;
    },
  };
}
