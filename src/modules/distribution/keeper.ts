// distribution keeper: block awards (inflation + collected fees) and F1 rewards bookkeeping.
// Funds: everything awarded and not yet withdrawn sits in the `distribution` module account:
// balance = undistributed + Σ validators (commission + delegator_outstanding).
import type { Validator } from 'cosmjs-types/cosmos/staking/v1beta1/staking';
import {
  AwardState,
  CurrentRewards,
  HistoricalRatio,
  LastSlash,
  StartingInfo,
  ValidatorSlashEvent,
  ValidatorAccounts,
  type Params,
} from '../../generated/cybermiles/distribution/v1/distribution.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { prefixRange } from '../../store/range.js';
import { concat, fromHex, readUint64BE, toHex } from '../../util/bytes.js';
import { toAddress } from '../auth/address.js';
import type { StakingContext } from '../staking/expected-keepers.js';
import type { StakingKeeper } from '../staking/keeper.js';
import { inflationFor, splitAwards, type Recipient } from './awards.js';
import { allocate, incrementPeriod, initValidator, RATIO_SCALE, recordSlash, rewardsSince, startDelegation, withdraw, type F1Store } from './f1.js';
import { AWARD_STATE_KEY, currentKey, historicalKey, lastSlashKey, SLASH_EVENT_PREFIX, slashEventKey, startingKey, validatorAccountsKey, withdrawAddrKey } from './keys.js';
import { distributionParams } from './params.js';
import { makeEvent } from '../../events/event.js';

export const DISTRIBUTION_MODULE = 'distribution';

/** What distribution needs from bank. */
export interface DistributionBank {
  supply(store: KVReader): bigint;
  /** Bond-denom coins burned since genesis (slashes, penalties). */
  burned(store: KVReader): bigint;
  /** Mints into the distribution account. */
  mint(ctx: StakingContext, amount: bigint): void;
  /** Moves the fee collector's whole bond-denom balance into the distribution account; returns it. */
  collectFees(ctx: StakingContext): bigint;
  pay(ctx: StakingContext, to: Uint8Array, amount: bigint): void;
  balance(store: KVReader): bigint;
  ensureAccount(store: KVStore): void;
}

const hexOf = (b: Uint8Array): string => toHex(b);

export class DistributionKeeper {
  constructor(
    private readonly bank: DistributionBank,
    private readonly staking: StakingKeeper,
  ) {}

  params(store: KVReader): Params {
    return distributionParams.get(store);
  }

  awardState(store: KVReader): AwardState {
    const raw = store.get(AWARD_STATE_KEY);
    return raw === undefined
      ? { genesisSupply: '0', lastTimeSeconds: 0n, lastTimeNanos: 0, inflationCarry: '0', undistributed: '0', minted: '0' }
      : AwardState.decode(raw);
  }

  setAwardState(store: KVStore, a: AwardState): void {
    store.set(AWARD_STATE_KEY, AwardState.encode(a).finish());
  }

  /** The read side of the F1 records (slash events and the historical ratios). */
  private f1Reader(store: KVReader): Pick<F1Store, 'slashEvent' | 'lastSlashPeriod' | 'historical'> {
    return {
      slashEvent: (v, p) => {
        const raw = store.get(slashEventKey(fromHex(v), p));
        if (raw === undefined) return undefined;
        const e = ValidatorSlashEvent.decode(raw);
        return { tokensBefore: BigInt(e.tokensBefore), tokensAfter: BigInt(e.tokensAfter), previousPeriod: e.previousPeriod, height: e.height };
      },
      lastSlashPeriod: (v) => {
        const raw = store.get(lastSlashKey(fromHex(v)));
        return raw === undefined ? 0n : LastSlash.decode(raw).period;
      },
      historical: (v, p) => {
        const raw = store.get(historicalKey(fromHex(v), p));
        return raw === undefined ? undefined : BigInt(HistoricalRatio.decode(raw).ratio);
      },
    };
  }

