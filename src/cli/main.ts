#!/usr/bin/env node
// cybermilesd: init, start, devnet, keys, query, tx, export.
import { coins as makeCoins } from '@cosmjs/stargate';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INDEX_EVENTS_ENV, indexEventsSetting } from '../events/index-events.js';
import { parseAmount } from '../modules/bank/coins.js';
import { PROJECT_ROOT } from '../node/cometbft-binary.js';
import { parseDbBackend, type DbBackend } from '../node/db-backend.js';
import { exportGenesis } from '../node/export-genesis.js';
import { homePaths } from '../node/home.js';
import { DEFAULT_PORTS, initHome, readGenesis, writeGenesis, type Ports } from '../node/init-home.js';
import { runNode } from '../node/run-node.js';
import { DEFAULT_PORT_BASE, generateTestnet, PORT_OFFSETS, PORT_STRIDE, TESTNET_CHAIN_ID } from '../node/testnet.js';
import { createLogger } from '../util/logger.js';
import { connect, connectSigning, DEFAULT_NODE, totalSupply } from './client.js';
import { ensureDevnet } from './devnet.js';
import { Keyring } from './keyring.js';
import { runTestnet } from './testnet-run.js';

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_HOME = process.env['CYBERMILES_HOME'] ?? join(homedir(), '.cybermiles');
const DEFAULT_DEVNET_HOME = join(PROJECT_ROOT, '.devnet');
const DEFAULT_TESTNET_DIR = join(PROJECT_ROOT, '.testnet');

const USAGE = `cybermilesd ${VERSION}: the CyberMiles chain node and CLI

  init --chain-id ID [--moniker M] [--home DIR] [--rpc-port N] [--p2p-port N] [--abci-port N]
       [--block-interval 1s] [--app-state-from GENESIS.json] [--db-backend pebbledb|goleveldb]
  start [--home DIR] [--check-invariants] [--index-events TYPE.KEY,TYPE,...]   (default: $CYBERMILES_INDEX_EVENTS, else every attribute)
  devnet [--home DIR] [--rpc-port N] [--p2p-port N] [--abci-port N] [--check-invariants] [--index-events LIST]
         [--block-interval 1s] [--app-state-patch PATCH.json] [--db-backend B]   (patch and backend: on creation)
  testnet --output DIR [--validators 4] [--chain-id ${TESTNET_CHAIN_ID}] [--block-interval 1s]
          [--port-base ${DEFAULT_PORT_BASE}] [--hosts H0,H1,…] [--docker] [--app-state-patch PATCH.json] [--db-backend B]
          (local: node i listens on port-base + ${PORT_STRIDE}*i + ${PORT_OFFSETS.p2p} (p2p), +${PORT_OFFSETS.rpc} (rpc), +${PORT_OFFSETS.abci} (abci);
           --docker: default ports in each container, peers by service name node0, node1, …)
  testnet-run [--output DIR] [--validators 4] [--port-base N] [--block-interval 1s] [--status-interval 5s]
          [--check-invariants] [--db-backend B]   (runs a local testnet, creating it on the first run; Ctrl-C stops it)
  keys add NAME [--recover] [--hd-path PATH] [--home DIR]   (--recover reads the mnemonic from stdin)
  keys list [--home DIR]
  keys show NAME [--home DIR]
  query bank balances ADDRESS [--node URL]
  query bank total-supply [--node URL]
  query auth account ADDRESS [--node URL]
  query tx HASH [--node URL]
  tx bank send FROM_KEY TO_ADDRESS AMOUNT [--memo TEXT] [--home DIR] [--node URL]
  export [--home DIR] [--output FILE]                       (the node must be stopped)
  version

Defaults: --home ${DEFAULT_HOME} (devnet: ${DEFAULT_DEVNET_HOME}), --node ${DEFAULT_NODE},
testnet-run --output ${DEFAULT_TESTNET_DIR}, --db-backend (CometBFT's databases) pebbledb when the
CometBFT binary is built with it (npm run install-cometbft builds it so), else goleveldb.`;

const OPTIONS = {
  home: { type: 'string' },
  'chain-id': { type: 'string' },
  moniker: { type: 'string' },
  'rpc-port': { type: 'string' },
  'p2p-port': { type: 'string' },
  'abci-port': { type: 'string' },
  'block-interval': { type: 'string' },
  'app-state-from': { type: 'string' },
  'app-state-patch': { type: 'string' },
  'check-invariants': { type: 'boolean' },
  'index-events': { type: 'string' },
  'db-backend': { type: 'string' },
  recover: { type: 'boolean' },
  'hd-path': { type: 'string' },
  node: { type: 'string' },
  memo: { type: 'string' },
  output: { type: 'string' },
  validators: { type: 'string' },
  'port-base': { type: 'string' },
  hosts: { type: 'string' },
  docker: { type: 'boolean' },
  'status-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n\n${USAGE}`);
  }
}

