// Gas metering, with the Cosmos SDK's default costs so that gas figures look familiar.
//
// A meter counts in a JavaScript number, exact for every integer up to 2^53 - 1: a tx is charged
// a few thousand gas for each read and write, so no tx (nor a block's hooks, nor a genesis) comes
// near it, and a meter that would pass it stops as out of gas (with a limit) or with an error
// (without one) rather than round. Each charge used to be bigint arithmetic, a new bigint every
// time: a few dozen a transfer. The limit and what the meter reports stay bigint, as in ABCI.
import { ErrOutOfGas } from '../errors/sdk-errors.js';

export const GasCosts = {
  txSizePerByte: 10,
  sigVerifySecp256k1: 1000,
  readFlat: 1000,
  readPerByte: 3,
  writeFlat: 2000,
  writePerByte: 30,
  deleteFlat: 1000,
  hasFlat: 1000,
  iterNextFlat: 30,
} as const;

export interface GasMeter {
  readonly limit: bigint | undefined;
  consumed(): bigint;
  /** Charges `amount` gas (a non-negative integer). */
  consume(amount: number, descriptor: string): void;
}

/** A gas amount given as a bigint (a parameter times a size) as a meter's number; past 2^53 - 1, Infinity. */
export function gasAmount(amount: bigint): number {
  return amount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(amount) : Infinity;
}

/** A meter with a limit; exceeding it throws ErrOutOfGas (code 11). */
export class LimitedGasMeter implements GasMeter {
  private used = 0;
  /** The limit as a number: exact below 2^53, and beyond it no count of ours can reach it anyway. */
  private readonly max: number;
  constructor(readonly limit: bigint) {
    this.max = Number(limit);
  }
  consumed(): bigint {
    return BigInt(this.used);
  }
  consume(amount: number, descriptor: string): void {
    const used = this.used + amount;
    if (!(used <= Number.MAX_SAFE_INTEGER)) {
      throw ErrOutOfGas(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: more than ${Number.MAX_SAFE_INTEGER}`);
    }
    // As in the SDK, the charge counts even when it runs out: the tx reports what it used.
    this.used = used;
    if (used > this.max) throw ErrOutOfGas(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${used}`);
  }
}

/** Counts without a limit: genesis, block hooks, simulation. */
export class InfiniteGasMeter implements GasMeter {
  private used = 0;
  readonly limit = undefined;
  consumed(): bigint {
    return BigInt(this.used);
  }
  consume(amount: number, descriptor: string): void {
    const used = this.used + amount;
    if (!(used <= Number.MAX_SAFE_INTEGER)) throw new Error(`gas counter overflow in location: ${descriptor}`);
    this.used = used;
  }
}
