// `cybermilesd testnet`: N validator homes sharing one genesis, wired to each other as persistent
// peers, for local processes on one machine (distinct ports) or for docker compose (one
// container per node, default ports, peers by service name).
//
// Each home is made by initHome (so config.toml and genesis.json carry exactly the single-node
// settings), then the homes' validator keys go into one shared genesis and every config.toml gets
// the other nodes as persistent peers.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { devnetAccounts, DEVNET_ACCOUNT_BALANCE, type DevAccount } from '../cli/devnet-accounts.js';
import { Keyring } from '../cli/keyring.js';
import { mergeAppState } from '../genesis/merge.js';
import { BECH32_PREFIX } from '../modules/auth/address.js';
import { cometbftBinary } from './cometbft-binary.js';
import { setTomlValues } from './config-toml.js';
import { homePaths } from './home.js';
import type { DbBackend } from './db-backend.js';
import { DEFAULT_PORTS, initHome, readGenesis, writeGenesis, type Ports } from './init-home.js';
import { cometGenesisValidator, genesisValidatorState, operatorAccounts, type OperatorAccount } from './genesis-validators.js';

const run = promisify(execFile);

export type TestnetMode = 'local' | 'docker';

export const TESTNET_CHAIN_ID = 'cybermiles-testnet';
export const TESTNET_DENOM = 'ucmt';
/** Local mode: node i uses PORT_BASE + 10*i + PORT_OFFSETS. With 26656, node 0 has the usual ports. */
export const DEFAULT_PORT_BASE = 26656;
export const PORT_STRIDE = 10;
export const PORT_OFFSETS: Ports = { p2p: 0, rpc: 1, abci: 2 };
/** Every genesis validator's voting power: its self-bond in the staking genesis (see genesis-validators.ts). */
export const GENESIS_VALIDATOR_POWER = 10;
/** Docker mode: the node home inside each container (a volume). */
export const DOCKER_HOME = '/cybermiles';
export const TESTNET_JSON = 'testnet.json';
export const MAX_VALIDATORS = 64;

export interface TestnetOptions {
  readonly validators: number;
  readonly output: string;
  readonly chainId?: string;
  readonly mode?: TestnetMode;
  /** Local mode: the first port; see PORT_OFFSETS. */
  readonly portBase?: number;
  /**
   * Local mode: each node's address, used for its RPC and P2P listeners and by its peers
   * (default 127.0.0.1 for all). Several nodes may share an address; their ports differ.
   */
  readonly hosts?: readonly string[];
  /** CometBFT's timeout_commit (default 1s). */
  readonly blockInterval?: string;
  /** Merged into the genesis app state (deeply; see mergeAppState), after the funded accounts. */
  readonly appStatePatch?: Readonly<Record<string, unknown>>;
  /** CometBFT's database backend on every node (default: initHome's). */
  readonly dbBackend?: DbBackend;
}

export interface TestnetNodeInfo {
  readonly name: string;
  /** The home directory, relative to the testnet directory. */
  readonly home: string;
  readonly node_id: string;
  /** The validator's consensus address (hex), as in genesis. */
  readonly validator_address: string;
  /** The validator's consensus public key, as in genesis (`tendermint/PubKeyEd25519`, base64). */
  readonly validator_pub_key: { readonly type: string; readonly value: string };
  /** Local mode: the listen address; docker mode: the compose service name. */
  readonly host: string;
  readonly p2p_port: number;
  readonly rpc_port: number;
  readonly abci_port: number;
  /** The RPC URL, as reachable from this machine (local) or inside the compose network (docker). */
  readonly rpc: string;
  readonly persistent_peers: string;
}

export interface TestnetInfo {
  readonly chain_id: string;
  readonly mode: TestnetMode;
  readonly denom: string;
  readonly prefix: string;
  readonly block_interval: string;
  /** Where a client on this machine reaches the chain (docker: node 0's published RPC). */
  readonly rpc: string;
  readonly nodes: readonly TestnetNodeInfo[];
  readonly accounts: readonly (DevAccount & { readonly balance: string })[];
  /** Validator i's operator account (dev mnemonic, HD index 1000 + i), which bonds its self-bond. */
  readonly operators?: readonly OperatorAccount[];
}