let flags: ReturnType<typeof parseCommandLine>['values'] = {};
let positionals: string[] = [];

const print = (v: unknown): void => {
  process.stdout.write((typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2)) + '\n');
};

function ports(): Ports {
  const num = (flag: string | undefined, d: number): number => {
    if (flag === undefined) return d;
    const n = Number(flag);
    if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`port ${flag} is not a valid port`);
    return n;
  };
  return {
    rpc: num(flags['rpc-port'], DEFAULT_PORTS.rpc),
    p2p: num(flags['p2p-port'], DEFAULT_PORTS.p2p),
    abci: num(flags['abci-port'], DEFAULT_PORTS.abci),
  };
}

function intFlag(name: string, value: string | undefined, d: number): number {
  if (value === undefined) return d;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} ${value} is not a positive integer`);
  return n;
}

/** "5s", "500ms" or a number of seconds, in milliseconds. */
function durationMs(name: string, value: string | undefined, d: number): number {
  if (value === undefined) return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value);
  if (m === null) throw new Error(`--${name} ${value} is not a duration like 5s or 500ms`);
  return Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : 1000));
}

/** The testnet generator's options shared by `testnet` and `testnet-run`. */
async function testnetOptions() {
  const patchFile = flags['app-state-patch'];
  const appStatePatch = patchFile === undefined ? undefined : (JSON.parse(await readFile(patchFile, 'utf8')) as Record<string, unknown>);
  return {
    ...(appStatePatch === undefined ? {} : { appStatePatch }),
    validators: intFlag('validators', flags.validators, 4),
    ...(flags['chain-id'] === undefined ? {} : { chainId: flags['chain-id'] }),
    ...(flags['block-interval'] === undefined ? {} : { blockInterval: flags['block-interval'] }),
    ...(flags['port-base'] === undefined ? {} : { portBase: intFlag('port-base', flags['port-base'], DEFAULT_PORT_BASE) }),
    ...(flags.hosts === undefined ? {} : { hosts: flags.hosts.split(',').map((h) => h.trim()) }),
    ...dbBackendOption(),
  };
}

/** `--db-backend`, for the commands that create homes. */
function dbBackendOption(): { dbBackend?: DbBackend } {
  const value = flags['db-backend'];
  return value === undefined ? {} : { dbBackend: parseDbBackend(value) };
}

function arg(i: number, name: string): string {
  const v = positionals[i];
  if (v === undefined) throw new Error(`missing ${name}\n\n${USAGE}`);
  return v;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function start(home: string): Promise<void> {
  const logger = createLogger();
  const indexEvents = indexEventsSetting(flags['index-events'], process.env[INDEX_EVENTS_ENV]);
  const node = await runNode({
    home,
    logger,
    version: VERSION,
    checkInvariants: flags['check-invariants'] === true,
    ...(indexEvents === undefined ? {} : { indexEvents }),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void node.stop());
  process.exitCode = await node.done;
}

async function main(): Promise<void> {
  ({ values: flags, positionals } = parseCommandLine());
  const [cmd, sub] = positionals;
  const home = flags.home ?? DEFAULT_HOME;
  const nodeUrl = flags.node ?? DEFAULT_NODE;
  if (flags.help === true || cmd === undefined || cmd === 'help') return print(USAGE);
  switch (cmd) {
    case 'version':
      return print(VERSION);
    case 'init': {
      const chainId = flags['chain-id'];
      if (chainId === undefined) throw new Error('init needs --chain-id');
      const from = flags['app-state-from'];
      const appState = from === undefined ? undefined : (await readGenesis(from)).app_state;
      await initHome({
        home,
        chainId,
        moniker: flags.moniker ?? 'node',
        ports: ports(),
        ...(flags['block-interval'] === undefined ? {} : { blockInterval: flags['block-interval'] }),
        ...(appState === undefined ? {} : { appState }),
        ...dbBackendOption(),
      });
      return print(`initialised ${home} for chain ${chainId}`);
    }
    case 'start':
      return start(home);
    case 'devnet': {
      const devHome = flags.home ?? DEFAULT_DEVNET_HOME;
      const patchFile = flags['app-state-patch'];
      const appStatePatch = patchFile === undefined ? undefined : (JSON.parse(await readFile(patchFile, 'utf8')) as Record<string, unknown>);
      const { info, created } = await ensureDevnet(devHome, ports(), {
        ...(appStatePatch === undefined ? {} : { appStatePatch }),
        ...(flags['block-interval'] === undefined ? {} : { blockInterval: flags['block-interval'] }),
        ...dbBackendOption(),
      });
      print(info);
      print(`${created ? 'created' : 'resuming'} devnet in ${devHome}; RPC ${info.rpc}; Ctrl-C stops it`);
      return start(devHome);
    }
    case 'testnet': {
      const output = flags.output;
      if (output === undefined) throw new Error(`testnet needs --output DIR\n\n${USAGE}`);
      const docker = flags.docker === true;
      const info = await generateTestnet({ ...(await testnetOptions()), output, mode: docker ? 'docker' : 'local' });
      print(
        info.nodes.map((n) => ({ name: n.name, home: join(output, n.home), node_id: n.node_id, p2p: `${n.host}:${n.p2p_port}`, rpc: n.rpc })),
      );
      return print(
        docker
          ? `generated ${info.nodes.length} docker-mode validators for chain ${info.chain_id} in ${output}; docker-compose.yml expects them in ./testnet-docker: docker compose up`
          : `generated ${info.nodes.length} validators for chain ${info.chain_id} in ${output}; start each with: cybermilesd start --home ${join(output, 'nodeI')} (or cybermilesd testnet-run --output ${output})`,
      );
    }
    case 'testnet-run': {
      process.exitCode = await runTestnet({
        dir: flags.output ?? DEFAULT_TESTNET_DIR,
        cli: process.argv[1] ?? join(PROJECT_ROOT, 'bin', 'cybermilesd.js'),
        generate: await testnetOptions(),
        statusIntervalMs: durationMs('status-interval', flags['status-interval'], 5000),
        checkInvariants: flags['check-invariants'] === true,
        out: (line) => print(line),
      });
      return;
    }
    case 'keys': {
      const keyring = new Keyring(homePaths(home).keyring);
      if (sub === 'add') {
        const mnemonic = flags.recover === true ? await readStdin() : undefined;
        return print(await keyring.add(arg(2, 'NAME'), mnemonic, flags['hd-path']));
      }
      if (sub === 'list') return print((await keyring.list()).map(({ name, address }) => ({ name, address })));
      if (sub === 'show') {
        const { name, address, hdPath } = await keyring.show(arg(2, 'NAME'));
        return print({ name, address, hdPath });
      }
      break;
    }
    case 'query': {
      const client = await connect(nodeUrl);
      try {
        if (sub === 'bank' && positionals[2] === 'balances') return print(await client.getAllBalances(arg(3, 'ADDRESS')));
        if (sub === 'bank' && positionals[2] === 'total-supply') {
          return print(await totalSupply(nodeUrl));
        }
        if (sub === 'auth' && positionals[2] === 'account') return print((await client.getAccount(arg(3, 'ADDRESS'))) ?? 'not found');
        if (sub === 'tx') return print((await client.getTx(arg(2, 'HASH'))) ?? 'not found');
      } finally {
        client.disconnect();
      }
      break;
    }
    case 'tx': {
      if (sub !== 'bank' || positionals[2] !== 'send') break;
      const keyring = new Keyring(homePaths(home).keyring);
      const wallet = await keyring.wallet(arg(3, 'FROM_KEY'));
      const [from] = await wallet.getAccounts();
      if (from === undefined) throw new Error('key has no account');
      const amountText = arg(5, 'AMOUNT');
      const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(amountText);
      if (m === null) throw new Error(`amount ${amountText} must look like 1000ucmt`);
      const client = await connectSigning(nodeUrl, wallet);
      try {
        const res = await client.sendTokens(from.address, arg(4, 'TO_ADDRESS'), makeCoins(parseAmount(m[1] ?? '').toString(), m[2] ?? ''), 'auto', flags.memo ?? '');
        return print({ txhash: res.transactionHash, height: res.height, code: res.code, gasUsed: res.gasUsed, gasWanted: res.gasWanted });
      } finally {
        client.disconnect();
      }
    }
    case 'export': {
      const doc = await exportGenesis(home);
      const text = JSON.stringify(doc, null, 2) + '\n';
      if (flags.output === undefined) return print(text.trimEnd());
      await writeFile(flags.output, text);
      return print(`exported height ${doc.exported_height} to ${flags.output}`);
    }
    case 'genesis': {
      if (sub !== 'add-account') break;
      const paths = homePaths(home);
      if (!existsSync(paths.genesis)) throw new Error(`${home} has no genesis; run init first`);
      const doc = await readGenesis(paths.genesis);
      const appState = doc.app_state ?? {};
      const bank = (appState['bank'] ?? {}) as { balances?: unknown[] };
      const amountText = arg(3, 'COINS');
      const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(amountText);
      if (m === null) throw new Error(`coins ${amountText} must look like 1000ucmt`);
      bank.balances = [...(bank.balances ?? []), { address: arg(2, 'ADDRESS'), coins: [{ denom: m[2], amount: m[1] }] }];
      doc.app_state = { ...appState, bank };
      await writeGenesis(paths.genesis, doc);
      return print(`added ${amountText} for ${positionals[2]} to ${paths.genesis}`);
    }
  }
  throw new Error(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
