// Genesis validators for the devnet and testnets: each home's CometBFT key
// (config/priv_validator_key.json, ed25519) goes into the staking genesis with a self-bond from
// an operator account of its own, so that CometBFT's genesis.json validators and the set the app
// returns from InitChain are the same.
//
// Operator accounts come from the dev mnemonic at HD index OPERATOR_HD_INDEX + i
// (m/44'/118'/0'/0/1000 for validator 0, .../1001 for validator 1, ...): the dev accounts
// (indexes 0-9) stay exactly as they were. Like the dev accounts they are public: dev-only.
import { pathToString } from '@cosmjs/crypto';
import { fromBase64 } from '@cosmjs/encoding';
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from '@cosmjs/proto-signing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVNET_MNEMONIC, type DevAccount } from '../cli/devnet-accounts.js';
import { Params } from '../generated/cybermiles/staking/v1/staking.js';
import { BECH32_PREFIX, parseAddress } from '../modules/auth/address.js';
import { toValoper } from '../modules/staking/address.js';
import { DEFAULT_STAKING_PARAMS } from '../modules/staking/params.js';
import { homePaths } from './home.js';

export const OPERATOR_HD_INDEX = 1000;
/** Each operator account's genesis balance: 1,000 CMT. */
export const OPERATOR_BALANCE = 1_000_000_000n;
/** Consensus power of each genesis validator (CometBFT's `cometbft init` default, 10). */
export const GENESIS_POWER = 10n;
export const POWER_REDUCTION = DEFAULT_STAKING_PARAMS.powerReduction;
/** Devnets and testnets release undelegated tokens after a minute, not a week. */
export const DEV_UNBONDING_SECONDS = 60n;

export interface PrivValidatorKey {
  address: string;
  pub_key: { type: string; value: string };
}

export interface OperatorAccount extends DevAccount {
  readonly valoper: string;
}

export async function operatorAccounts(count: number): Promise<OperatorAccount[]> {
  const paths = Array.from({ length: count }, (_, i) => makeCosmoshubPath(OPERATOR_HD_INDEX + i));
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: BECH32_PREFIX, hdPaths: paths });
  const accounts = await wallet.getAccounts();
  return accounts.map((a, i) => ({
    name: `validator${i}`,
    address: a.address,
    mnemonic: DEVNET_MNEMONIC,
    hdPath: pathToString(paths[i] ?? makeCosmoshubPath(OPERATOR_HD_INDEX + i)),
    valoper: toValoper(parseAddress(a.address)),
  }));
}

export async function readPrivValidatorKey(home: string): Promise<PrivValidatorKey> {
  return JSON.parse(await readFile(join(homePaths(home).config, 'priv_validator_key.json'), 'utf8')) as PrivValidatorKey;
}

/** The bank balances and staking genesis for these validators (key i bonded by operator i). */
export function genesisValidatorState(
  keys: readonly PrivValidatorKey[],
  operators: readonly OperatorAccount[],
  monikers: readonly string[],
  denom: string,
): { balances: { address: string; coins: { denom: string; amount: string }[] }[]; staking: Record<string, unknown> } {
  const validators = keys.map((key, i) => {
    const op = operators[i];
    if (op === undefined) throw new Error(`no operator account for validator ${i}`);
    if (key.pub_key.type !== 'tendermint/PubKeyEd25519' || fromBase64(key.pub_key.value).length !== 32) {
      throw new Error(`validator ${i}: priv_validator_key.json holds a ${key.pub_key.type}, not an ed25519 key`);
    }
    return {
      operator_address: op.valoper,
      consensus_pubkey: key.pub_key.value,
      self_bond: (GENESIS_POWER * POWER_REDUCTION).toString(),
      moniker: monikers[i] ?? op.name,
      commission_rate: '0.1',
      commission_max_rate: '0.2',
      commission_max_change_rate: '0.01',
    };
  });
  return {
    balances: operators.slice(0, keys.length).map((o) => ({ address: o.address, coins: [{ denom, amount: OPERATOR_BALANCE.toString() }] })),
    staking: {
      params: Params.toJSON({ ...DEFAULT_STAKING_PARAMS, bondDenom: denom, unbondingTimeSeconds: DEV_UNBONDING_SECONDS }),
      validators,
    },
  };
}

/** CometBFT's genesis.json validator entry for a key at the genesis power. */
export function cometGenesisValidator(key: PrivValidatorKey, name: string): Record<string, string | { type: string; value: string }> {
  return { address: key.address, pub_key: key.pub_key, power: GENESIS_POWER.toString(), name };
}
