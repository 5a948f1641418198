// F1 fee distribution (as the SDK's x/distribution), slash-aware, over a
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
  /** A new historical ratio, with one reference (the current period that follows it). */
  setHistorical(val: string, period: bigint, ratio: bigint): void;
  /** One more reader of the ratio at `period` (a delegation starting there, a slash event). */
  retainHistorical(val: string, period: bigint): void;
  /** One reader fewer; the ratio is deleted when none is left. */
  releaseHistorical(val: string, period: bigint): void;
  starting(del: string, val: string): { previousPeriod: bigint; stake: bigint } | undefined;
  setStarting(del: string, val: string, s: { previousPeriod: bigint; stake: bigint } | undefined): void;
  /** The slash event that ended `period`, if any (see recordSlash). */
  slashEvent(val: string, period: bigint): SlashEvent | undefined;
  setSlashEvent(val: string, period: bigint, e: SlashEvent): void;
  /** The period of the validator's newest slash event; 0 when it was never slashed. */
  lastSlashPeriod(val: string): bigint;
  setLastSlashPeriod(val: string, period: bigint): void;
}

/**
 * A slash at the end of a period: delegations that started before it hold
 * stake × tokensAfter / tokensBefore (floored) from then on. Events of a validator are linked
 * newest first through `previousPeriod` (0 ends the list), so that a delegation's rewards walk
 * only the slashes since it started, with no range scan (reads stay synchronous).
 */
export interface SlashEvent {
  readonly tokensBefore: bigint;
  readonly tokensAfter: bigint;
  readonly previousPeriod: bigint;
  /** The block height of the slash. */
  readonly height: bigint;
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
  s.releaseHistorical(val, c.period - 1n); // no longer the current period's previous one
  s.setCurrent(val, { period: c.period + 1n, rewards: 0n });
  return { closed: c.period, unattributed };
}

/** Rewards of a delegation up to now (closes the period first); floored. */
export function pendingRewards(s: F1Store, del: string, val: string, tokens: bigint): bigint {
  const st = s.starting(del, val);
  if (st === undefined) return 0n;
  const { closed } = incrementPeriod(s, val, tokens);
  const end = s.historical(val, closed);
  if (end === undefined) throw new Error(`missing historical rewards for ${val}`);
  return rewardsSince(s, val, st.previousPeriod, st.stake, end);
}

/**
 * A delegation's rewards from the end of `startPeriod` to a cumulative ratio `endRatio`, walking
 * the validator's slash events after `startPeriod`: each segment pays stake × Δratio (floored),
 * and after each slash the stake shrinks by the slash's tokens_after / tokens_before (floored).
 */
export function rewardsSince(s: F1Store, val: string, startPeriod: bigint, stake: bigint, endRatio: bigint): bigint {
  const ratioAt = (p: bigint): bigint => {
    const r = s.historical(val, p);
    if (r === undefined) throw new Error(`missing historical rewards for ${val} period ${p}`);
    return r;
  };
  const events: { period: bigint; e: SlashEvent }[] = [];
  for (let p = s.lastSlashPeriod(val); p > startPeriod; ) {
    const e = s.slashEvent(val, p);
    if (e === undefined) throw new Error(`missing slash event of ${val} at period ${p}`);
    events.push({ period: p, e });
    p = e.previousPeriod;
  }
  let rewards = 0n;
  let from = ratioAt(startPeriod);
  let held = stake;
  for (const { period, e } of events.reverse()) {
    const at = ratioAt(period);
    rewards += (held * (at - from)) / RATIO_SCALE;
    held = e.tokensBefore === 0n ? 0n : (held * e.tokensAfter) / e.tokensBefore;
    from = at;
  }
  return rewards + (held * (endRatio - from)) / RATIO_SCALE;
}

/**
 * A slash of the validator's tokens: closes the current period at the tokens before it (so the
 * rewards so far are shared by the stake that earned them) and records the event. Returns what
 * closing the period could not attribute (no tokens), for the caller to keep.
 */
export function recordSlash(s: F1Store, val: string, tokensBefore: bigint, tokensAfter: bigint, height: bigint): bigint {
  const { closed, unattributed } = incrementPeriod(s, val, tokensBefore);
  s.setSlashEvent(val, closed, { tokensBefore, tokensAfter, previousPeriod: s.lastSlashPeriod(val), height });
  s.setLastSlashPeriod(val, closed);
  s.retainHistorical(val, closed); // the slash event reads it (slash events are kept)
  return unattributed;
}

/**
 * Before a delegation changes: pays its rewards (returned for the caller to send) and forgets its
 * start. After the change call `startDelegation` with the new stake.
 */
export function withdraw(s: F1Store, del: string, val: string, tokens: bigint): bigint {
  const st = s.starting(del, val);
  const r = pendingRewards(s, del, val, tokens);
  s.setStarting(del, val, undefined);
  if (st !== undefined) s.releaseHistorical(val, st.previousPeriod);
  return r;
}

/** A delegation (re)starts at the validator's last closed period with its stake in tokens. */
export function startDelegation(s: F1Store, del: string, val: string, stake: bigint): void {
  const c = mustCurrent(s, val);
  s.setStarting(del, val, { previousPeriod: c.period - 1n, stake });
  s.retainHistorical(val, c.period - 1n);
}

function mustCurrent(s: F1Store, val: string): { period: bigint; rewards: bigint } {
  const c = s.current(val);
  if (c === undefined) throw new Error(`validator ${val} has no distribution records`);
  return c;
}

/** An in-memory F1Store (tests; and the shape the keeper's state-backed one follows). */
export function memoryF1Store(): F1Store & { historicalPeriods(val: string): bigint[] } {
  const cur = new Map<string, { period: bigint; rewards: bigint }>();
  const hist = new Map<string, { ratio: bigint; refs: number }>();
  const retain = (key: string, delta: number): void => {
    const h = hist.get(key);
    if (h === undefined) throw new Error(`no historical ratio ${key}`);
    if (h.refs + delta <= 0) hist.delete(key);
    else hist.set(key, { ratio: h.ratio, refs: h.refs + delta });
  };
  const start = new Map<string, { previousPeriod: bigint; stake: bigint }>();
  const slashes = new Map<string, SlashEvent>();
  const lastSlash = new Map<string, bigint>();
  return {
    slashEvent: (v, p) => slashes.get(`${v}/${p}`),
    setSlashEvent: (v, p, e) => void slashes.set(`${v}/${p}`, e),
    lastSlashPeriod: (v) => lastSlash.get(v) ?? 0n,
    setLastSlashPeriod: (v, p) => void lastSlash.set(v, p),
    current: (v) => cur.get(v),
    setCurrent: (v, c) => void cur.set(v, c),
    historical: (v, p) => hist.get(`${v}/${p}`)?.ratio,
    setHistorical: (v, p, r) => void hist.set(`${v}/${p}`, { ratio: r, refs: 1 }),
    retainHistorical: (v, p) => retain(`${v}/${p}`, 1),
    releaseHistorical: (v, p) => retain(`${v}/${p}`, -1),
    historicalPeriods: (v) => [...hist.keys()].filter((k) => k.startsWith(`${v}/`)).map((k) => BigInt(k.slice(v.length + 1))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    starting: (d, v) => start.get(`${d}/${v}`),
    setStarting: (d, v, x) => void (x === undefined ? start.delete(`${d}/${v}`) : start.set(`${d}/${v}`, x)),
  };
}
