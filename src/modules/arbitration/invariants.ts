// arbitration invariants: its module account holds exactly the arbiters' bonds, and each arbiter's
// open-case count matches the cases assigned to it.
import type { Invariant } from '../../app/module.js';
import { CaseStatus } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import type { ArbitrationBank } from './expected-keepers.js';
import type { ArbitrationKeeper } from './keeper.js';

export function arbitrationInvariants(k: ArbitrationKeeper, bank: ArbitrationBank): Invariant[] {
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
      name: 'arbitration/open-cases',
      async check(store) {
        const open = new Map<string, bigint>();
        for await (const c of k.iterateCases(store)) {
          if (c.status === CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE || c.status === CaseStatus.CASE_STATUS_ACTIVE) {
            open.set(c.arbiter, (open.get(c.arbiter) ?? 0n) + 1n);
          }
        }
        for await (const a of k.iterateArbiters(store)) {
          const n = open.get(a.address) ?? 0n;
          if (n !== a.openCases) return `arbiter ${a.address} counts ${a.openCases} open cases, holds ${n}`;
        }
        return undefined;
      },
    },
  ];
}
