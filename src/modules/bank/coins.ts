// Coins as the state machine handles them: bigint amounts, validated denoms, sorted and unique.
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { ErrInvalidCoins } from '../../errors/sdk-errors.js';

export interface Amount {
  readonly denom: string;
  readonly amount: bigint;
}

/** Amounts are unsigned 256-bit integers, as the SDK's sdk.Int bound. */
export const MAX_AMOUNT = (1n << 256n) - 1n;
const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const DIGITS = /^[0-9]+$/;

export function validateDenom(denom: string, field = 'denom'): void {
  if (!DENOM.test(denom)) throw ErrInvalidCoins(`${field} ${JSON.stringify(denom)} is not a valid denom`);
}

export function parseAmount(amount: string, field = 'amount'): bigint {
  if (amount.startsWith('-')) throw ErrInvalidCoins(`${field} ${amount} is negative`);
  if (!DIGITS.test(amount)) throw ErrInvalidCoins(`${field} ${JSON.stringify(amount)} is not a whole number`);
  if (amount.length > 78) throw ErrInvalidCoins(`${field} ${amount} overflows 256 bits`);
  const n = BigInt(amount);
  if (n > MAX_AMOUNT) throw ErrInvalidCoins(`${field} ${amount} overflows 256 bits`);
  return n;
}

/**
 * Parses coins from a message: each amount positive, denoms valid, sorted and without duplicates.
 * `allowZero` is for fees, where CosmJS sends "0ucmt" on a chain with zero gas price.
 */
export function parseCoins(coins: readonly Coin[], field: string, opts: { allowZero?: boolean; allowEmpty?: boolean } = {}): Amount[] {
  if (coins.length === 0 && opts.allowEmpty !== true) throw ErrInvalidCoins(`${field} is empty`);
  const out: Amount[] = [];
  let previous: string | undefined;
  for (const [i, c] of coins.entries()) {
    validateDenom(c.denom, `${field}[${i}].denom`);
    const amount = parseAmount(c.amount, `${field}[${i}].amount`);
    if (amount === 0n && opts.allowZero !== true) throw ErrInvalidCoins(`${field}[${i}] amount 0${c.denom} is not positive`);
    if (previous !== undefined && c.denom <= previous) {
      throw ErrInvalidCoins(`${field} denoms must be sorted and unique (${previous} then ${c.denom})`);
    }
    previous = c.denom;
    out.push({ denom: c.denom, amount });
  }
  return out;
}

export function formatCoins(coins: readonly Amount[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

export function toCoin(a: Amount): Coin {
  return { denom: a.denom, amount: a.amount.toString() };
}

/** Adds coin lists into one sorted list, summing equal denoms. */
export function sumCoins(lists: ReadonlyArray<readonly Amount[]>): Amount[] {
  const totals = new Map<string, bigint>();
  for (const list of lists) for (const c of list) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + c.amount);
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount }));
}

export function coinsEqual(a: readonly Amount[], b: readonly Amount[]): boolean {
  return a.length === b.length && a.every((c, i) => c.denom === b[i]?.denom && c.amount === b[i]?.amount);
}