  f1(store: KVStore): F1Store {
    return {
      ...this.f1Reader(store),
      setSlashEvent: (v, p, e) =>
        store.set(
          slashEventKey(fromHex(v), p),
          ValidatorSlashEvent.encode({ tokensBefore: e.tokensBefore.toString(), tokensAfter: e.tokensAfter.toString(), previousPeriod: e.previousPeriod, height: e.height }).finish(),
        ),
      setLastSlashPeriod: (v, p) => store.set(lastSlashKey(fromHex(v)), LastSlash.encode({ period: p }).finish()),
      current: (v) => {
        const raw = store.get(currentKey(fromHex(v)));
        if (raw === undefined) return undefined;
        const c = CurrentRewards.decode(raw);
        return { period: c.period, rewards: BigInt(c.rewards) };
      },
      setCurrent: (v, c) => store.set(currentKey(fromHex(v)), CurrentRewards.encode({ period: c.period, rewards: c.rewards.toString() }).finish()),
      setHistorical: (v, p, r) => store.set(historicalKey(fromHex(v), p), HistoricalRatio.encode({ ratio: r.toString(), referenceCount: 1 }).finish()),
      retainHistorical: (v, p) => this.addHistoricalRefs(store, fromHex(v), p, 1),
      releaseHistorical: (v, p) => this.addHistoricalRefs(store, fromHex(v), p, -1),
      starting: (d, v) => {
        const raw = store.get(startingKey(fromHex(d), fromHex(v)));
        if (raw === undefined) return undefined;
        const s = StartingInfo.decode(raw);
        return { previousPeriod: s.previousPeriod, stake: BigInt(s.stake) };
      },
      setStarting: (d, v, s) => {
        const key = startingKey(fromHex(d), fromHex(v));
        if (s === undefined) store.delete(key);
        else store.set(key, StartingInfo.encode({ previousPeriod: s.previousPeriod, stake: s.stake.toString(), height: 0n }).finish());
      },
    };
  }

  accounts(store: KVReader, val: Uint8Array): { commission: bigint; delegatorOutstanding: bigint } {
    const raw = store.get(validatorAccountsKey(val));
    if (raw === undefined) return { commission: 0n, delegatorOutstanding: 0n };
    const a = ValidatorAccounts.decode(raw);
    return { commission: BigInt(a.commission), delegatorOutstanding: BigInt(a.delegatorOutstanding) };
  }

  private setAccounts(store: KVStore, val: Uint8Array, a: { commission: bigint; delegatorOutstanding: bigint }): void {
    store.set(validatorAccountsKey(val), ValidatorAccounts.encode({ commission: a.commission.toString(), delegatorOutstanding: a.delegatorOutstanding.toString() }).finish());
  }

  withdrawAddress(store: KVReader, del: Uint8Array): Uint8Array {
    return store.get(withdrawAddrKey(del)) ?? del;
  }

  setWithdrawAddress(store: KVStore, del: Uint8Array, to: Uint8Array): void {
    store.set(withdrawAddrKey(del), to);
  }

  // ---- staking hooks ----

  afterValidatorCreated(ctx: StakingContext, val: Uint8Array): void {
    initValidator(this.f1(ctx.store), hexOf(val));
  }

  /** Pays a delegation's rewards (closing the period) before its shares change. */
  beforeDelegationChange(ctx: StakingContext, del: Uint8Array, val: Uint8Array, validatorTokens: bigint): void {
    const s = this.f1(ctx.store);
    if (s.starting(hexOf(del), hexOf(val)) === undefined) {
      this.closePeriod(ctx.store, val, validatorTokens);
      return;
    }
    const r = withdraw(s, hexOf(del), hexOf(val), validatorTokens);
    this.payDelegator(ctx, del, val, r);
  }

  afterDelegationChange(ctx: StakingContext, del: Uint8Array, val: Uint8Array, delegationTokens: bigint): void {
    if (delegationTokens > 0n) startDelegation(this.f1(ctx.store), hexOf(del), hexOf(val), delegationTokens);
  }

  /**
   * Before a slash takes tokens from the validator (delegators' shares stay): ends the period at
   * the tokens before and records the slash, so that each delegation's stake is reduced from then
   * on when its rewards are computed.
   */
  beforeValidatorSlashed(ctx: StakingContext, val: Uint8Array, tokensBefore: bigint, tokensAfter: bigint, height: bigint): void {
    const unattributed = recordSlash(this.f1(ctx.store), hexOf(val), tokensBefore, tokensAfter, height);
    this.keepUnattributed(ctx.store, val, unattributed);
  }

