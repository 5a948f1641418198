// [staking] stage 3, NOT WIRED YET: the pure parts of slashing. Nothing in the app calls this
// file; src/modules/slashing can be kept or dropped as a whole.
//
// Downtime: each validator has a bit array over the last `window` blocks (1 = missed), kept in
// state as bytes, and a running count of set bits. A validator is down when, after at least
// `window` blocks in the set, it missed more than window − min_signed of the last `window`.

export interface SigningInfo {
  /** Height from which the validator has been counted (its first block in the set). */
  readonly startHeight: bigint;
  /** Blocks counted so far (the bit index is indexOffset % window). */
  readonly indexOffset: bigint;
  readonly missedBlocks: bigint;
}

export interface VoteOutcome {
  readonly info: SigningInfo;
  readonly bits: Uint8Array;
  /** True when this vote makes the validator down (jail it, slash downtime fraction). */
  readonly down: boolean;
}

export function emptyBits(window: bigint): Uint8Array {
  return new Uint8Array(Number((window + 7n) / 8n));
}

function getBit(bits: Uint8Array, i: number): boolean {
  return (((bits[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
}

function setBit(bits: Uint8Array, i: number, on: boolean): void {
  const byte = bits[i >> 3] ?? 0;
  bits[i >> 3] = on ? byte | (1 << (i & 7)) : byte & ~(1 << (i & 7));
}

/** Records one block's vote (signed or missed) of a validator in the active set. */
export function recordVote(info: SigningInfo, bitsIn: Uint8Array, signed: boolean, height: bigint, window: bigint, minSignedBps: bigint): VoteOutcome {
  const bits = bitsIn.slice();
  const index = Number(info.indexOffset % window);
  const wasMissed = getBit(bits, index);
  let missed = info.missedBlocks;
  if (!signed && !wasMissed) missed++;
  if (signed && wasMissed) missed--;
  setBit(bits, index, !signed);
  const next: SigningInfo = { startHeight: info.startHeight, indexOffset: info.indexOffset + 1n, missedBlocks: missed };
  const minSigned = (window * minSignedBps) / 10_000n;
  const maxMissed = window - minSigned;
  const down = height - info.startHeight + 1n >= window && missed > maxMissed;
  return { info: next, bits, down };
}

/** After a jail: the window starts over. */
export function resetSigning(height: bigint, window: bigint): { info: SigningInfo; bits: Uint8Array } {
  return { info: { startHeight: height, indexOffset: 0n, missedBlocks: 0n }, bits: emptyBits(window) };
}

/** A fraction (basis points of basis points: 10^8 = 100%) of an amount, floored: 5% = 5_000_000. */
export function slashAmount(amount: bigint, fractionPpb: bigint): bigint {
  return (amount * fractionPpb) / 100_000_000n;
}

export const DOUBLE_SIGN_FRACTION_PPB = 5_000_000n; // 5%
export const DOWNTIME_FRACTION_PPB = 10_000n; // 0.01%

export interface UnbondingEntryLike {
  readonly creationHeight: bigint;
  readonly balance: bigint;
}

/**
 * Stake that was bonded to the validator at the infraction height but has since started
 * unbonding is slashed too: entries created at or after that height lose the fraction of their
 * initial amount, capped at what is left. Returns the new balances and the total burned.
 */
export function slashUnbonding<E extends UnbondingEntryLike & { readonly initialBalance: bigint }>(
  entries: readonly E[],
  infractionHeight: bigint,
  fractionPpb: bigint,
): { entries: E[]; burned: bigint } {
  let burned = 0n;
  const out = entries.map((e) => {
    if (e.creationHeight < infractionHeight) return e;
    const cut = slashAmount(e.initialBalance, fractionPpb);
    const take = cut > e.balance ? e.balance : cut;
    burned += take;
    return { ...e, balance: e.balance - take };
  });
  return { entries: out, burned };
}
