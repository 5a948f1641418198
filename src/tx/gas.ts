// Gas metering, with the Cosmos SDK's default costs so that gas figures look familiar.
import { ErrOutOfGas } from '../errors/sdk-errors.js';

export const GasCosts = {
  txSizePerByte: 10n,
  sigVerifySecp256k1: 1000n,
  readFlat: 1000n,
  readPerByte: 3n,
  writeFlat: 2000n,
  writePerByte: 30n,
  deleteFlat: 1000n,
  hasFlat: 1000n,
  iterNextFlat: 30n,
} as const;

export interface GasMeter {
  readonly limit: bigint | undefined;
  consumed(): bigint;
  consume(amount: bigint, descriptor: string): void;
}

/** A meter with a limit; exceeding it throws ErrOutOfGas (code 11). */
export class LimitedGasMeter implements GasMeter {
  private used = 0n;
  constructor(readonly limit: bigint) {}
  consumed(): bigint {
    return this.used;
  }
  consume(amount: bigint, descriptor: string): void {
    this.used += amount;
    if (this.used > this.limit) {
      throw ErrOutOfGas(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}`);
    }
  }
}

/** Counts without a limit: genesis, block hooks, simulation. */
export class InfiniteGasMeter implements GasMeter {
  private used = 0n;
  readonly limit = undefined;
  consumed(): bigint {
    return this.used;
  }
  consume(amount: bigint): void {
    this.used += amount;
  }
}