interface PrivValidatorKey {
  address: string;
  pub_key: { type: string; value: string };
}

export function testnetPorts(index: number, portBase = DEFAULT_PORT_BASE): Ports {
  const base = portBase + PORT_STRIDE * index;
  const ports = { p2p: base + PORT_OFFSETS.p2p, rpc: base + PORT_OFFSETS.rpc, abci: base + PORT_OFFSETS.abci };
  for (const p of Object.values(ports)) {
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`port base ${portBase} puts node${index} on port ${p}, outside 1-65535`);
  }
  return ports;
}

export const nodeName = (i: number): string => `node${i}`;

/** `cometbft show-node-id --home H`: the node's P2P id. */
export async function showNodeId(home: string): Promise<string> {
  const { stdout } = await run(cometbftBinary(), ['show-node-id', '--home', home]);
  const id = stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(id)) throw new Error(`cometbft show-node-id --home ${home} printed ${JSON.stringify(id)}`);
  return id;
}

function validate(o: TestnetOptions): void {
  if (!Number.isInteger(o.validators) || o.validators < 1 || o.validators > MAX_VALIDATORS) {
    throw new Error(`--validators must be an integer from 1 to ${MAX_VALIDATORS}, not ${o.validators}`);
  }
  if (o.mode === 'docker' && (o.hosts !== undefined || o.portBase !== undefined)) {
    throw new Error('docker mode uses the default ports and service names; --hosts and --port-base are for local mode');
  }
  if (o.hosts !== undefined && o.hosts.length !== o.validators) {
    throw new Error(`--hosts names ${o.hosts.length} addresses for ${o.validators} validators`);
  }
  for (const h of o.hosts ?? []) {
    if (!/^[A-Za-z0-9.-]+$/.test(h)) throw new Error(`host ${JSON.stringify(h)} is not an IPv4 address or host name`);
  }
}

