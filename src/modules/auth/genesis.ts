// auth genesis: accounts with their numbers, sequences and public keys, in the SDK's JSON shape.
import { fromBase64, toBase64 } from '@cosmjs/encoding';
import type { KVReader, KVStore } from '../../store/types.js';
import { asArray, asObject, asString, asUint, GenesisError, optionalField, type JsonObject } from '../../genesis/json.js';
import { uint64BE } from '../../util/bytes.js';
import { parseAddress } from './address.js';
import { BASE_ACCOUNT_TYPE, MODULE_ACCOUNT_TYPE, SECP256K1_PUBKEY_TYPE, type Account, type AuthKeeper } from './keeper.js';
import { NEXT_ACCOUNT_NUMBER_KEY } from './keys.js';

interface BaseAccountJson {
  readonly address: string;
  readonly pub_key: { readonly '@type': string; readonly key: string } | null;
  readonly account_number: string;
  readonly sequence: string;
}

export type AccountJson =
  | ({ readonly '@type': typeof BASE_ACCOUNT_TYPE } & BaseAccountJson)
  | { readonly '@type': typeof MODULE_ACCOUNT_TYPE; readonly base_account: BaseAccountJson; readonly name: string; readonly permissions: readonly string[] };

export interface AuthGenesisJson {
  readonly accounts: readonly AccountJson[];
}

function baseFromJson(o: JsonObject, path: string): Omit<Account, 'module'> {
  const address = asString(o['address'], `${path}.address`);
  try {
    parseAddress(address);
  } catch (e) {
    throw new GenesisError(`${path}.address: ${(e as Error).message}`);
  }
  const pk = optionalField(o, 'pub_key');
  let pubKey: Uint8Array | undefined;
  if (pk !== undefined && pk !== null) {
    const p = asObject(pk, `${path}.pub_key`);
    if (p['@type'] !== SECP256K1_PUBKEY_TYPE) throw new GenesisError(`${path}.pub_key: only ${SECP256K1_PUBKEY_TYPE} is supported`);
    pubKey = fromBase64(asString(p['key'], `${path}.pub_key.key`));
  }
  return {
    address,
    accountNumber: asUint(o['account_number'] ?? '0', `${path}.account_number`),
    sequence: asUint(o['sequence'] ?? '0', `${path}.sequence`),
    pubKey,
  };
}

function baseToJson(a: Account): BaseAccountJson {
  return {
    address: a.address,
    pub_key: a.pubKey === undefined ? null : { '@type': SECP256K1_PUBKEY_TYPE, key: toBase64(a.pubKey) },
    account_number: a.accountNumber.toString(),
    sequence: a.sequence.toString(),
  };
}

export async function initAuthGenesis(auth: AuthKeeper, store: KVStore, state: unknown): Promise<void> {
  const g = asObject(state ?? {}, 'app_state.auth');
  const accounts = asArray(optionalField(g, 'accounts') ?? [], 'app_state.auth.accounts');
  const numbers = new Set<bigint>();
  let next = 0n;
  for (const [i, raw] of accounts.entries()) {
    const path = `app_state.auth.accounts[${i}]`;
    const o = asObject(raw, path);
    const type = optionalField(o, '@type') ?? BASE_ACCOUNT_TYPE;
    let account: Account;
    if (type === BASE_ACCOUNT_TYPE) {
      account = { ...baseFromJson(o, path), module: undefined };
    } else if (type === MODULE_ACCOUNT_TYPE) {
      const base = baseFromJson(asObject(o['base_account'], `${path}.base_account`), `${path}.base_account`);
      const permissions = asArray(optionalField(o, 'permissions') ?? [], `${path}.permissions`).map((p, j) => asString(p, `${path}.permissions[${j}]`));
      account = { ...base, module: { name: asString(o['name'], `${path}.name`), permissions } };
    } else {
      throw new GenesisError(`${path}.@type: unknown account type ${String(type)}`);
    }
    if (numbers.has(account.accountNumber)) throw new GenesisError(`${path}.account_number ${account.accountNumber} used twice`);
    if (auth.hasAccount(store, parseAddress(account.address))) throw new GenesisError(`${path}.address ${account.address} listed twice`);
    numbers.add(account.accountNumber);
    if (account.accountNumber >= next) next = account.accountNumber + 1n;
    auth.setAccount(store, account);
  }
  store.set(NEXT_ACCOUNT_NUMBER_KEY, uint64BE(next));
}

export async function exportAuthGenesis(auth: AuthKeeper, store: KVReader): Promise<AuthGenesisJson> {
  const all: Account[] = [];
  for await (const a of auth.iterateAccounts(store)) all.push(a);
  // Stored by address; listed by account number, the order they were created in.
  all.sort((x, y) => (x.accountNumber < y.accountNumber ? -1 : x.accountNumber > y.accountNumber ? 1 : 0));
  const accounts = all.map((a): AccountJson =>
    a.module === undefined
      ? { '@type': BASE_ACCOUNT_TYPE, ...baseToJson(a) }
      : { '@type': MODULE_ACCOUNT_TYPE, base_account: baseToJson(a), name: a.module.name, permissions: [...a.module.permissions] },
  );
  return { accounts };
}