  /**
   * The validator's slashes with start <= height <= end, oldest first: the period each ended and
   * the fraction of its tokens taken (LegacyDec atomics, floored), as the SDK's ValidatorSlashes.
   */
  async slashesBetween(store: KVReader, val: Uint8Array, start: bigint, end: bigint): Promise<{ period: bigint; fraction: bigint; height: bigint }[]> {
    const prefix = concat(SLASH_EVENT_PREFIX, val);
    const out: { period: bigint; fraction: bigint; height: bigint }[] = [];
    for await (const [key, raw] of store.iterate(prefixRange(prefix))) {
      if (key.length !== prefix.length + 8) continue; // another validator's longer address
      const e = ValidatorSlashEvent.decode(raw);
      if (e.height < start || e.height > end) continue;
      const before = BigInt(e.tokensBefore);
      const fraction = before === 0n ? 0n : ((before - BigInt(e.tokensAfter)) * 10n ** 18n) / before;
      out.push({ period: readUint64BE(key.subarray(prefix.length)), fraction, height: e.height });
    }
    return out;
  }

  private closePeriod(store: KVStore, val: Uint8Array, tokens: bigint): void {
    const { unattributed } = incrementPeriod(this.f1(store), hexOf(val), tokens);
    this.keepUnattributed(store, val, unattributed);
  }

  private keepUnattributed(store: KVStore, val: Uint8Array, unattributed: bigint): void {
    if (unattributed > 0n) {
      const a = this.accounts(store, val);
      this.setAccounts(store, val, { ...a, delegatorOutstanding: a.delegatorOutstanding - unattributed });
      const aw = this.awardState(store);
      this.setAwardState(store, { ...aw, undistributed: (BigInt(aw.undistributed) + unattributed).toString() });
    }
  }

  private payDelegator(ctx: StakingContext, del: Uint8Array, val: Uint8Array, amount: bigint): void {
    if (amount === 0n) return;
    const a = this.accounts(ctx.store, val);
    if (amount > a.delegatorOutstanding) throw new Error(`rewards ${amount} exceed ${toAddress(val)}'s outstanding ${a.delegatorOutstanding}`);
    this.setAccounts(ctx.store, val, { ...a, delegatorOutstanding: a.delegatorOutstanding - amount });
    this.bank.pay(ctx, this.withdrawAddress(ctx.store, del), amount);
    ctx.events.emit(makeEvent('withdraw_rewards', [['amount', `${amount}ucmt`], ['validator', toAddress(val)], ['delegator', toAddress(del)]]));
  }

  // ---- messages ----

  withdrawDelegatorReward(ctx: StakingContext, del: Uint8Array, val: Uint8Array): bigint {
    const v = this.staking.mustGetValidator(ctx.store, val);
    const d = this.staking.getDelegation(ctx.store, del, val);
    if (d === undefined) throw new Error('no delegation'); // callers check first (ChainError there)
    const tokens = BigInt(v.tokens);
    const r = withdraw(this.f1(ctx.store), hexOf(del), hexOf(val), tokens);
    this.payDelegator(ctx, del, val, r);
    startDelegation(this.f1(ctx.store), hexOf(del), hexOf(val), this.staking.tokensOf(v, BigInt(d.shares)));
    return r;
  }

  withdrawCommission(ctx: StakingContext, val: Uint8Array): bigint {
    const a = this.accounts(ctx.store, val);
    if (a.commission > 0n) {
      this.setAccounts(ctx.store, val, { ...a, commission: 0n });
      this.bank.pay(ctx, this.withdrawAddress(ctx.store, val), a.commission);
      ctx.events.emit(makeEvent('withdraw_commission', [['amount', `${a.commission}ucmt`], ['validator', toAddress(val)]]));
    }
    return a.commission;
  }

  /** Adjusts a historical ratio's reference count; deletes it when no reference is left. */
  private addHistoricalRefs(store: KVStore, val: Uint8Array, period: bigint, delta: number): void {
    const key = historicalKey(val, period);
    const raw = store.get(key);
    if (raw === undefined) throw new Error(`missing historical ratio ${period} of ${toHex(val)}`);
    const h = HistoricalRatio.decode(raw);
    const refs = h.referenceCount + delta;
    if (refs <= 0) store.delete(key);
    else store.set(key, HistoricalRatio.encode({ ratio: h.ratio, referenceCount: refs }).finish());
  }

