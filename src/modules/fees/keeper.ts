// fees keeper: each account's free-tx quota and usage per window of blocks.
import { Usage, type Params } from '../../generated/cybermiles/fees/v1/fees.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { memoDecoder } from '../../store/decoded-values.js';
import { handOver } from '../../store/bytes.js';
import { usageKey } from './keys.js';
import { encodeUsage } from './usage-bytes.js';
import { getFeesParams } from './params.js';

/** What the quota rule reads from other modules. */
export interface FeeAccounts {
  /** Spendable ucmt of an account. */
  balanceOf(store: KVReader, address: Uint8Array): bigint;
  /** Bonded ucmt of an account (zero until [staking] exists). */
  bondedOf(store: KVReader, address: Uint8Array): bigint;
}

export interface Quota {
  readonly eligible: boolean;
  readonly quota: number;
  readonly used: number;
  readonly nextWindowHeight: bigint;
}

/** A stored usage record, decoded once per stored value (see decoded-values.ts). */
const decodeUsage = memoDecoder((raw: Uint8Array): Readonly<Usage> => Usage.decode(raw));

export class FeesKeeper {
  constructor(private readonly accounts: FeeAccounts) {}

  params(store: KVReader): Params {
    return getFeesParams(store);
  }

  /**
   * The rule: an account holding at least min_free_balance may send free_txs_per_window zero-fee
   * txs per window of window_blocks blocks, plus one per stake_per_extra_free_tx ucmt bonded.
   */
  quotaOf(store: KVReader, address: Uint8Array, height: bigint, params: Params = this.params(store)): Quota {
    const window = height / params.windowBlocks;
    const used = this.usedIn(store, address, window);
    const perStake = BigInt(params.stakePerExtraFreeTx);
    const extra = perStake === 0n ? 0n : this.accounts.bondedOf(store, address) / perStake;
    const quota = Number(BigInt(params.freeTxsPerWindow) + extra > 0xffff_ffffn ? 0xffff_ffffn : BigInt(params.freeTxsPerWindow) + extra);
    return {
      eligible: this.accounts.balanceOf(store, address) >= BigInt(params.minFreeBalance),
      quota,
      used,
      nextWindowHeight: (window + 1n) * params.windowBlocks,
    };
  }

  private usedIn(store: KVReader, address: Uint8Array, window: bigint): number {
    const raw = store.get(usageKey(address));
    const usage = raw === undefined ? undefined : decodeUsage(raw);
    return usage !== undefined && usage.window === window ? usage.count : 0;
  }

  recordFreeTx(store: KVStore, address: Uint8Array, height: bigint, params: Params): void {
    const window = height / params.windowBlocks;
    const usage: Usage = { window, count: this.usedIn(store, address, window) + 1 };
    const bytes = encodeUsage(usage);
    decodeUsage.remember(bytes, usage);
    store.set(usageKey(address), handOver(bytes));
  }
}
