// The pure parts of slashing: the signed-blocks window and slash fractions.
//
// Downtime: each validator has a window of the last `window` blocks it was counted in, one bit a
// block (1 = missed), and a running count of set bits. Only the bit at index_offset % window
// changes in a block, so the keeper keeps one state key per missed index (present = missed) and
// reads or writes at most that one key a block: O(1) per validator per block.
// A validator is down when it has been counted for at least `window` blocks since start_height
// and missed more than window − min_signed of the last `window`.

export const DEC_ONE = 10n ** 18n;

export interface SigningCounters {
  /** Height from which the validator has been counted. */
  readonly startHeight: bigint;
  /** Blocks counted so far (the bit index is indexOffset % window). */
  readonly indexOffset: bigint;
  readonly missedBlocks: bigint;
}

export interface VoteOutcome {
  readonly counters: SigningCounters;
  /** The bit index this vote was recorded at. */
  readonly index: bigint;
  /** The bit's value now (true = missed); the caller writes it when it differs from before. */
  readonly missed: boolean;
  /** True when the validator is down after this vote (jail it, slash the downtime fraction). */
  readonly down: boolean;
}

/** Blocks a validator may miss in a window: window − floor(window × min_signed). */
export function maxMissed(window: bigint, minSignedPerWindow: bigint): bigint {
  return window - (window * minSignedPerWindow) / DEC_ONE;
}

/**
 * Records one block's vote of a validator that was in the set. `wasMissed` is the bit at the
 * index this vote overwrites (the vote of `window` blocks ago).
 */
export function recordVote(c: SigningCounters, wasMissed: boolean, signed: boolean, height: bigint, window: bigint, minSignedPerWindow: bigint): VoteOutcome {
  const index = c.indexOffset % window;
  let missed = c.missedBlocks;
  if (!signed && !wasMissed) missed++;
  if (signed && wasMissed) missed--;
  const counters: SigningCounters = { startHeight: c.startHeight, indexOffset: c.indexOffset + 1n, missedBlocks: missed };
  const down = height - c.startHeight + 1n >= window && missed > maxMissed(window, minSignedPerWindow);
  return { counters, index, missed: !signed, down };
}

/** A fraction (LegacyDec atomics, 10^18 = 100%) of an amount, floored. */
export function slashAmount(amount: bigint, fraction: bigint): bigint {
  return (amount * fraction) / DEC_ONE;
}
