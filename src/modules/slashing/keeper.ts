// slashing keeper: signing infos and missed blocks (downtime), double-sign evidence, unjail.
import { toBech32 } from '@cosmjs/encoding';
import { ValidatorSigningInfo } from 'cosmjs-types/cosmos/slashing/v1beta1/slashing';
import { BondStatus } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { MisbehaviorType, type CommitInfo, type Misbehavior } from 'cosmjs-types/tendermint/abci/types';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { VALCONS_PREFIX, toValoper } from '../staking/address.js';
import type { StakingContext } from '../staking/expected-keepers.js';
import {
  ErrMissingSelfDelegation,
  ErrNoValidatorForAddress,
  ErrSelfDelegationTooLowToUnjail,
  ErrValidatorJailed,
  ErrValidatorNotJailed,
  ErrValidatorTombstoned,
} from './errors.js';
import { SlashingEvents, SlashReasons, slashingEvent } from './events.js';
import type { SlashingStaking } from './expected-keepers.js';
import { missedKey, missedPrefix, PRESENT, SIGNING_INFO_PREFIX, signingInfoKey } from './keys.js';
import { slashingRules, type SlashingRules } from './params.js';
import { recordVote } from './signing.js';

/** CometBFT's BlockIDFlag COMMIT: the validator signed the block. Anything else is a miss. */
const BLOCK_ID_FLAG_COMMIT = 2;

/** A tombstoned validator is jailed "forever" (the SDK's 9999-12-31T23:59:59Z). */
export const JAILED_FOREVER: Timestamp = { seconds: 253402300799n, nanos: 0 };

/**
 * CometBFT applies the validator updates of block H at H+2, so the stake that signed block H was
 * decided by the end of block H−1: unbonding and redelegation entries created at or after H−1
 * held stake that could sign at H. As the SDK's x/evidence, the slash reaches back to
 * H − 1 (ValidatorUpdateDelay = 1).
 */
export const VALIDATOR_UPDATE_DELAY = 1n;

export interface BlockClock {
  readonly height: bigint;
  readonly timeSeconds: bigint;
  readonly timeNanos: number;
}

const before = (a: Timestamp, b: BlockClock): boolean => a.seconds > b.timeSeconds || (a.seconds === b.timeSeconds && a.nanos > b.timeNanos);

export class SlashingKeeper {
  constructor(private readonly staking: SlashingStaking) {}

  getSigningInfo(store: KVReader, cons: Uint8Array): ValidatorSigningInfo | undefined {
    const raw = store.get(signingInfoKey(cons));
    return raw === undefined ? undefined : ValidatorSigningInfo.decode(raw);
  }

  setSigningInfo(store: KVStore, cons: Uint8Array, info: ValidatorSigningInfo): void {
    store.set(signingInfoKey(cons), ValidatorSigningInfo.encode(info).finish());
  }

  private signingInfoOrNew(store: KVReader, cons: Uint8Array, height: bigint): ValidatorSigningInfo {
    return (
      this.getSigningInfo(store, cons) ?? {
        address: toBech32(VALCONS_PREFIX, cons),
        startHeight: height,
        indexOffset: 0n,
        jailedUntil: { seconds: 0n, nanos: 0 },
        tombstoned: false,
        missedBlocksCounter: 0n,
      }
    );
  }

  /** The missed indexes of a validator's window, ascending. */
  async missedIndexes(store: KVReader, cons: Uint8Array): Promise<bigint[]> {
    const out: bigint[] = [];
    const prefix = missedPrefix(cons);
    for await (const [key] of store.iterate(prefixRange(prefix))) out.push(new DataView(key.buffer, key.byteOffset + prefix.length, 8).getBigUint64(0));
    return out;
  }

  async clearMissed(store: KVStore, cons: Uint8Array): Promise<void> {
    const keys: Uint8Array[] = [];
    for await (const [key] of store.iterate(prefixRange(missedPrefix(cons)))) keys.push(key);
    for (const key of keys) store.delete(key);
  }

  async *iterateSigningInfos(store: KVReader): AsyncGenerator<{ cons: Uint8Array; info: ValidatorSigningInfo }> {
    for await (const [key, value] of store.iterate(prefixRange(SIGNING_INFO_PREFIX))) {
      yield { cons: key.slice(SIGNING_INFO_PREFIX.length), info: ValidatorSigningInfo.decode(value) };
    }
  }

  /**
   * Begin-block: evidence first (a double-signer is tombstoned before its votes count), then the
   * previous block's votes.
   */
  async beginBlock(ctx: StakingContext, block: BlockClock, lastCommit: CommitInfo | undefined, misbehavior: readonly Misbehavior[]): Promise<void> {
    for (const m of misbehavior) await this.handleMisbehavior(ctx, block, m);
    const votes = lastCommit?.votes ?? [];
    if (votes.length === 0) return;
    const rules = slashingRules(ctx.store);
    for (const vote of votes) {
      const cons = vote.validator?.address;
      if (cons === undefined || cons.length !== 20) continue;
      await this.handleVote(ctx, block, cons, vote.blockIdFlag === BLOCK_ID_FLAG_COMMIT, rules);
    }
  }

