// [staking] stage 2, NOT WIRED YET: F1 fee distribution (as the SDK's x/distribution), over a
// small storage interface so that the keeper can back it with state. O(1) per validator per
// block: awards go into the validator's current-period pot; a delegation's rewards are its stake
// times the difference of cumulative reward ratios between the period it started and now.
//
// Ratios are in ucmt per token scaled by 10^18 (bigint, floor); a delegator's rewards are floored,
// so the sum paid never exceeds what was allocated (the dust stays as the validator's outstanding).

export const RATIO_SCALE = 10n ** 18n;

export interface F1Store {
  /** The validator's current period and the rewards (ucmt) accumulated in it. */
  current(val: string): { period: bigint; rewards: bigint } | undefined;
  setCurrent(val: string, c: { period: bigint; rewards: bigint }): void;
  /** Cumulative ratio at the end of `period`. */
  historical(val: string, period: bigint): bigint | undefined;
  setHistorical(val: string, period: bigint, ratio: bigint): void;
  starting(del: string, val: string): { previousPeriod: bigint; stake: bigint } | undefined;
  setStarting(del: string, val: string, s: { previousPeriod: bigint; stake: bigint } | undefined): void;
}

/** A new validator: period 0 ends with ratio 0, the current period is 1. */
export function initValidator(s: F1Store, val: string): void {
  s.setHistorical(val, 0n, 0n);
  s.setCurrent(val, { period: 1n, rewards: 0n });
}

/** Adds rewards (for its delegators, commission already taken) to the validator's current period. */
export function allocate(s: F1Store, val: string, amount: bigint): void {
  const c = mustCurrent(s, val);
  s.setCurrent(val, { period: c.period, rewards: c.rewards + amount });
}

/**
 * Closes the current period: its cumulative ratio is the previous one plus rewards / tokens.
 * With no tokens the rewards cannot be attributed and are returned (the caller keeps them as
 * community pool / outstanding). Returns the period just closed.
 */
export function incrementPeriod(s: F1Store, val: string, tokens: bigint): { closed: bigint; unattributed: bigint } {
  const c = mustCurrent(s, val);
  const prev = s.historical(val, c.period - 1n);
  if (prev === undefined) throw new Error(`no historical rewards for ${val} period ${c.period - 1n}`);
  let ratio = 0n;
  let unattributed = 0n;
  if (tokens > 0n) ratio = (c.rewards * RATIO_SCALE) / tokens;
  else unattributed = c.rewards;
  s.setHistorical(val, c.period, prev + ratio);
  s.setCurrent(val, { period: c.period + 1n, rewards: 0n });
  return { closed: c.period, unattributed };
}

/** Rewards of a delegation up to now (closes the period first); floored. */
export function pendingRewards(s: F1Store, del: string, val: string, tokens: bigint): bigint {
  const st = s.starting(del, val);
  if (st === undefined) return 0n;
  const { closed } = incrementPeriod(s, val, tokens);
  const start = s.historical(val, st.previousPeriod);
  const end = s.historical(val, closed);
  if (start === undefined || end === undefined) throw new Error(`missing historical rewards for ${val}`);
  return (st.stake * (end - start)) / RATIO_SCALE;
}

/**
 * Before a delegation changes: pays its rewards (returned for the caller to send) and forgets its
 * start. After the change call `startDelegation` with the new stake.
 */
export function withdraw(s: F1Store, del: string, val: string, tokens: bigint): bigint {
  const r = pendingRewards(s, del, val, tokens);
  s.setStarting(del, val, undefined);
  return r;
}

/** A delegation (re)starts at the validator's last closed period with its stake in tokens. */
export function startDelegation(s: F1Store, del: string, val: string, stake: bigint): void {
  const c = mustCurrent(s, val);
  s.setStarting(del, val, { previousPeriod: c.period - 1n, stake });
}

function mustCurrent(s: F1Store, val: string): { period: bigint; rewards: bigint } {
  const c = s.current(val);
  if (c === undefined) throw new Error(`validator ${val} has no distribution records`);
  return c;
}

/** An in-memory F1Store (tests; and the shape the keeper's state-backed one follows). */
export function memoryF1Store(): F1Store {
  const cur = new Map<string, { period: bigint; rewards: bigint }>();
  const hist = new Map<string, bigint>();
  const start = new Map<string, { previousPeriod: bigint; stake: bigint }>();
  return {
    current: (v) => cur.get(v),
    setCurrent: (v, c) => void cur.set(v, c),
    historical: (v, p) => hist.get(`${v}/${p}`),
    setHistorical: (v, p, r) => void hist.set(`${v}/${p}`, r),
    starting: (d, v) => start.get(`${d}/${v}`),
    setStarting: (d, v, x) => void (x === undefined ? start.delete(`${d}/${v}`) : start.set(`${d}/${v}`, x)),
  };
}
