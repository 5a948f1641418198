// auth keeper: accounts, their numbers, sequences and public keys.
import { BaseAccount, ModuleAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { Any } from 'cosmjs-types/google/protobuf/any';
// Account numbers and sequences from 2^31 to 2^32 - 1 encode right only with this fix installed.
import '../../util/proto-int64.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { prefixRange } from '../../store/range.js';
import { memoDecoder } from '../../store/decoded-values.js';
import { readUint64BE, uint64BE } from '../../util/bytes.js';
import { parseAddress, parseAddressShared, toAddress } from './address.js';
import { handOver } from '../../store/bytes.js';
import { readerOver } from '../../util/proto-reader.js';
import { ACCOUNT_PREFIX, accountKey, NEXT_ACCOUNT_NUMBER_KEY } from './keys.js';
import { BASE_ACCOUNT_TYPE, encodeBaseAccountAny, pubKeyIn, SECP256K1_PUBKEY_TYPE } from './account-bytes.js';

export { BASE_ACCOUNT_TYPE, SECP256K1_PUBKEY_TYPE };

export const MODULE_ACCOUNT_TYPE = '/cosmos.auth.v1beta1.ModuleAccount';

/** An account as the state machine works with it; the module-account part is kept as is. */
export interface Account {
  readonly address: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  /** Compressed secp256k1 key once the account has signed a tx. */
  readonly pubKey: Uint8Array | undefined;
  readonly module: { readonly name: string; readonly permissions: readonly string[] } | undefined;
}

export function encodeAccount(acc: Account): Any {
  const base = BaseAccount.fromPartial({
    address: acc.address,
    accountNumber: acc.accountNumber,
    sequence: acc.sequence,
    ...(acc.pubKey === undefined
      ? {}
      : { pubKey: { typeUrl: SECP256K1_PUBKEY_TYPE, value: PubKey.encode({ key: acc.pubKey }).finish() } }),
  });
  if (acc.module === undefined) {
    return { typeUrl: BASE_ACCOUNT_TYPE, value: BaseAccount.encode(base).finish() };
  }
  const mod = ModuleAccount.fromPartial({ baseAccount: base, name: acc.module.name, permissions: [...acc.module.permissions] });
  return { typeUrl: MODULE_ACCOUNT_TYPE, value: ModuleAccount.encode(mod).finish() };
}

function fromBase(base: BaseAccount, module: Account['module']): Account {
  return {
    address: base.address,
    accountNumber: base.accountNumber,
    sequence: base.sequence,
    pubKey: base.pubKey === undefined ? undefined : PubKey.decode(readerOver(base.pubKey.value)).key,
    module,
  };
}

/** `any.value` is a stored value (never changed): the account's key is a view into it (see proto-reader.ts). */
export function decodeAccount(any: Any): Account {
  if (any.typeUrl === BASE_ACCOUNT_TYPE) return fromBase(BaseAccount.decode(readerOver(any.value)), undefined);
  if (any.typeUrl === MODULE_ACCOUNT_TYPE) {
    const mod = ModuleAccount.decode(any.value);
    if (mod.baseAccount === undefined) throw new Error('stored module account without base account');
    return fromBase(mod.baseAccount, { name: mod.name, permissions: mod.permissions });
  }
  throw new Error(`stored account of unknown type ${any.typeUrl}`);
}

/** Stored account bytes -> Account, decoded once per stored value (see decoded-values.ts). */
const decodeStoredAccount = memoDecoder((raw: Uint8Array): Account => decodeAccount(Any.decode(readerOver(raw))));

export class AuthKeeper {
  getAccountAny(store: KVReader, address: Uint8Array): Any | undefined {
    const raw = store.get(accountKey(address));
    return raw === undefined ? undefined : Any.decode(raw);
  }

  getAccount(store: KVReader, address: Uint8Array): Account | undefined {
    const raw = store.get(accountKey(address));
    return raw === undefined ? undefined : decodeStoredAccount(raw);
  }

  isModuleAccount(store: KVReader, address: Uint8Array): boolean {
    return this.getAccount(store, address)?.module !== undefined;
  }

  hasAccount(store: KVReader, address: Uint8Array): boolean {
    return store.has(accountKey(address));
  }

  setAccount(store: KVStore, account: Account): void {
    const plain = account.module === undefined;
    const bytes = plain ? encodeBaseAccountAny(account) : Any.encode(encodeAccount(account)).finish();
    // What decodeAccount gives back for these bytes, field for field (see decoded-values.ts); the
    // key a view into them, as a decode would give it (not into a tx's bytes or an older value).
    decodeStoredAccount.remember(bytes, {
      address: account.address,
      accountNumber: account.accountNumber,
      sequence: account.sequence,
      pubKey: account.pubKey === undefined ? undefined : plain ? pubKeyIn(bytes, account) : Uint8Array.from(account.pubKey),
      module: account.module === undefined ? undefined : { name: account.module.name, permissions: [...account.module.permissions] },
    });
    store.set(accountKey(parseAddressShared(account.address)), handOver(bytes));
  }

  nextAccountNumber(store: KVStore): bigint {
    const raw = store.get(NEXT_ACCOUNT_NUMBER_KEY);
    const n = raw === undefined ? 0n : readUint64BE(raw);
    store.set(NEXT_ACCOUNT_NUMBER_KEY, uint64BE(n + 1n));
    return n;
  }

  /** Creates the account with the next account number if it does not exist yet (as bank does on receipt). */
  ensureAccount(store: KVStore, address: Uint8Array): Account {
    const existing = this.getAccount(store, address);
    if (existing !== undefined) return existing;
    const account: Account = {
      address: toAddress(address),
      accountNumber: this.nextAccountNumber(store),
      sequence: 0n,
      pubKey: undefined,
      module: undefined,
    };
    this.setAccount(store, account);
    return account;
  }

  /**
   * Creates a module account (fee collector, escrow, ...). An ordinary account already at the
   * module's address (made when genesis or a transfer funded it first) becomes the module account,
   * keeping its number; nobody holds a key for a module address, so it has never signed.
   */
  ensureModuleAccount(store: KVStore, address: string, name: string, permissions: readonly string[]): Account {
    const bytes = parseAddress(address);
    const existing = this.getAccount(store, bytes);
    if (existing?.module !== undefined) return existing;
    if (existing !== undefined) {
      if (existing.pubKey !== undefined || existing.sequence !== 0n) {
        throw new Error(`the ${name} module's address ${address} belongs to an account that has signed txs`);
      }
      const converted: Account = { ...existing, module: { name, permissions } };
      this.setAccount(store, converted);
      return converted;
    }
    const account: Account = { address, accountNumber: this.nextAccountNumber(store), sequence: 0n, pubKey: undefined, module: { name, permissions } };
    this.setAccount(store, account);
    return account;
  }

  async *iterateAccounts(store: KVReader): AsyncGenerator<Account> {
    for await (const [, value] of store.iterate(prefixRange(ACCOUNT_PREFIX))) yield decodeAccount(Any.decode(value));
  }
}
