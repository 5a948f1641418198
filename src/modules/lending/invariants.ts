// lending invariants: its module account holds exactly what open offers, open requests and active
// loans lock; every open offer or request and every active loan is in its queue (and nothing
// else is); each credit history is what its borrower's loans add up to.
import type { Invariant } from '../../app/module.js';
import { CreditHistory, LoanStatus, OfferStatus, RequestStatus } from '../../generated/cybermiles/lending/v1/lending.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader } from '../../store/types.js';
import type { LendingBank } from './expected-keepers.js';
import { amountOf, emptyHistory, lockedByLoan, lockedByOffer, lockedByRequest, type LendingKeeper } from './keeper.js';
import {
  DEFAULT_QUEUE_PREFIX,
  defaultQueueKey,
  OFFER_EXPIRY_QUEUE_PREFIX,
  offerExpiryKey,
  OPEN_OFFERS_PREFIX,
  OPEN_REQUESTS_PREFIX,
  openOfferKey,
  openRequestKey,
  REQUEST_EXPIRY_QUEUE_PREFIX,
  requestExpiryKey,
} from './keys.js';

/** Sum of what the records lock in lending's account. */
export async function lockedByRecords(k: LendingKeeper, store: KVReader): Promise<bigint> {
  let locked = 0n;
  for await (const o of k.iterateOffers(store)) locked += lockedByOffer(o);
  for await (const r of k.iterateRequests(store)) locked += lockedByRequest(r);
  for await (const l of k.iterateLoans(store)) locked += lockedByLoan(l);
  return locked;
}

export function lendingFundsInvariant(k: LendingKeeper, bank: Pick<LendingBank, 'lockedBalance'>): Invariant {
  return {
    name: 'lending/locked-funds',
    async check(store) {
      const locked = await lockedByRecords(k, store);
      const held = bank.lockedBalance(store);
      return held === locked ? undefined : `lending account holds ${held}ucmt, open offers, open requests and active loans lock ${locked}ucmt`;
    },
  };
}

async function count(store: KVReader, prefix: Uint8Array): Promise<number> {
  let n = 0;
  for await (const _ of store.iterate(prefixRange(prefix))) n++;
  return n;
}

export function lendingQueuesInvariant(k: LendingKeeper): Invariant {
  return {
    name: 'lending/queues',
    async check(store) {
      let offers = 0;
      for await (const o of k.iterateOffers(store)) {
        if (o.status !== OfferStatus.OFFER_STATUS_OPEN) continue;
        offers++;
        if (!store.has(offerExpiryKey(o.expiresAt, o.id)) || !store.has(openOfferKey(o.rateBps, o.id))) return `open offer ${o.id} is missing from its queue or index`;
      }
      let requests = 0;
      for await (const r of k.iterateRequests(store)) {
        if (r.status !== RequestStatus.REQUEST_STATUS_OPEN) continue;
        requests++;
        if (!store.has(requestExpiryKey(r.expiresAt, r.id)) || !store.has(openRequestKey(r.maxRateBps, r.id))) return `open request ${r.id} is missing from its queue or index`;
      }
      let loans = 0;
      for await (const l of k.iterateLoans(store)) {
        if (l.status !== LoanStatus.LOAN_STATUS_ACTIVE) continue;
        loans++;
        if (!store.has(defaultQueueKey(l.graceEndsAt, l.id))) return `active loan ${l.id} is missing from the default queue`;
      }
      const sizes = [
        ['offer expiry queue', OFFER_EXPIRY_QUEUE_PREFIX, offers],
        ['open offers index', OPEN_OFFERS_PREFIX, offers],
        ['request expiry queue', REQUEST_EXPIRY_QUEUE_PREFIX, requests],
        ['open requests index', OPEN_REQUESTS_PREFIX, requests],
        ['default queue', DEFAULT_QUEUE_PREFIX, loans],
      ] as const;
      for (const [name, prefix, expected] of sizes) {
        const n = await count(store, prefix);
        if (n !== expected) return `${name} holds ${n} entries, expected ${expected}`;
      }
      return undefined;
    },
  };
}

/** Credit histories rebuilt from the loans. */
export async function historiesFromLoans(k: LendingKeeper, store: KVReader): Promise<Map<string, CreditHistory>> {
  const out = new Map<string, CreditHistory>();
  const add = (a: string, b: bigint | string): string => (amountOf(a) + BigInt(b)).toString();
  for await (const l of k.iterateLoans(store)) {
    const h = out.get(l.borrower) ?? emptyHistory(l.borrower);
    h.loansTaken += 1n;
    h.amountBorrowed = add(h.amountBorrowed, l.principal);
    h.amountRepaid = add(h.amountRepaid, amountOf(l.principalRepaid) + amountOf(l.interestPaid));
    if (l.status === LoanStatus.LOAN_STATUS_REPAID) h.repaidOnTime += 1n;
    if (l.status === LoanStatus.LOAN_STATUS_REPAID_LATE) h.repaidLate += 1n;
    if (l.status === LoanStatus.LOAN_STATUS_DEFAULTED) {
      h.defaulted += 1n;
      h.amountDefaulted = add(h.amountDefaulted, l.owedAtDefault);
    }
    out.set(l.borrower, h);
  }
  return out;
}

export function lendingHistoryInvariant(k: LendingKeeper): Invariant {
  return {
    name: 'lending/credit-history',
    async check(store) {
      const expected = await historiesFromLoans(k, store);
      let seen = 0;
      for await (const h of k.iterateHistories(store)) {
        seen++;
        const want = expected.get(h.borrower) ?? emptyHistory(h.borrower);
        const got = CreditHistory.toJSON(h);
        if (JSON.stringify(got) !== JSON.stringify(CreditHistory.toJSON(want))) {
          return `credit history of ${h.borrower} is ${JSON.stringify(got)}, its loans add up to ${JSON.stringify(CreditHistory.toJSON(want))}`;
        }
      }
      if (seen < expected.size) return `${expected.size - seen} borrowers with loans have no credit history`;
      return undefined;
    },
  };
}
