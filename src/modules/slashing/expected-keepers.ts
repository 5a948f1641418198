// What slashing needs from staking, as a narrow interface app.ts fills in (the staking keeper).
import type { Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { KVReader } from '../../store/types.js';
import type { StakingContext } from '../staking/expected-keepers.js';

export interface SlashingStaking {
  validatorByConsAddr(store: KVReader, cons: Uint8Array): Uint8Array | undefined;
  getValidator(store: KVReader, val: Uint8Array): Validator | undefined;
  /** The 20-byte consensus address of a validator's consensus key. */
  consAddressOf(v: Validator): Uint8Array;
  /** The unbonding period (evidence older than it is ignored). */
  params(store: KVReader): { unbondingTimeSeconds: bigint };
  jail(ctx: StakingContext, val: Uint8Array): void;
  unjail(ctx: StakingContext, val: Uint8Array, errs: { missingSelf: (m: string) => Error; tooLow: (m: string) => Error; notJailed: (m: string) => Error }): void;
  slash(ctx: StakingContext, val: Uint8Array, infractionHeight: bigint, fraction: bigint, currentHeight: bigint): Promise<bigint>;
}