/** Generates the testnet into `output` (which must be empty or absent) and returns what it wrote to testnet.json. */
export async function generateTestnet(opts: TestnetOptions): Promise<TestnetInfo> {
  validate(opts);
  const mode = opts.mode ?? 'local';
  const chainId = opts.chainId ?? TESTNET_CHAIN_ID;
  const blockInterval = opts.blockInterval ?? '1s';
  const output = resolve(opts.output);
  if (existsSync(output) && (await readdir(output)).length > 0) throw new Error(`${opts.output} exists and is not empty`);
  await mkdir(output, { recursive: true });

  const accounts = await devnetAccounts();
  const operators = await operatorAccounts(opts.validators);
  const devBalances = accounts.map((a) => ({ address: a.address, coins: [{ denom: TESTNET_DENOM, amount: DEVNET_ACCOUNT_BALANCE.toString() }] }));
  // The homes' own genesis files are replaced below by one genesis with every validator in it.
  const appState = mergeAppState({ bank: { balances: devBalances } }, opts.appStatePatch ?? {});
  const layout = Array.from({ length: opts.validators }, (_, i) => {
    const name = nodeName(i);
    const docker = mode === 'docker';
    return {
      name,
      home: join(output, name),
      ports: docker ? DEFAULT_PORTS : testnetPorts(i, opts.portBase),
      host: docker ? name : (opts.hosts?.[i] ?? '127.0.0.1'),
      listenHost: docker ? '0.0.0.0' : (opts.hosts?.[i] ?? '127.0.0.1'),
    };
  });

  await Promise.all(
    layout.map((n) =>
      initHome({
        home: n.home,
        chainId,
        moniker: n.name,
        ports: n.ports,
        blockInterval,
        listenHost: n.listenHost,
        appState,
        ...(opts.dbBackend === undefined ? {} : { dbBackend: opts.dbBackend }),
      }),
    ),
  );
  const nodeIds = await Promise.all(layout.map((n) => showNodeId(n.home)));
  const keys = await Promise.all(
    layout.map(async (n) => JSON.parse(await readFile(join(homePaths(n.home).config, 'priv_validator_key.json'), 'utf8')) as PrivValidatorKey),
  );

  // One genesis for all: node 0's (its genesis time), with every node's validator key.
  const first = layout[0];
  if (first === undefined) throw new Error('no validators');
  const genesis = await readGenesis(homePaths(first.home).genesis);
  genesis.validators = layout.map((n, i) => {
    const key = keys[i];
    if (key === undefined) throw new Error(`no validator key for ${n.name}`);
    return cometGenesisValidator(key, n.name);
  });
  // The same validators in the staking genesis, each bonded by its operator account, so that
  // InitChain returns exactly genesis.json's set.
  const staked = genesisValidatorState(keys, operators, layout.map((n) => n.name), TESTNET_DENOM);
  genesis.app_state = mergeAppState({ bank: { balances: [...devBalances, ...staked.balances] }, staking: staked.staking }, opts.appStatePatch ?? {});
  const peerAddress = (i: number): string => {
    const n = layout[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return `${nodeIds[i] ?? ''}@${n.host}:${n.ports.p2p}`;
  };
  const peersOf = (i: number): string =>
    layout
      .map((_, j) => j)
      .filter((j) => j !== i)
      .map(peerAddress)
      .join(',');

  await Promise.all(
    layout.map(async (n, i) => {
      const paths = homePaths(n.home);
      await writeGenesis(paths.genesis, genesis);
      const toml = await readFile(paths.configToml, 'utf8');
      await writeFile(paths.configToml, setTomlValues(toml, [['p2p', 'persistent_peers', peersOf(i)]]));
    }),
  );

  // The devnet's keys in every home, as `cybermilesd tx … --home nodeI` expects them.
  const firstKeyring = new Keyring(homePaths(first.home).keyring);
  for (const a of [...accounts, ...operators]) await firstKeyring.add(a.name, a.mnemonic, a.hdPath);
  await Promise.all(layout.slice(1).map((n) => cp(homePaths(first.home).keyring, homePaths(n.home).keyring, { recursive: true })));

  const nodes: TestnetNodeInfo[] = layout.map((n, i) => ({
    name: n.name,
    home: relative(output, n.home),
    node_id: nodeIds[i] ?? '',
    validator_address: keys[i]?.address ?? '',
    validator_pub_key: keys[i]?.pub_key ?? { type: '', value: '' },
    host: n.host,
    p2p_port: n.ports.p2p,
    rpc_port: n.ports.rpc,
    abci_port: n.ports.abci,
    rpc: `http://${n.host}:${n.ports.rpc}`,
    persistent_peers: peersOf(i),
  }));
  const info: TestnetInfo = {
    chain_id: chainId,
    mode,
    denom: TESTNET_DENOM,
    prefix: BECH32_PREFIX,
    block_interval: blockInterval,
    rpc: mode === 'docker' ? `http://127.0.0.1:${DEFAULT_PORTS.rpc}` : (nodes[0]?.rpc ?? ''),
    nodes,
    accounts: accounts.map((a) => ({ ...a, balance: `${DEVNET_ACCOUNT_BALANCE}${TESTNET_DENOM}` })),
    operators,
  };
  await writeFile(join(output, TESTNET_JSON), JSON.stringify(info, null, 2) + '\n');
  return info;
}

export async function readTestnetInfo(dir: string): Promise<TestnetInfo> {
  const file = join(dir, TESTNET_JSON);
  if (!existsSync(file)) throw new Error(`${dir} is not a testnet (no ${TESTNET_JSON}); create one with 'cybermilesd testnet'`);
  return JSON.parse(await readFile(file, 'utf8')) as TestnetInfo;
}