  /** One validator's vote (or miss) of the previous block: O(1) reads and writes. */
  async handleVote(ctx: StakingContext, block: BlockClock, cons: Uint8Array, signed: boolean, rules: SlashingRules = slashingRules(ctx.store)): Promise<void> {
    const val = this.staking.validatorByConsAddr(ctx.store, cons);
    if (val === undefined) return;
    const v = this.staking.getValidator(ctx.store, val);
    // A jailed validator's misses are not counted (it is leaving the set), as in the SDK.
    if (v === undefined || v.jailed) return;
    const info = this.signingInfoOrNew(ctx.store, cons, block.height);
    const index = info.indexOffset % rules.window;
    const key = missedKey(cons, index);
    const wasMissed = ctx.store.get(key) !== undefined;
    const r = recordVote(
      { startHeight: info.startHeight, indexOffset: info.indexOffset, missedBlocks: info.missedBlocksCounter },
      wasMissed,
      signed,
      block.height,
      rules.window,
      rules.minSigned,
    );
    if (r.missed && !wasMissed) ctx.store.set(key, PRESENT);
    if (!r.missed && wasMissed) ctx.store.delete(key);
    const next: ValidatorSigningInfo = { ...info, indexOffset: r.counters.indexOffset, missedBlocksCounter: r.counters.missedBlocks };
    if (!signed) {
      ctx.events.emit(
        slashingEvent(SlashingEvents.liveness, [
          ['address', info.address],
          ['missed_blocks', next.missedBlocksCounter.toString()],
          ['height', block.height.toString()],
        ]),
      );
    }
    if (!r.down) {
      this.setSigningInfo(ctx.store, cons, next);
      return;
    }
    // Down: slash the downtime fraction of its stake now, jail it, and start its window over so
    // that it is not slashed again for the same misses once it is back.
    const burned = await this.staking.slash(ctx, val, block.height, rules.downtime, block.height);
    this.staking.jail(ctx, val);
    await this.clearMissed(ctx.store, cons);
    this.setSigningInfo(ctx.store, cons, {
      ...next,
      indexOffset: 0n,
      missedBlocksCounter: 0n,
      jailedUntil: { seconds: block.timeSeconds + rules.jailSeconds, nanos: block.timeNanos },
    });
    ctx.events.emit(
      slashingEvent(SlashingEvents.slash, [
        ['address', info.address],
        ['reason', SlashReasons.missingSignature],
        ['burned_coins', burned.toString()],
        ['jailed', toValoper(val)],
      ]),
    );
  }

  /**
   * Double-sign evidence (DUPLICATE_VOTE): slash the stake bonded at the infraction (see
   * VALIDATOR_UPDATE_DELAY), jail and tombstone. Ignored for an unknown, unbonded or already
   * tombstoned validator, and for evidence older than the unbonding period (its stake may be gone).
   */
  async handleMisbehavior(ctx: StakingContext, block: BlockClock, m: Misbehavior): Promise<void> {
    if (m.type !== MisbehaviorType.DUPLICATE_VOTE) return;
    const cons = m.validator?.address;
    if (cons === undefined || cons.length !== 20) return;
    const val = this.staking.validatorByConsAddr(ctx.store, cons);
    if (val === undefined) return;
    const v = this.staking.getValidator(ctx.store, val);
    if (v === undefined || v.status === BondStatus.BOND_STATUS_UNBONDED) return;
    const info = this.signingInfoOrNew(ctx.store, cons, block.height);
    if (info.tombstoned) return;
    const evidenceSeconds = m.time?.seconds ?? 0n;
    if (block.timeSeconds - evidenceSeconds > this.staking.params(ctx.store).unbondingTimeSeconds) return;
    const rules = slashingRules(ctx.store);
    const from = m.height - VALIDATOR_UPDATE_DELAY;
    const burned = await this.staking.slash(ctx, val, from < 0n ? 0n : from, rules.doubleSign, block.height);
    this.staking.jail(ctx, val);
    this.setSigningInfo(ctx.store, cons, { ...info, tombstoned: true, jailedUntil: JAILED_FOREVER });
    ctx.events.emit(
      slashingEvent(SlashingEvents.slash, [
        ['address', info.address],
        ['reason', SlashReasons.doubleSign],
        ['infraction_height', m.height.toString()],
        ['burned_coins', burned.toString()],
        ['jailed', toValoper(val)],
      ]),
    );
  }

  /** MsgUnjail: checks in order, each with its own code; nothing changes on error. */
  unjail(ctx: StakingContext, val: Uint8Array, block: BlockClock): void {
    const v = this.staking.getValidator(ctx.store, val);
    if (v === undefined) throw ErrNoValidatorForAddress(`${toValoper(val)} is not a validator`);
    if (!v.jailed) throw ErrValidatorNotJailed(`${v.operatorAddress} is not jailed`);
    const cons = this.staking.consAddressOf(v);
    const info = this.getSigningInfo(ctx.store, cons);
    if (info !== undefined) {
      if (info.tombstoned) throw ErrValidatorTombstoned(`${v.operatorAddress} was slashed for double signing`);
      if (before(info.jailedUntil, block)) {
        throw ErrValidatorJailed(`${v.operatorAddress} is jailed until ${info.jailedUntil.seconds}s (block time is ${block.timeSeconds}s)`);
      }
    }
    this.staking.unjail(ctx, val, { missingSelf: ErrMissingSelfDelegation, tooLow: ErrSelfDelegationTooLowToUnjail, notJailed: ErrValidatorNotJailed });
    // Back in the set, it gets a full window before it can be found down again (as the SDK's
    // AfterValidatorBonded).
    if (info !== undefined) this.setSigningInfo(ctx.store, cons, { ...info, startHeight: block.height });
    ctx.events.emit(slashingEvent(SlashingEvents.unjail, [['validator', v.operatorAddress]]));
  }
}
