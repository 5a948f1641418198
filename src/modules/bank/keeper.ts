// bank keeper: balances, supply and transfers. Other modules reach it only through the narrow
// BankSender interface that app.ts hands them.
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { ErrInsufficientFunds, ErrUnauthorized } from '../../errors/sdk-errors.js';
import type { EventManager } from '../../events/event.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { prefixRange } from '../../store/range.js';
import { memoDecoder } from '../../store/decoded-values.js';
import { handOver } from '../../store/bytes.js';
import { moduleAddress, parseAddress, toAddress } from '../auth/address.js';
import { encodeCoin } from './coin-bytes.js';
import { formatCoins, type Amount } from './coins.js';
import { burnEvent, coinbaseEvent, coinReceivedEvent, coinSpentEvent, messageSenderEvent, transferEvent } from './events.js';
import { BALANCE_PREFIX, balanceKey, balancesPrefix, burnedKey, parseBalanceKey, SUPPLY_PREFIX, supplyKey } from './keys.js';

export interface StateContext {
  readonly store: KVStore;
  readonly events: EventManager;
}

/** What bank needs from auth. */
export interface AccountCreator {
  isModuleAccount(store: KVReader, address: Uint8Array): boolean;
  ensureAccount(store: KVStore, address: Uint8Array): unknown;
  ensureModuleAccount(store: KVStore, address: string, name: string, permissions: readonly string[]): unknown;
}

/** A stored Coin's amount, decoded once per stored value (see decoded-values.ts). */
const decodeStoredAmount = memoDecoder((raw: Uint8Array): bigint => BigInt(Coin.decode(raw).amount));

function decodeAmount(raw: Uint8Array | undefined): bigint {
  return raw === undefined ? 0n : decodeStoredAmount(raw);
}

export class BankKeeper {
  constructor(private readonly accounts: AccountCreator) {}

  getBalance(store: KVReader, address: Uint8Array, denom: string): bigint {
    return decodeAmount(store.get(balanceKey(address, denom)));
  }

  async getAllBalances(store: KVReader, address: Uint8Array): Promise<Amount[]> {
    const out: Amount[] = [];
    for await (const [key, value] of store.iterate(prefixRange(balancesPrefix(address)))) {
      out.push({ denom: parseBalanceKey(key).denom, amount: BigInt(Coin.decode(value).amount) });
    }
    return out;
  }

  getSupply(store: KVReader, denom: string): bigint {
    return decodeAmount(store.get(supplyKey(denom)));
  }

  async *iterateSupply(store: KVReader): AsyncGenerator<Amount> {
    for await (const [, value] of store.iterate(prefixRange(SUPPLY_PREFIX))) {
      const c = Coin.decode(value);
      yield { denom: c.denom, amount: BigInt(c.amount) };
    }
  }

  async *iterateBalances(store: KVReader): AsyncGenerator<{ address: Uint8Array; coin: Amount }> {
    for await (const [key, value] of store.iterate(prefixRange(BALANCE_PREFIX))) {
      const { address } = parseBalanceKey(key);
      const c = Coin.decode(value);
      yield { address, coin: { denom: c.denom, amount: BigInt(c.amount) } };
    }
  }

  private setBalance(store: KVStore, address: Uint8Array, denom: string, amount: bigint): void {
    const key = balanceKey(address, denom);
    if (amount === 0n) store.delete(key);
    else {
      const bytes = encodeCoin(denom, amount.toString());
      decodeStoredAmount.remember(bytes, amount);
      store.set(key, handOver(bytes));
    }
  }

  private setSupply(store: KVStore, denom: string, amount: bigint): void {
    if (amount === 0n) store.delete(supplyKey(denom));
    else store.set(supplyKey(denom), encodeCoin(denom, amount.toString()));
  }

