// reputation invariants: review counts agree three ways (reviews stored, each account's score
// record, and the reviewer/reviewed pair counters, plus the index the queries page through); and
// every score's sums stay within what its events allow.
import type { Invariant } from '../../app/module.js';
import { prefixRange } from '../../store/range.js';
import { toHex } from '../../util/bytes.js';
import { parseAddress } from '../auth/address.js';
import type { ReputationKeeper } from './keeper.js';
import { PAIR_PREFIX, REVIEWS_OF_PREFIX } from './keys.js';
import { MAX_RATING, ONE } from './math.js';

const slot = (account: Uint8Array, role: number): string => `${toHex(account)}/${role}`;

/** (account bytes, role) of a key laid out as prefix | len | account | role | … */
function accountRoleAt(key: Uint8Array, prefixLength: number): string {
  const len = key[prefixLength] ?? 0;
  const account = key.subarray(prefixLength + 1, prefixLength + 1 + len);
  return slot(account, key[prefixLength + 1 + len] ?? 0);
}

export function reputationInvariants(k: ReputationKeeper): Invariant[] {
  return [
    {
      name: 'reputation/review-counts',
      async check(store) {
        const stored = new Map<string, bigint>();
        for await (const r of k.iterateReviews(store)) {
          const s = slot(parseAddress(r.reviewed), r.role);
          stored.set(s, (stored.get(s) ?? 0n) + 1n);
        }
        const indexed = new Map<string, bigint>();
        for await (const [key] of store.iterate(prefixRange(REVIEWS_OF_PREFIX))) {
          const s = accountRoleAt(key, REVIEWS_OF_PREFIX.length);
          indexed.set(s, (indexed.get(s) ?? 0n) + 1n);
        }
        const paired = new Map<string, bigint>();
        for await (const [key, n] of k.iteratePairCounts(store)) {
          const s = accountRoleAt(key, PAIR_PREFIX.length);
          paired.set(s, (paired.get(s) ?? 0n) + n);
        }
        const counted = new Map<string, bigint>();
        for await (const sc of k.iterateScores(store)) counted.set(slot(parseAddress(sc.address), sc.role), sc.reviews);
        const all = new Set([...stored.keys(), ...indexed.keys(), ...paired.keys(), ...[...counted].filter(([, n]) => n > 0n).map(([s]) => s)]);
        for (const s of [...all].sort()) {
          const n = stored.get(s) ?? 0n;
          const i = indexed.get(s) ?? 0n;
          const p = paired.get(s) ?? 0n;
          const c = counted.get(s) ?? 0n;
          if (n !== i || n !== p || n !== c) return `account/role ${s}: ${n} reviews stored, ${i} indexed, ${p} in pair counts, ${c} in its score`;
        }
        return undefined;
      },
    },
    {
      name: 'reputation/score-bounds',
      async check(store) {
        for await (const s of k.iterateScores(store)) {
          const events = s.reviews + s.positiveEvents + s.negativeEvents;
          const sum = BigInt(s.weightedSum);
          const weight = BigInt(s.weightSum);
          // Each decay may floor the weight sum one unit below the weighted sum's fifth: 5 per update.
          if (sum < 0n || weight < 0n || sum > (MAX_RATING / ONE) * weight + 5n * events) {
            return `score of ${s.address} (role ${s.role}) has weighted sum ${sum} for weight ${weight} over ${events} events`;
          }
          if (BigInt(s.ratingSum) > MAX_RATING * events) return `score of ${s.address} (role ${s.role}) rates ${s.ratingSum} over ${events} events`;
        }
        return undefined;
      },
    },
  ];
}
