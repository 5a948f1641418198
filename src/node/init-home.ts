// Creates a node home: CometBFT's config and keys (via `cometbft init`), then our settings in
// config.toml and our chain id, consensus parameters and app state in genesis.json.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { APP_PROTOCOL_VERSION } from '../app/abci-app.js';
import { cometbftBinary } from './cometbft-binary.js';
import { setTomlValues, type TomlValue } from './config-toml.js';
import { checkDbBackend, defaultDbBackend, type DbBackend } from './db-backend.js';
import { homePaths } from './home.js';

const run = promisify(execFile);

export interface Ports {
  readonly rpc: number;
  readonly p2p: number;
  readonly abci: number;
}

export const DEFAULT_PORTS: Ports = { rpc: 26657, p2p: 26656, abci: 26658 };
/** The block gas limit CometBFT enforces when reaping the mempool and we enforce in proposals. */
export const DEFAULT_MAX_BLOCK_GAS = 1_000_000_000n;

export interface InitOptions {
  readonly home: string;
  readonly chainId: string;
  readonly moniker: string;
  readonly ports?: Ports;
  /** CometBFT's timeout_commit: roughly the block interval. */
  readonly blockInterval?: string;
  /** Host the RPC and P2P listeners bind to. */
  readonly listenHost?: string;
  readonly appState?: Readonly<Record<string, unknown>>;
  /** CometBFT's database backend; default pebbledb when the binary has it, else goleveldb. */
  readonly dbBackend?: DbBackend;
}

export function cometbftSettings(o: {
  moniker: string;
  ports: Ports;
  blockInterval: string;
  listenHost: string;
  dbBackend: DbBackend;
}): ReadonlyArray<readonly [string, string, TomlValue]> {
  return [
    ['', 'moniker', o.moniker],
    ['', 'db_backend', o.dbBackend],
    ['', 'proxy_app', `tcp://127.0.0.1:${o.ports.abci}`],
    ['', 'log_format', 'json'],
    ['rpc', 'laddr', `tcp://${o.listenHost}:${o.ports.rpc}`],
    ['p2p', 'laddr', `tcp://${o.listenHost}:${o.ports.p2p}`],
    ['p2p', 'addr_book_strict', false],
    ['p2p', 'allow_duplicate_ip', true],
    ['consensus', 'timeout_commit', o.blockInterval],
    ['tx_index', 'indexer', 'kv'],
  ];
}

export interface GenesisDoc {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: {
    block: { max_bytes: string; max_gas: string };
    version?: { app: string };
    [k: string]: unknown;
  };
  validators: unknown[];
  app_hash: string;
  app_state?: Record<string, unknown>;
}

export async function readGenesis(path: string): Promise<GenesisDoc> {
  return JSON.parse(await readFile(path, 'utf8')) as GenesisDoc;
}

export async function writeGenesis(path: string, doc: GenesisDoc): Promise<void> {
  await writeFile(path, JSON.stringify(doc, null, 2) + '\n');
}

export async function initHome(opts: InitOptions): Promise<void> {
  const paths = homePaths(opts.home);
  if (existsSync(paths.genesis)) throw new Error(`${opts.home} is already initialised (${paths.genesis} exists)`);
  const binary = cometbftBinary();
  const dbBackend = opts.dbBackend ?? (await defaultDbBackend(binary));
  await checkDbBackend(binary, dbBackend);
  await run(binary, ['init', '--home', opts.home]);

  const toml = await readFile(paths.configToml, 'utf8');
  const settings = cometbftSettings({
    moniker: opts.moniker,
    ports: opts.ports ?? DEFAULT_PORTS,
    blockInterval: opts.blockInterval ?? '1s',
    listenHost: opts.listenHost ?? '127.0.0.1',
    dbBackend,
  });
  await writeFile(paths.configToml, setTomlValues(toml, settings));

  const genesis = await readGenesis(paths.genesis);
  genesis.chain_id = opts.chainId;
  genesis.initial_height = '1';
  genesis.consensus_params.block.max_gas = DEFAULT_MAX_BLOCK_GAS.toString();
  genesis.consensus_params.version = { app: APP_PROTOCOL_VERSION.toString() };
  genesis.app_state = { ...(opts.appState ?? {}) };
  await writeGenesis(paths.genesis, genesis);
}