  /** Read-only: a delegation's rewards now (what a withdrawal would pay). */
  pendingRewards(store: KVReader, del: Uint8Array, val: Uint8Array, v: Validator): bigint {
    const raw = store.get(startingKey(del, val));
    const curRaw = store.get(currentKey(val));
    if (raw === undefined || curRaw === undefined) return 0n;
    const st = StartingInfo.decode(raw);
    const cur = CurrentRewards.decode(curRaw);
    const ratioAt = (p: bigint): bigint => {
      const h = store.get(historicalKey(val, p));
      if (h === undefined) throw new Error(`missing historical ratio ${p}`);
      return BigInt(HistoricalRatio.decode(h).ratio);
    };
    const tokens = BigInt(v.tokens);
    const now = ratioAt(cur.period - 1n) + (tokens === 0n ? 0n : (BigInt(cur.rewards) * RATIO_SCALE) / tokens);
    const reader = this.f1Reader(store);
    const unused = (): never => {
      throw new Error('read-only F1 view');
    };
    const view: F1Store = {
      ...reader,
      current: unused,
      setCurrent: unused,
      setHistorical: unused,
      retainHistorical: unused,
      releaseHistorical: unused,
      starting: unused,
      setStarting: unused,
      setSlashEvent: unused,
      setLastSlashPeriod: unused,
    };
    return rewardsSince(view, hexOf(val), st.previousPeriod, BigInt(st.stake), now);
  }

  // ---- block awards ----

  initGenesis(ctx: StakingContext, timeSeconds: bigint, timeNanos: number): void {
    this.bank.ensureAccount(ctx.store);
    this.setAwardState(ctx.store, {
      genesisSupply: this.bank.supply(ctx.store).toString(),
      lastTimeSeconds: timeSeconds,
      lastTimeNanos: timeNanos,
      inflationCarry: '0',
      undistributed: '0',
      minted: '0',
    });
  }

  /**
   * Awards of a block, to the set that served it (the set last reported to CometBFT): inflation
   * for the block time elapsed, the fees collected, and what was left undistributed. Without
   * validators in staking (an old genesis) nothing is minted or moved.
   */
  async allocate(ctx: StakingContext, timeSeconds: bigint, timeNanos: number): Promise<void> {
    const p = this.params(ctx.store);
    const aw = this.awardState(ctx.store);
    const set = await this.staking.lastSet(ctx.store);
    const active: Recipient[] = [];
    const backups: Recipient[] = [];
    const byKey = new Map<string, Uint8Array>();
    for (const { val, last } of set.values()) {
      const v = this.staking.mustGetValidator(ctx.store, val);
      const r = { key: hexOf(val), stake: BigInt(v.tokens), commissionRate: BigInt(v.commission.commissionRates.rate) };
      byKey.set(r.key, val);
      (last.active && last.power > 0n ? active : backups).push(r);
    }
    // The first block after genesis: no time has elapsed yet (genesis time is not in the app state).
    const elapsed = aw.lastTimeSeconds === 0n ? 0n : timeSeconds - aw.lastTimeSeconds;
    const next: AwardState = { ...aw, lastTimeSeconds: timeSeconds, lastTimeNanos: timeNanos };
    if (active.length === 0) {
      this.setAwardState(ctx.store, next);
      return;
    }
    const inflation = inflationFor(BigInt(aw.genesisSupply), BigInt(p.inflationBps), elapsed, BigInt(aw.inflationCarry));
    if (inflation.minted > 0n) this.bank.mint(ctx, inflation.minted);
    const fees = this.bank.collectFees(ctx);
    const total = inflation.minted + fees + BigInt(aw.undistributed);
    const { shares, remainder } = splitAwards(total, active, backups, BigInt(p.backupShareBps));
    const s = this.f1(ctx.store);
    for (const sh of shares) {
      const val = byKey.get(sh.key);
      if (val === undefined) continue;
      allocate(s, sh.key, sh.delegators);
      const a = this.accounts(ctx.store, val);
      this.setAccounts(ctx.store, val, { commission: a.commission + sh.commission, delegatorOutstanding: a.delegatorOutstanding + sh.delegators });
    }
    this.setAwardState(ctx.store, {
      ...next,
      inflationCarry: inflation.carry.toString(),
      undistributed: remainder.toString(),
      minted: (BigInt(aw.minted === '' ? '0' : aw.minted) + inflation.minted).toString(),
    });
    ctx.events.emit(makeEvent('block_awards', [['minted', `${inflation.minted}ucmt`], ['fees', `${fees}ucmt`], ['distributed', `${total - remainder}ucmt`]]));
  }

  /** Σ commission + delegator_outstanding over validators, plus undistributed. */
  async owed(store: KVReader, validators: Iterable<Uint8Array>): Promise<bigint> {
    let sum = BigInt(this.awardState(store).undistributed);
    for (const val of validators) {
      const a = this.accounts(store, val);
      sum += a.commission + a.delegatorOutstanding;
    }
    return sum;
  }
}