  /** Takes coins from an account; all-or-nothing within the caller's cache layer. */
  subtractCoins(ctx: StateContext, address: Uint8Array, coins: readonly Amount[]): void {
    for (const c of coins) {
      const balance = this.getBalance(ctx.store, address, c.denom);
      if (balance < c.amount) {
        throw ErrInsufficientFunds(`spendable balance ${balance}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
      this.setBalance(ctx.store, address, c.denom, balance - c.amount);
    }
    ctx.events.emit(coinSpentEvent(toAddress(address), formatCoins(coins)));
  }

  addCoins(ctx: StateContext, address: Uint8Array, coins: readonly Amount[]): void {
    for (const c of coins) this.setBalance(ctx.store, address, c.denom, this.getBalance(ctx.store, address, c.denom) + c.amount);
    ctx.events.emit(coinReceivedEvent(toAddress(address), formatCoins(coins)));
  }

  /** Moves coins between accounts, creating the recipient's account on first receipt. */
  send(ctx: StateContext, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void {
    this.subtractCoins(ctx, from, coins);
    this.addCoins(ctx, to, coins);
    this.accounts.ensureAccount(ctx.store, to);
    const sender = toAddress(from);
    ctx.events.emit(transferEvent(toAddress(to), sender, formatCoins(coins)));
    ctx.events.emit(messageSenderEvent(sender));
  }

  /** Users may not send to module accounts (as in the SDK); modules move their funds themselves. */
  assertCanReceive(store: KVReader, address: Uint8Array): void {
    if (this.accounts.isModuleAccount(store, address)) {
      throw ErrUnauthorized(`${toAddress(address)} is a module account and is not allowed to receive funds`);
    }
  }

  /** Creates a module's account if it does not exist yet (at genesis, so nobody can take it first). */
  ensureModuleAccount(store: KVStore, module: string): void {
    this.accounts.ensureModuleAccount(store, moduleAddress(module), module, []);
  }

  /** Moves coins from an account into a module account (fee collector, escrow, ...). */
  sendToModule(ctx: StateContext, from: Uint8Array, module: string, coins: readonly Amount[]): void {
    this.ensureModuleAccount(ctx.store, module);
    this.send(ctx, from, parseAddress(moduleAddress(module)), coins);
  }

  /** Pays coins out of a module account to an account. */
  sendFromModule(ctx: StateContext, module: string, to: Uint8Array, coins: readonly Amount[]): void {
    this.send(ctx, parseAddress(moduleAddress(module)), to, coins);
  }

  /** Coins of `denom` burned since genesis. */
  burned(store: KVReader, denom: string): bigint {
    return decodeAmount(store.get(burnedKey(denom)));
  }

  /** Destroys coins held by a module account (penalties): balance and supply shrink together. */
  burnFromModule(ctx: StateContext, module: string, coins: readonly Amount[]): void {
    const address = parseAddress(moduleAddress(module));
    this.subtractCoins(ctx, address, coins);
    for (const c of coins) {
      this.setSupply(ctx.store, c.denom, this.getSupply(ctx.store, c.denom) - c.amount);
      ctx.store.set(burnedKey(c.denom), Coin.encode({ denom: c.denom, amount: (this.burned(ctx.store, c.denom) + c.amount).toString() }).finish());
    }
    ctx.events.emit(burnEvent(moduleAddress(module), formatCoins(coins)));
  }

  ensureAccountFor(store: KVStore, address: Uint8Array): void {
    this.accounts.ensureAccount(store, address);
  }

  /** Creates coins (genesis, block awards): balance and supply grow together. */
  mint(ctx: StateContext, minter: string, to: Uint8Array, coins: readonly Amount[]): void {
    for (const c of coins) this.setSupply(ctx.store, c.denom, this.getSupply(ctx.store, c.denom) + c.amount);
    this.addCoins(ctx, to, coins);
    this.accounts.ensureAccount(ctx.store, to);
    ctx.events.emit(coinbaseEvent(minter, formatCoins(coins)));
  }
}
