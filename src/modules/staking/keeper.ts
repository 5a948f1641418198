// staking keeper: validators, delegations, unbonding and redelegation, and the validator set.
// Tokens of BONDED validators (active and backup) sit in bonded_tokens_pool; those of other
// validators and of unbonding entries in not_bonded_tokens_pool. Shares are LegacyDec atomics.
import { Any } from 'cosmjs-types/google/protobuf/any';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { PubKey as Ed25519PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import {
  BondStatus,
  Delegation,
  Redelegation,
  UnbondingDelegation,
  Validator,
  type Description,
} from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import type { ValidatorUpdate } from 'cosmjs-types/tendermint/abci/types';
import { LastPower, type Params } from '../../generated/cybermiles/staking/v1/staking.js';
import { prefixRange } from '../../store/range.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { bytesEqual, concat, readUint64BE, toHex, uint64BE } from '../../util/bytes.js';
import { toAddress } from '../auth/address.js';
import { consAddress, toValoper } from './address.js';
import { DEC_ONE, formatDec } from './dec.js';
import {
  ErrBadAmount,
  ErrCommissionChangeRateGTMaxRate,
  ErrCommissionGTMaxChangeRate,
  ErrCommissionGTMaxRate,
  ErrCommissionHuge,
  ErrCommissionNegative,
  ErrCommissionUpdateTime,
  ErrInsufficientShares,
  ErrMaxRedelegationEntries,
  ErrMaxUnbondingDelegationEntries,
  ErrNoDelegation,
  ErrNoUnbondingDelegation,
  ErrNoValidatorFound,
  ErrSelfBondTooSmall,
  ErrSelfDelegationBelowMinimum,
  ErrSelfRedelegation,
  ErrTransitiveRedelegation,
  ErrValidatorOwnerExists,
  ErrValidatorPubKeyExists,
  ErrValidatorPubKeyTypeNotSupported,
} from './errors.js';
import { StakingEvents, stakingEvent } from './events.js';
import { BONDED_POOL, NOT_BONDED_POOL, type StakingBank, type StakingContext } from './expected-keepers.js';
import {
  consAddrKey,
  delegatedTotalKey,
  delegationByValKey,
  delegationsToPrefix,
  delegationKey,
  delegationsOfPrefix,
  LAST_POWER_PREFIX,
  lastPowerKey,
  POWER_INDEX_PREFIX,
  powerIndexKey,
  PRESENT,
  REDELEGATION_QUEUE_PREFIX,
  redelegationByDstKey,
  redelegationBySrcKey,
  redelegationKey,
  redelegationQueueKey,
  redelegationsFromPrefix,
  redelegationsIntoPrefix,
  splitPair,
  UNBONDING_QUEUE_PREFIX,
  unbondingByValKey,
  unbondingKey,
  unbondingQueueKey,
  unbondingsToPrefix,
  valAtEnd,
  validatorKey,
  VALIDATOR_QUEUE_PREFIX,
  validatorQueueKey,
} from './keys.js';
import { getStakingParams } from './params.js';
import { cappedPowers } from './power.js';

export const ED25519_PUBKEY_TYPE = '/cosmos.crypto.ed25519.PubKey';
const DAY_SECONDS = 24n * 3600n;
const BPS = 10_000n;

export interface BlockTime {
  readonly height: bigint;
  readonly timeSeconds: bigint;
  readonly timeNanos: number;
}

export interface NewValidator {
  readonly operator: Uint8Array;
  readonly pubkey: Uint8Array;
  readonly description: Description;
  readonly rate: bigint;
  readonly maxRate: bigint;
  readonly maxChangeRate: bigint;
  readonly minSelfDelegation: bigint;
  readonly selfBond: bigint;
}

export const ed25519Any = (key: Uint8Array): Any => ({ typeUrl: ED25519_PUBKEY_TYPE, value: Ed25519PubKey.encode({ key }).finish() });

/** The raw ed25519 key of a validator's consensus pubkey. */
export function consensusKey(v: Validator): Uint8Array {
  if (v.consensusPubkey === undefined || v.consensusPubkey.typeUrl !== ED25519_PUBKEY_TYPE) {
    throw new Error(`validator ${v.operatorAddress} has no ed25519 consensus key`);
  }
  return Ed25519PubKey.decode(v.consensusPubkey.value).key;
}

const timeAfter = (t: BlockTime, seconds: bigint): Timestamp => ({ seconds: t.timeSeconds + seconds, nanos: t.timeNanos });
const notAfter = (a: Timestamp, t: BlockTime): boolean => a.seconds < t.timeSeconds || (a.seconds === t.timeSeconds && a.nanos <= t.timeNanos);

/** Who hears of stake changes ([distribution]); hooks break the module cycle. */
export interface StakingHooks {
  afterValidatorCreated(ctx: StakingContext, val: Uint8Array): void;
  /** Before a delegation's shares change (or it is created), with the validator's tokens before. */
  beforeDelegationChange(ctx: StakingContext, del: Uint8Array, val: Uint8Array, validatorTokens: bigint): void;
  /** After, with the delegation's tokens now (0 when it is gone). */
  afterDelegationChange(ctx: StakingContext, del: Uint8Array, val: Uint8Array, delegationTokens: bigint): void;
  /** Before a slash takes tokens from a validator (its delegators' shares stay the same). */
  beforeValidatorSlashed(ctx: StakingContext, val: Uint8Array, tokensBefore: bigint, tokensAfter: bigint, height: bigint): void;
}

export class StakingKeeper {
  private hooks: StakingHooks | undefined;

  constructor(private readonly bank: StakingBank) {}

  /** Set once by app.ts. */
  setHooks(hooks: StakingHooks): void {
    if (this.hooks !== undefined) throw new Error('staking hooks set twice');
    this.hooks = hooks;
  }

  params(store: KVReader): Params {
    return getStakingParams(store);
  }

  // ---- records ----

  getValidator(store: KVReader, val: Uint8Array): Validator | undefined {
    const raw = store.get(validatorKey(val));
    return raw === undefined ? undefined : Validator.decode(raw);
  }

  mustGetValidator(store: KVReader, val: Uint8Array): Validator {
    const v = this.getValidator(store, val);
    if (v === undefined) throw ErrNoValidatorFound(`validator ${toValoper(val)} does not exist`);
    return v;
  }

  /** Writes a validator and keeps the power index in step (jailed or stakeless: not indexed). */
  private setValidator(store: KVStore, val: Uint8Array, v: Validator, before: Validator | undefined): void {
    if (before !== undefined) store.delete(powerIndexKey(BigInt(before.tokens), val));
    if (!v.jailed && BigInt(v.tokens) > 0n) store.set(powerIndexKey(BigInt(v.tokens), val), PRESENT);
    store.set(validatorKey(val), Validator.encode(v).finish());
  }

  getDelegation(store: KVReader, del: Uint8Array, val: Uint8Array): Delegation | undefined {
    const raw = store.get(delegationKey(del, val));
    return raw === undefined ? undefined : Delegation.decode(raw);
  }

  getUnbonding(store: KVReader, del: Uint8Array, val: Uint8Array): UnbondingDelegation | undefined {
    const raw = store.get(unbondingKey(del, val));
    return raw === undefined ? undefined : UnbondingDelegation.decode(raw);
  }

  getRedelegation(store: KVReader, del: Uint8Array, src: Uint8Array, dst: Uint8Array): Redelegation | undefined {
    const raw = store.get(redelegationKey(del, src, dst));
    return raw === undefined ? undefined : Redelegation.decode(raw);
  }

  /** ucmt delegated by an account over all validators (the fee quota reads this). */
  delegatedTotal(store: KVReader, del: Uint8Array): bigint {
    const raw = store.get(delegatedTotalKey(del));
    return raw === undefined ? 0n : readUint64BE(raw);
  }

  private addDelegatedTotal(store: KVStore, del: Uint8Array, delta: bigint): void {
    const next = this.delegatedTotal(store, del) + delta;
    if (next < 0n) throw new Error(`delegated total of ${toAddress(del)} below zero`);
    if (next === 0n) store.delete(delegatedTotalKey(del));
    else store.set(delegatedTotalKey(del), uint64BE(next));
  }

  /** A delegation left with `remaining` shares: rewritten, or removed (both indexes) at zero. */
  private keepShares(store: KVStore, del: Uint8Array, val: Uint8Array, d: Delegation, remaining: bigint): void {
    if (remaining === 0n) {
      store.delete(delegationKey(del, val));
      store.delete(delegationByValKey(val, del));
    } else {
      store.set(delegationKey(del, val), Delegation.encode({ ...d, shares: remaining.toString() }).finish());
    }
  }

  /** Tokens a delegation's shares are worth now. */
  tokensOf(v: Validator, shares: bigint): bigint {
    const total = BigInt(v.delegatorShares);
    return total === 0n ? 0n : (shares * BigInt(v.tokens)) / total;
  }

  private poolOf(v: Validator): string {
    return v.status === BondStatus.BOND_STATUS_BONDED ? BONDED_POOL : NOT_BONDED_POOL;
  }

  async *iterate<T>(store: KVReader, prefix: Uint8Array, decode: (bytes: Uint8Array) => T): AsyncGenerator<T> {
    for await (const [, value] of store.iterate(prefixRange(prefix))) yield decode(value);
  }

  // ---- validators ----

  createValidator(ctx: StakingContext, n: NewValidator, block: BlockTime): Validator {
    const p = this.params(ctx.store);
    if (this.getValidator(ctx.store, n.operator) !== undefined) {
      throw ErrValidatorOwnerExists(`${toValoper(n.operator)} is already a validator`);
    }
    if (n.pubkey.length !== 32) throw ErrValidatorPubKeyTypeNotSupported(`ed25519 keys have 32 bytes, got ${n.pubkey.length}`);
    const cons = consAddress(n.pubkey);
    if (ctx.store.get(consAddrKey(cons)) !== undefined) throw ErrValidatorPubKeyExists('this consensus pubkey is taken');
    checkCommission(n.rate, n.maxRate, n.maxChangeRate);
    if (n.selfBond <= 0n) throw ErrBadAmount('self-bond must be positive');
    if (n.minSelfDelegation > n.selfBond) throw ErrSelfDelegationBelowMinimum(`self-bond ${n.selfBond} is below min_self_delegation ${n.minSelfDelegation}`);
    void p;
    const v: Validator = {
      operatorAddress: toValoper(n.operator),
      consensusPubkey: ed25519Any(n.pubkey),
      jailed: false,
      status: BondStatus.BOND_STATUS_UNBONDED,
      tokens: '0',
      delegatorShares: '0',
      description: n.description,
      unbondingHeight: 0n,
      unbondingTime: { seconds: 0n, nanos: 0 },
      commission: {
        commissionRates: { rate: formatDec(n.rate), maxRate: formatDec(n.maxRate), maxChangeRate: formatDec(n.maxChangeRate) },
        updateTime: { seconds: block.timeSeconds, nanos: block.timeNanos },
      },
      minSelfDelegation: n.minSelfDelegation.toString(),
      unbondingOnHoldRefCount: 0n,
      unbondingIds: [],
    };
    ctx.store.set(validatorKey(n.operator), Validator.encode(v).finish());
    ctx.store.set(consAddrKey(cons), n.operator);
    this.hooks?.afterValidatorCreated(ctx, n.operator);
    ctx.events.emit(stakingEvent(StakingEvents.createValidator, [['validator', v.operatorAddress], ['amount', `${n.selfBond}${p.bondDenom}`]]));
    this.delegate(ctx, n.operator, n.operator, n.selfBond);
    return this.mustGetValidator(ctx.store, n.operator);
  }

  editValidator(
    ctx: StakingContext,
    val: Uint8Array,
    edit: { description: Description; rate: bigint | undefined; minSelfDelegation: bigint | undefined },
    block: BlockTime,
  ): void {
    const before = this.mustGetValidator(ctx.store, val);
    const v: Validator = { ...before, description: mergeDescription(before.description, edit.description) };
    if (edit.rate !== undefined) {
      const rates = v.commission.commissionRates;
      const old = BigInt(rates.rate);
      if (edit.rate < 0n) throw ErrCommissionNegative(`rate ${edit.rate}`);
      if (edit.rate > BigInt(rates.maxRate)) throw ErrCommissionGTMaxRate('rate above max_rate');
      const diff = edit.rate > old ? edit.rate - old : old - edit.rate;
      if (diff > BigInt(rates.maxChangeRate)) throw ErrCommissionGTMaxChangeRate('change above max_change_rate');
      if (block.timeSeconds < v.commission.updateTime.seconds + DAY_SECONDS) {
        throw ErrCommissionUpdateTime(`last change at ${v.commission.updateTime.seconds}s, next allowed from ${v.commission.updateTime.seconds + DAY_SECONDS}s`);
      }
      v.commission = { commissionRates: { ...rates, rate: formatDec(edit.rate) }, updateTime: { seconds: block.timeSeconds, nanos: block.timeNanos } };
    }
    if (edit.minSelfDelegation !== undefined) {
      if (edit.minSelfDelegation <= BigInt(v.minSelfDelegation)) throw ErrSelfDelegationBelowMinimum('min_self_delegation can only be raised');
      const self = this.getDelegation(ctx.store, val, val);
      const selfTokens = self === undefined ? 0n : this.tokensOf(v, BigInt(self.shares));
      if (edit.minSelfDelegation > selfTokens) throw ErrSelfDelegationBelowMinimum(`self-bond ${selfTokens} is below ${edit.minSelfDelegation}`);
      v.minSelfDelegation = edit.minSelfDelegation.toString();
    }
    this.setValidator(ctx.store, val, v, before);
    ctx.events.emit(stakingEvent(StakingEvents.editValidator, [['validator', v.operatorAddress], ['commission_rate', v.commission.commissionRates.rate]]));
  }

  /** The operator's self-bond and the validator's total after a change, against min_self_bond_bps. */
  private checkSelfBond(store: KVReader, val: Uint8Array, v: Validator, selfAfter: bigint, totalAfter: bigint): void {
    if (totalAfter === 0n || selfAfter === 0n) return;
    const bps = BigInt(this.params(store).minSelfBondBps);
    if (selfAfter * BPS < bps * totalAfter) {
      throw ErrSelfBondTooSmall(
        `${v.operatorAddress} would have self-bond ${selfAfter} of ${totalAfter} total; at least ${bps} bps is required`,
      );
    }
    void val;
  }

  private selfTokens(store: KVReader, val: Uint8Array, v: Validator): bigint {
    const d = this.getDelegation(store, val, val);
    return d === undefined ? 0n : this.tokensOf(v, BigInt(d.shares));
  }

  // ---- delegation ----

  /** Adds `amount` tokens to a delegation; `fromAccount` pays them from the delegator's balance. */
  private bond(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint, fromAccount: boolean): bigint {
    const before = this.mustGetValidator(ctx.store, val);
    const tokens = BigInt(before.tokens);
    const total = BigInt(before.delegatorShares);
    const shares = total === 0n || tokens === 0n ? amount * DEC_ONE : (amount * total) / tokens;
    if (shares === 0n) throw ErrBadAmount(`${amount} buys no shares`);
    if (!bytesEqual(del, val)) this.checkSelfBond(ctx.store, val, before, this.selfTokens(ctx.store, val, before), tokens + amount);
    this.hooks?.beforeDelegationChange(ctx, del, val, tokens);
    if (fromAccount) this.bank.lock(ctx, del, this.poolOf(before), amount);
    const v: Validator = { ...before, tokens: (tokens + amount).toString(), delegatorShares: (total + shares).toString() };
    this.setValidator(ctx.store, val, v, before);
    const d = this.getDelegation(ctx.store, del, val);
    const next: Delegation = {
      delegatorAddress: toAddress(del),
      validatorAddress: v.operatorAddress,
      shares: ((d === undefined ? 0n : BigInt(d.shares)) + shares).toString(),
    };
    ctx.store.set(delegationKey(del, val), Delegation.encode(next).finish());
    ctx.store.set(delegationByValKey(val, del), PRESENT);
    this.addDelegatedTotal(ctx.store, del, amount);
    this.hooks?.afterDelegationChange(ctx, del, val, this.tokensOf(v, BigInt(next.shares)));
    return shares;
  }

  /** Removes shares worth (about) `amount` tokens; returns the tokens they were worth. */
  private unbond(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint): { tokens: bigint; validator: Validator } {
    if (amount <= 0n) throw ErrBadAmount('amount must be positive');
    const before = this.mustGetValidator(ctx.store, val);
    const d = this.getDelegation(ctx.store, del, val);
    if (d === undefined) throw ErrNoDelegation(`${toAddress(del)} has no delegation to ${before.operatorAddress}`);
    const tokens = BigInt(before.tokens);
    const total = BigInt(before.delegatorShares);
    const held = BigInt(d.shares);
    let shares = tokens === 0n ? 0n : (amount * total) / tokens;
    if (shares > held) throw ErrInsufficientShares(`${toAddress(del)} holds ${this.tokensOf(before, held)} at ${before.operatorAddress}, asked for ${amount}`);
    // Taking everything that is left: no dust shares behind.
    if (this.tokensOf(before, held - shares) === 0n) shares = held;
    const out = total === 0n ? 0n : (shares * tokens) / total;
    if (out === 0n) throw ErrBadAmount(`${amount} is worth no tokens`);
    const isSelf = bytesEqual(del, val);
    this.hooks?.beforeDelegationChange(ctx, del, val, tokens);
    const v: Validator = { ...before, tokens: (tokens - out).toString(), delegatorShares: (total - shares).toString() };
    if (isSelf) {
      const selfAfter = this.tokensOf(before, held - shares);
      if (selfAfter === 0n) {
        // The operator left its own validator: it stops validating until it bonds again.
        v.jailed = true;
      } else {
        this.checkSelfBond(ctx.store, val, before, selfAfter, tokens - out);
        if (selfAfter < BigInt(before.minSelfDelegation)) v.jailed = true;
      }
    }
    this.setValidator(ctx.store, val, v, before);
    this.keepShares(ctx.store, del, val, d, held - shares);
    this.addDelegatedTotal(ctx.store, del, -out);
    this.hooks?.afterDelegationChange(ctx, del, val, held === shares ? 0n : this.tokensOf(v, held - shares));
    return { tokens: out, validator: v };
  }

  delegate(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint): bigint {
    if (amount <= 0n) throw ErrBadAmount('amount must be positive');
    const shares = this.bond(ctx, del, val, amount, true);
    ctx.events.emit(
      stakingEvent(StakingEvents.delegate, [
        ['validator', toValoper(val)],
        ['delegator', toAddress(del)],
        ['amount', `${amount}${this.params(ctx.store).bondDenom}`],
        ['new_shares', formatDec(shares)],
      ]),
    );
    return shares;
  }

  undelegate(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint, block: BlockTime): { completion: Timestamp; amount: bigint } {
    const p = this.params(ctx.store);
    const existing = this.getUnbonding(ctx.store, del, val);
    if (existing !== undefined && existing.entries.length >= p.maxEntries) {
      throw ErrMaxUnbondingDelegationEntries(`${existing.entries.length} entries already`);
    }
    const { tokens, validator } = this.unbond(ctx, del, val, amount);
    if (validator.status === BondStatus.BOND_STATUS_BONDED) this.bank.move(ctx, BONDED_POOL, NOT_BONDED_POOL, tokens);
    const completion = timeAfter(block, p.unbondingTimeSeconds);
    const ubd: UnbondingDelegation = existing ?? { delegatorAddress: toAddress(del), validatorAddress: validator.operatorAddress, entries: [] };
    ubd.entries.push({
      creationHeight: block.height,
      completionTime: completion,
      initialBalance: tokens.toString(),
      balance: tokens.toString(),
      unbondingId: 0n,
      unbondingOnHoldRefCount: 0n,
    });
    this.setUnbonding(ctx.store, del, val, ubd);
    ctx.store.set(unbondingQueueKey(completion.seconds, completion.nanos, del, val), PRESENT);
    ctx.events.emit(
      stakingEvent(StakingEvents.unbond, [
        ['validator', validator.operatorAddress],
        ['delegator', toAddress(del)],
        ['amount', `${tokens}${p.bondDenom}`],
        ['completion_time', completion.seconds.toString()],
      ]),
    );
    return { completion, amount: tokens };
  }

  private setUnbonding(store: KVStore, del: Uint8Array, val: Uint8Array, ubd: UnbondingDelegation): void {
    if (ubd.entries.length === 0) {
      store.delete(unbondingKey(del, val));
      store.delete(unbondingByValKey(val, del));
    } else {
      store.set(unbondingKey(del, val), UnbondingDelegation.encode(ubd).finish());
      store.set(unbondingByValKey(val, del), PRESENT);
    }
  }

  cancelUnbonding(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint, creationHeight: bigint): void {
    if (amount <= 0n) throw ErrBadAmount('amount must be positive');
    const v = this.mustGetValidator(ctx.store, val);
    if (v.jailed) throw ErrNoValidatorFound(`${v.operatorAddress} is jailed`);
    const ubd = this.getUnbonding(ctx.store, del, val);
    if (ubd === undefined) throw ErrNoUnbondingDelegation(`${toAddress(del)} is not unbonding from ${v.operatorAddress}`);
    const i = ubd.entries.findIndex((e) => e.creationHeight === creationHeight);
    const entry = ubd.entries[i];
    if (entry === undefined) throw ErrNoUnbondingDelegation(`no entry created at height ${creationHeight}`);
    const balance = BigInt(entry.balance);
    if (amount > balance) throw ErrBadAmount(`amount ${amount} exceeds the entry's balance ${balance}`);
    if (amount === balance) ubd.entries.splice(i, 1);
    else ubd.entries[i] = { ...entry, balance: (balance - amount).toString() };
    this.setUnbonding(ctx.store, del, val, ubd);
    this.bond(ctx, del, val, amount, false);
    if (v.status === BondStatus.BOND_STATUS_BONDED) this.bank.move(ctx, NOT_BONDED_POOL, BONDED_POOL, amount);
    ctx.events.emit(
      stakingEvent(StakingEvents.cancelUnbonding, [
        ['validator', v.operatorAddress],
        ['delegator', toAddress(del)],
        ['amount', `${amount}${this.params(ctx.store).bondDenom}`],
        ['creation_height', creationHeight.toString()],
      ]),
    );
  }

  async redelegate(ctx: StakingContext, del: Uint8Array, src: Uint8Array, dst: Uint8Array, amount: bigint, block: BlockTime): Promise<Timestamp> {
    if (bytesEqual(src, dst)) throw ErrSelfRedelegation('source and destination are the same validator');
    const p = this.params(ctx.store);
    const dstVal = this.mustGetValidator(ctx.store, dst);
    for await (const _ of ctx.store.iterate({ ...prefixRange(redelegationsIntoPrefix(src, del)), limit: 1 })) {
      throw ErrTransitiveRedelegation(`${toAddress(del)} has a redelegation into ${toValoper(src)} in progress`);
    }
    const existing = this.getRedelegation(ctx.store, del, src, dst);
    if (existing !== undefined && existing.entries.length >= p.maxEntries) throw ErrMaxRedelegationEntries(`${existing.entries.length} entries already`);
    const { tokens, validator: srcVal } = this.unbond(ctx, del, src, amount);
    const fromPool = this.poolOf(srcVal);
    const toPool = this.poolOf(dstVal);
    if (fromPool !== toPool) this.bank.move(ctx, fromPool, toPool, tokens);
    const sharesDst = this.bond(ctx, del, dst, tokens, false);
    // From an unbonded validator there is nothing to slash later: complete at once, as the SDK.
    // A bonded or unbonding one may still be slashed for what it did: keep an entry to slash.
    const slashable = srcVal.status !== BondStatus.BOND_STATUS_UNBONDED;
    const completion = slashable ? timeAfter(block, p.unbondingTimeSeconds) : { seconds: block.timeSeconds, nanos: block.timeNanos };
    if (slashable) {
      const red: Redelegation = existing ?? { delegatorAddress: toAddress(del), validatorSrcAddress: srcVal.operatorAddress, validatorDstAddress: dstVal.operatorAddress, entries: [] };
      red.entries.push({
        creationHeight: block.height,
        completionTime: completion,
        initialBalance: tokens.toString(),
        sharesDst: sharesDst.toString(),
        unbondingId: 0n,
        unbondingOnHoldRefCount: 0n,
      });
      this.setRedelegation(ctx.store, del, src, dst, red);
      ctx.store.set(redelegationQueueKey(completion.seconds, completion.nanos, del, src, dst), PRESENT);
    }
    ctx.events.emit(
      stakingEvent(StakingEvents.redelegate, [
        ['source_validator', srcVal.operatorAddress],
        ['destination_validator', dstVal.operatorAddress],
        ['delegator', toAddress(del)],
        ['amount', `${tokens}${p.bondDenom}`],
        ['completion_time', completion.seconds.toString()],
      ]),
    );
    return completion;
  }

  private setRedelegation(store: KVStore, del: Uint8Array, src: Uint8Array, dst: Uint8Array, red: Redelegation): void {
    if (red.entries.length === 0) {
      store.delete(redelegationKey(del, src, dst));
      store.delete(redelegationBySrcKey(src, del, dst));
      store.delete(redelegationByDstKey(dst, del, src));
    } else {
      store.set(redelegationKey(del, src, dst), Redelegation.encode(red).finish());
      store.set(redelegationBySrcKey(src, del, dst), PRESENT);
      store.set(redelegationByDstKey(dst, del, src), PRESENT);
    }
  }

  // ---- end-block ----

  /**
   * Pays out matured unbonding entries, forgets matured redelegations (time-ordered queues) and
   * ends matured validator unbonding.
   */
  async completeMatured(ctx: StakingContext, block: BlockTime): Promise<void> {
    await this.completeUnbondingValidators(ctx, block);
    const end = concat(UNBONDING_QUEUE_PREFIX, uint64BE(block.timeSeconds), uint64BE(BigInt(block.timeNanos) + 1n));
    const due: Uint8Array[] = [];
    for await (const [key] of ctx.store.iterate({ gte: UNBONDING_QUEUE_PREFIX, lt: end })) due.push(key);
    const denom = this.params(ctx.store).bondDenom;
    for (const key of due) {
      ctx.store.delete(key);
      const { first: del, tail: val } = splitPair(key.subarray(UNBONDING_QUEUE_PREFIX.length + 16));
      const ubd = this.getUnbonding(ctx.store, del, val);
      if (ubd === undefined) continue; // all its entries were cancelled or already paid
      const keep = [];
      for (const e of ubd.entries) {
        if (!notAfter(e.completionTime, block)) {
          keep.push(e);
          continue;
        }
        const amount = BigInt(e.balance);
        if (amount > 0n) this.bank.release(ctx, NOT_BONDED_POOL, del, amount);
        ctx.events.emit(
          stakingEvent(StakingEvents.completeUnbonding, [
            ['validator', ubd.validatorAddress],
            ['delegator', ubd.delegatorAddress],
            ['amount', `${amount}${denom}`],
          ]),
        );
      }
      this.setUnbonding(ctx.store, del, val, { ...ubd, entries: keep });
    }
    const rend = concat(REDELEGATION_QUEUE_PREFIX, uint64BE(block.timeSeconds), uint64BE(BigInt(block.timeNanos) + 1n));
    const rdue: Uint8Array[] = [];
    for await (const [key] of ctx.store.iterate({ gte: REDELEGATION_QUEUE_PREFIX, lt: rend })) rdue.push(key);
    for (const key of rdue) {
      ctx.store.delete(key);
      const { first: del, tail } = splitPair(key.subarray(REDELEGATION_QUEUE_PREFIX.length + 16));
      const src = tail.slice(0, 20);
      const dst = tail.slice(20, 40);
      const red = this.getRedelegation(ctx.store, del, src, dst);
      if (red === undefined) continue;
      const keep = red.entries.filter((e) => !notAfter(e.completionTime, block));
      if (keep.length < red.entries.length) {
        ctx.events.emit(
          stakingEvent(StakingEvents.completeRedelegation, [
            ['source_validator', red.validatorSrcAddress],
            ['destination_validator', red.validatorDstAddress],
            ['delegator', red.delegatorAddress],
          ]),
        );
      }
      this.setRedelegation(ctx.store, del, src, dst, { ...red, entries: keep });
    }
  }

  /** The top active+backup validators by stake (jailed ones are not in the index). */
  async topValidators(store: KVReader, p: Params): Promise<{ val: Uint8Array; v: Validator; power: bigint }[]> {
    const out = [];
    const limit = p.activeValidators + p.backupValidators;
    for await (const [key] of store.iterate({ ...prefixRange(POWER_INDEX_PREFIX), limit })) {
      const val = valAtEnd(key);
      const v = this.mustGetValidator(store, val);
      const power = BigInt(v.tokens) / p.powerReduction;
      if (power === 0n) break; // sorted high to low: nobody after this one has power either
      out.push({ val, v, power });
    }
    return out;
  }

  async lastSet(store: KVReader): Promise<Map<string, { val: Uint8Array; last: LastPower }>> {
    const out = new Map<string, { val: Uint8Array; last: LastPower }>();
    for await (const [key, value] of store.iterate(prefixRange(LAST_POWER_PREFIX))) {
      const val = key.slice(LAST_POWER_PREFIX.length);
      out.set(toHex(val), { val, last: LastPower.decode(value) });
    }
    return out;
  }

  /**
   * Ranks validators, caps the active set's powers, and returns what changed since the set last
   * reported to CometBFT (power 0 removes). Validators entering or leaving the bonded set (active
   * or backup) have their tokens moved between the pools.
   */
  async applyValidatorSetChanges(ctx: StakingContext, block: BlockTime = { height: 0n, timeSeconds: 0n, timeNanos: 0 }): Promise<ValidatorUpdate[]> {
    const p = this.params(ctx.store);
    const top = await this.topValidators(ctx.store, p);
    const activeCount = Math.min(p.activeValidators, top.length);
    const powers = cappedPowers(
      top.slice(0, activeCount).map((t) => ({ key: toHex(t.val), power: t.power })),
      BigInt(p.maxPowerBps),
    );
    const last = await this.lastSet(ctx.store);
    const updates: ValidatorUpdate[] = [];
    for (const [i, t] of top.entries()) {
      const hex = toHex(t.val);
      const active = i < activeCount;
      const power = active ? (powers[i] ?? 0n) : 0n;
      const prev = last.get(hex);
      last.delete(hex);
      const prevPower = prev === undefined || !prev.last.active ? 0n : prev.last.power;
      if (power !== prevPower) {
        updates.push({ pubKey: { ed25519: consensusKey(t.v) }, power });
        ctx.events.emit(stakingEvent(StakingEvents.powerChanged, [['validator', t.v.operatorAddress], ['power', power.toString()]]));
      }
      if (t.v.status !== BondStatus.BOND_STATUS_BONDED) {
        this.bank.move(ctx, NOT_BONDED_POOL, BONDED_POOL, BigInt(t.v.tokens));
        this.setValidator(ctx.store, t.val, { ...t.v, status: BondStatus.BOND_STATUS_BONDED }, t.v);
      }
      if (prev === undefined || prev.last.power !== power || prev.last.active !== active) {
        ctx.store.set(lastPowerKey(t.val), LastPower.encode({ power, active }).finish());
      }
    }
    for (const { val, last: l } of last.values()) {
      const v = this.mustGetValidator(ctx.store, val);
      if (l.active && l.power > 0n) {
        updates.push({ pubKey: { ed25519: consensusKey(v) }, power: 0n });
        ctx.events.emit(stakingEvent(StakingEvents.powerChanged, [['validator', v.operatorAddress], ['power', '0']]));
      }
      ctx.store.delete(lastPowerKey(val));
      if (v.status === BondStatus.BOND_STATUS_BONDED) this.beginUnbondingValidator(ctx, val, v, p, block);
    }
    return updates;
  }

  /**
   * A validator leaving the bonded set (jailed or out-ranked) is UNBONDING for the unbonding
   * period: its tokens move to the not-bonded pool and it can still be slashed for what it did
   * while bonded. completeMatured makes it UNBONDED when the period is over (if it has not
   * come back in the meantime).
   */
  private beginUnbondingValidator(ctx: StakingContext, val: Uint8Array, v: Validator, p: Params, block: BlockTime): void {
    this.bank.move(ctx, BONDED_POOL, NOT_BONDED_POOL, BigInt(v.tokens));
    const until = timeAfter(block, p.unbondingTimeSeconds);
    this.setValidator(ctx.store, val, { ...v, status: BondStatus.BOND_STATUS_UNBONDING, unbondingHeight: block.height, unbondingTime: until }, v);
    ctx.store.set(validatorQueueKey(until.seconds, until.nanos, val), PRESENT);
  }

  /** UNBONDING validators whose unbonding period is over become UNBONDED. */
  private async completeUnbondingValidators(ctx: StakingContext, block: BlockTime): Promise<void> {
    const end = concat(VALIDATOR_QUEUE_PREFIX, uint64BE(block.timeSeconds), uint64BE(BigInt(block.timeNanos) + 1n));
    const due: Uint8Array[] = [];
    for await (const [key] of ctx.store.iterate({ gte: VALIDATOR_QUEUE_PREFIX, lt: end })) due.push(key);
    for (const key of due) {
      ctx.store.delete(key);
      const val = valAtEnd(key);
      const v = this.getValidator(ctx.store, val);
      // Back in the set since, or queued again later: this entry is stale.
      if (v === undefined || v.status !== BondStatus.BOND_STATUS_UNBONDING || !notAfter(v.unbondingTime, block)) continue;
      this.setValidator(ctx.store, val, { ...v, status: BondStatus.BOND_STATUS_UNBONDED }, v);
    }
  }

  // ---- slashing (called by [slashing]) ----

  /** The operator of the validator with this consensus address (20 bytes), if any. */
  validatorByConsAddr(store: KVReader, cons: Uint8Array): Uint8Array | undefined {
    return store.get(consAddrKey(cons));
  }

  consAddressOf(v: Validator): Uint8Array {
    return consAddress(consensusKey(v));
  }

  /** Jails a validator: out of the power index, so the set step removes it from CometBFT's set. */
  jail(ctx: StakingContext, val: Uint8Array): void {
    const v = this.mustGetValidator(ctx.store, val);
    if (v.jailed) return;
    this.setValidator(ctx.store, val, { ...v, jailed: true }, v);
  }

  /**
   * Unjails a validator whose operator still meets the self-bond rules (min_self_delegation and
   * min_self_bond_bps of its stake); the set step ranks it again. The caller checks the rest.
   */
  unjail(ctx: StakingContext, val: Uint8Array, errs: { missingSelf: (m: string) => Error; tooLow: (m: string) => Error; notJailed: (m: string) => Error }): void {
    const v = this.mustGetValidator(ctx.store, val);
    if (!v.jailed) throw errs.notJailed(`${v.operatorAddress} is not jailed`);
    const self = this.getDelegation(ctx.store, val, val);
    if (self === undefined) throw errs.missingSelf(`${v.operatorAddress} has no self-delegation`);
    const selfTokens = this.tokensOf(v, BigInt(self.shares));
    if (selfTokens < BigInt(v.minSelfDelegation)) throw errs.tooLow(`self-delegation ${selfTokens} is below min_self_delegation ${v.minSelfDelegation}`);
    const bps = BigInt(this.params(ctx.store).minSelfBondBps);
    if (selfTokens * BPS < bps * BigInt(v.tokens)) {
      throw errs.tooLow(`self-delegation ${selfTokens} of ${v.tokens} total is below ${bps} bps of the validator's stake`);
    }
    this.setValidator(ctx.store, val, { ...v, jailed: false }, v);
  }

  /**
   * Slashes `fraction` (LegacyDec atomics) of what was bonded to the validator at
   * `infractionHeight`, and burns it:
   * - each unbonding entry from it created at or after that height loses fraction × its initial
   *   balance (floored, at most what is left of it), from the not-bonded pool;
   * - each redelegation entry from it created at or after that height loses fraction × the
   *   destination shares it bought (floored, at most the delegation's shares there): those shares
   *   are removed from the destination validator and their tokens burned from its pool;
   * - the validator loses fraction × its tokens now (floored), from its pool; delegators' shares
   *   stay, so each delegation is worth that much less.
   * Each part is floored on its own. Stake delegated after the infraction is part of the tokens
   * now and is slashed too (the SDK instead takes the power CometBFT reports; ours is capped, so
   * it is not the stake). Returns the total burned.
   */
  async slash(ctx: StakingContext, val: Uint8Array, infractionHeight: bigint, fraction: bigint, currentHeight: bigint): Promise<bigint> {
    const cut = (amount: bigint): bigint => (amount * fraction) / DEC_ONE;
    let burned = 0n;
    if (infractionHeight < currentHeight) {
      burned += await this.slashUnbondings(ctx, val, infractionHeight, cut);
      burned += await this.slashRedelegations(ctx, val, infractionHeight, fraction);
    }
    const v = this.mustGetValidator(ctx.store, val);
    const tokens = BigInt(v.tokens);
    const take = cut(tokens);
    if (take > 0n) {
      this.hooks?.beforeValidatorSlashed(ctx, val, tokens, tokens - take, currentHeight);
      const after: Validator = { ...v, tokens: (tokens - take).toString() };
      await this.lowerDelegatedTotals(ctx.store, val, v, after);
      this.setValidator(ctx.store, val, after, v);
      this.bank.burn(ctx, this.poolOf(v), take);
      burned += take;
    }
    return burned;
  }

  /**
   * A slash lowers what each delegation's shares are worth: each delegator's delegated total (the
   * fee quota reads it) falls by its loss. O(delegations of the validator), on slashes only.
   */
  private async lowerDelegatedTotals(store: KVStore, val: Uint8Array, before: Validator, after: Validator): Promise<void> {
    const prefix = delegationsToPrefix(val);
    const dels: Uint8Array[] = [];
    for await (const [key] of store.iterate(prefixRange(prefix))) dels.push(key.slice(prefix.length));
    for (const del of dels) {
      const d = this.getDelegation(store, del, val);
      if (d === undefined) continue;
      const loss = this.tokensOf(before, BigInt(d.shares)) - this.tokensOf(after, BigInt(d.shares));
      const total = this.delegatedTotal(store, del);
      if (loss > 0n) this.addDelegatedTotal(store, del, loss > total ? -total : -loss);
    }
  }

  private async slashUnbondings(ctx: StakingContext, val: Uint8Array, from: bigint, cut: (a: bigint) => bigint): Promise<bigint> {
    const dels: Uint8Array[] = [];
    const prefix = unbondingsToPrefix(val);
    for await (const [key] of ctx.store.iterate(prefixRange(prefix))) dels.push(key.slice(prefix.length));
    let burned = 0n;
    for (const del of dels) {
      const ubd = this.getUnbonding(ctx.store, del, val);
      if (ubd === undefined) continue;
      let changed = false;
      const entries = ubd.entries.map((e) => {
        if (e.creationHeight < from) return e;
        const balance = BigInt(e.balance);
        const c = cut(BigInt(e.initialBalance));
        const take = c > balance ? balance : c;
        if (take === 0n) return e;
        changed = true;
        burned += take;
        return { ...e, balance: (balance - take).toString() };
      });
      if (changed) ctx.store.set(unbondingKey(del, val), UnbondingDelegation.encode({ ...ubd, entries }).finish());
    }
    if (burned > 0n) this.bank.burn(ctx, NOT_BONDED_POOL, burned);
    return burned;
  }

  private async slashRedelegations(ctx: StakingContext, src: Uint8Array, from: bigint, fraction: bigint): Promise<bigint> {
    const pairs: { del: Uint8Array; dst: Uint8Array }[] = [];
    const prefix = redelegationsFromPrefix(src);
    for await (const [key] of ctx.store.iterate(prefixRange(prefix))) {
      const { first: del, tail: dst } = splitPair(key.slice(prefix.length));
      pairs.push({ del, dst });
    }
    let burned = 0n;
    for (const { del, dst } of pairs) {
      const red = this.getRedelegation(ctx.store, del, src, dst);
      if (red === undefined) continue;
      for (const e of red.entries) {
        if (e.creationHeight < from) continue;
        const shares = (BigInt(e.sharesDst) * fraction) / DEC_ONE;
        if (shares === 0n) continue;
        const dstVal = this.mustGetValidator(ctx.store, dst);
        const tokens = this.removeShares(ctx, del, dst, shares);
        if (tokens > 0n) {
          this.bank.burn(ctx, this.poolOf(dstVal), tokens);
          burned += tokens;
        }
      }
    }
    return burned;
  }

  /** Takes up to `shares` of a delegation away with their tokens (a slash); returns the tokens. */
  private removeShares(ctx: StakingContext, del: Uint8Array, val: Uint8Array, sharesWanted: bigint): bigint {
    const d = this.getDelegation(ctx.store, del, val);
    if (d === undefined) return 0n;
    const before = this.mustGetValidator(ctx.store, val);
    const held = BigInt(d.shares);
    const shares = sharesWanted > held ? held : sharesWanted;
    const tokens = BigInt(before.tokens);
    const total = BigInt(before.delegatorShares);
    const out = total === 0n ? 0n : (shares * tokens) / total;
    this.hooks?.beforeDelegationChange(ctx, del, val, tokens);
    const v: Validator = { ...before, tokens: (tokens - out).toString(), delegatorShares: (total - shares).toString() };
    this.setValidator(ctx.store, val, v, before);
    this.keepShares(ctx.store, del, val, d, held - shares);
    const total0 = this.delegatedTotal(ctx.store, del);
    this.addDelegatedTotal(ctx.store, del, out > total0 ? -total0 : -out);
    this.hooks?.afterDelegationChange(ctx, del, val, held === shares ? 0n : this.tokensOf(v, held - shares));
    return out;
  }

  /** The set as last reported, as ValidatorUpdates (InitChain's answer). */
  async currentUpdates(store: KVReader): Promise<ValidatorUpdate[]> {
    const out: ValidatorUpdate[] = [];
    for (const { val, last } of (await this.lastSet(store)).values()) {
      if (!last.active || last.power === 0n) continue;
      out.push({ pubKey: { ed25519: consensusKey(this.mustGetValidator(store, val)) }, power: last.power });
    }
    return out;
  }
}

export function checkCommission(rate: bigint, maxRate: bigint, maxChangeRate: bigint): void {
  if (rate < 0n || maxRate < 0n || maxChangeRate < 0n) throw ErrCommissionNegative('commission rates must not be negative');
  if (maxRate > DEC_ONE) throw ErrCommissionHuge('max_rate above 1');
  if (rate > maxRate) throw ErrCommissionGTMaxRate('rate above max_rate');
  if (maxChangeRate > maxRate) throw ErrCommissionChangeRateGTMaxRate('max_change_rate above max_rate');
}

const DO_NOT_MODIFY = '[do-not-modify]';

function mergeDescription(old: Description, next: Description): Description {
  const pick = (a: string, b: string): string => (b === DO_NOT_MODIFY ? a : b);
  return {
    moniker: pick(old.moniker, next.moniker),
    identity: pick(old.identity, next.identity),
    website: pick(old.website, next.website),
    securityContact: pick(old.securityContact, next.securityContact),
    details: pick(old.details, next.details),
  };
}
