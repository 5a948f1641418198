// The single-validator devnet that `npm start` runs: created on first run, resumed afterwards.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { mergeAppState } from '../genesis/merge.js';
import { BECH32_PREFIX } from '../modules/auth/address.js';
import type { DbBackend } from '../node/db-backend.js';
import { homePaths } from '../node/home.js';
import { DEFAULT_PORTS, initHome, readGenesis, writeGenesis, type Ports } from '../node/init-home.js';
import { cometGenesisValidator, genesisValidatorState, operatorAccounts, readPrivValidatorKey, type OperatorAccount } from '../node/genesis-validators.js';
import { DEVNET_ACCOUNT_BALANCE, devnetAccounts, type DevAccount } from './devnet-accounts.js';
import { Keyring } from './keyring.js';

export const DEVNET_CHAIN_ID = 'cybermiles-devnet';
export const DENOM = 'ucmt';

export interface DevnetInfo {
  readonly chain_id: string;
  readonly rpc: string;
  readonly denom: string;
  readonly prefix: string;
  readonly accounts: readonly (DevAccount & { readonly balance: string })[];
  /** The validator's operator account (dev mnemonic, HD index 1000), which bonds its self-bond. */
  readonly operators?: readonly OperatorAccount[];
}

export interface DevnetOptions {
  /** Merged into the devnet's app state on creation (short escrow windows for tests, say). */
  readonly appStatePatch?: Readonly<Record<string, unknown>>;
  readonly blockInterval?: string;
  /** CometBFT's database backend (default: initHome's). */
  readonly dbBackend?: DbBackend;
}

export async function ensureDevnet(
  home: string,
  ports: Ports = DEFAULT_PORTS,
  opts: DevnetOptions = {},
): Promise<{ info: DevnetInfo; created: boolean }> {
  const paths = homePaths(home);
  if (existsSync(paths.genesis)) {
    if (!existsSync(paths.devnetJson)) throw new Error(`${home} is a node home but not a devnet (no devnet.json)`);
    return { info: JSON.parse(await readFile(paths.devnetJson, 'utf8')) as DevnetInfo, created: false };
  }
  const accounts = await devnetAccounts();
  const operators = await operatorAccounts(1);
  await initHome({
    home,
    chainId: DEVNET_CHAIN_ID,
    moniker: 'devnet-validator',
    ports,
    ...(opts.blockInterval === undefined ? {} : { blockInterval: opts.blockInterval }),
    ...(opts.dbBackend === undefined ? {} : { dbBackend: opts.dbBackend }),
    appState: mergeAppState(
      {
        bank: {
          balances: accounts.map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: DEVNET_ACCOUNT_BALANCE.toString() }] })),
        },
      },
      opts.appStatePatch ?? {},
    ),
  });
  // The home's validator key into the staking genesis, bonded by its operator account, so that
  // InitChain returns exactly genesis.json's validator.
  const key = await readPrivValidatorKey(home);
  const staked = genesisValidatorState([key], operators, ['devnet-validator'], DENOM);
  const genesis = await readGenesis(paths.genesis);
  genesis.validators = [cometGenesisValidator(key, 'devnet-validator')];
  genesis.app_state = mergeAppState(
    {
      bank: {
        balances: [
          ...accounts.map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: DEVNET_ACCOUNT_BALANCE.toString() }] })),
          ...staked.balances,
        ],
      },
      staking: staked.staking,
    },
    opts.appStatePatch ?? {},
  );
  await writeGenesis(paths.genesis, genesis);
  const keyring = new Keyring(paths.keyring);
  for (const a of [...accounts, ...operators]) await keyring.add(a.name, a.mnemonic, a.hdPath);
  const info: DevnetInfo = {
    chain_id: DEVNET_CHAIN_ID,
    rpc: `http://127.0.0.1:${ports.rpc}`,
    denom: DENOM,
    prefix: BECH32_PREFIX,
    accounts: accounts.map((a) => ({ ...a, balance: `${DEVNET_ACCOUNT_BALANCE}${DENOM}` })),
    operators,
  };
  await writeFile(paths.devnetJson, JSON.stringify(info, null, 2) + '\n');
  return { info, created: true };
}
