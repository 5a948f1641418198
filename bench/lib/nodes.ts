// The chains the throughput benchmark runs against, as real processes on free loopback ports:
// - our single-validator devnet (`cybermilesd start` on a home made as `cybermilesd devnet`
//   makes it, with an app-state patch and the benchmark's CometBFT settings),
// - our local multi-validator testnet (`cybermilesd testnet`'s generator),
// - CometBFT's built-in kvstore app (`cometbft node --proxy_app=kvstore`) with the same settings,
//   in-process or served by CometBFT's `abci-cli kvstore` over an ABCI socket.
// Each reports the pids of its processes for memory and CPU sampling, and stops cleanly.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureDevnet } from '../../src/cli/devnet.js';
import { APP_NODE_FLAGS } from '../../src/node/app-node-flags.js';
import { cometbftBinary } from '../../src/node/cometbft-binary.js';
import { setTomlValues, type TomlValue } from '../../src/node/config-toml.js';
import { homePaths } from '../../src/node/home.js';
import { generateTestnet } from '../../src/node/testnet.js';
import { RpcClient } from './rpc.js';
import { processAlive } from '../../src/util/process-alive.js';

const run = promisify(execFile);
export const CLI = fileURLToPath(new URL('../../bin/cybermilesd.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type TomlSetting = readonly [string, string, TomlValue];

export interface ProcessInfo {
  readonly role: string;
  readonly pid: number;
  /** A Node process whose main thread (the event loop) is sampled on its own as well. */
  readonly nodeMainThread?: boolean;
}

export interface Chain {
  readonly kind: 'cybermiles' | 'kvstore';
  readonly chainId: string;
  /** RPC of every node; the load goes to the first. */
  readonly rpcUrls: readonly string[];
  /** The processes to sample (app and CometBFT of each node; kvstore is one process). */
  processes(): ProcessInfo[];
  stop(): Promise<void>;
  readonly logFiles: readonly string[];
}

/** Chains still running, stopped if the harness is interrupted (no process is left behind). */
const running = new Set<Chain>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`[bench] ${signal}: stopping ${running.size} chain(s)\n`);
    void Promise.all([...running].map((c) => c.stop().catch(() => undefined))).then(() => process.exit(130));
  });
}

function tracked(chain: Chain): Chain {
  running.add(chain);
  const stop = chain.stop;
  return {
    ...chain,
    stop: async () => {
      await stop();
      running.delete(chain);
    },
  };
}

/** Free loopback TCP ports (bound once, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('no port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** A base port p such that p .. p + span - 1 are all free (for the testnet's fixed layout). */
async function freePortBlock(span: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    const ok = await Promise.all(
      Array.from(
        { length: span },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(false));
            s.listen(base + i, '127.0.0.1', () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free block of ports');
}

async function editToml(path: string, settings: readonly TomlSetting[]): Promise<void> {
  await writeFile(path, setTomlValues(await readFile(path, 'utf8'), settings));
}

async function waitForBlocks(rpc: RpcClient, minHeight: number, timeoutMs: number, what: string, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = await rpc.call<{ sync_info: { latest_block_height: string } }>('status');
      if (Number(s.sync_info.latest_block_height) >= minHeight) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      let tail = '';
      try {
        tail = readFileSync(logFile, 'utf8').slice(-3000);
      } catch {
        // no log
      }
      throw new Error(`${what} did not reach height ${minHeight} in ${timeoutMs} ms\n--- log tail ---\n${tail}`);
    }
    await sleep(250);
  }
}

function waitExit(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}


/** One `cybermilesd start` process (app + its CometBFT child), optionally under --cpu-prof. */
class CyberMilesProcess {
  readonly proc: ChildProcess;
  cometbftPid: number | undefined;

  constructor(
    readonly home: string,
    readonly logFile: string,
    cpuProfileDir: string | undefined,
    heapSnapshotDir: string | undefined,
    startArgs: readonly string[],
  ) {
    const nodeArgs = cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir];
    if (heapSnapshotDir !== undefined) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapSnapshotDir}`);
    this.proc = spawn(process.execPath, [...APP_NODE_FLAGS, ...nodeArgs, CLI, 'start', '--home', home, ...startArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log = createWriteStream(logFile, { flags: 'a' });
    createInterface({ input: this.proc.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      log.write(line + '\n');
      if (line.includes('"cometbft started"')) {
        const m = /"pid":(\d+)/.exec(line);
        if (m !== null) this.cometbftPid = Number(m[1]);
      }
    });
  }

  processes(name: string): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    if (this.proc.pid !== undefined) out.push({ role: `${name} app`, pid: this.proc.pid, nodeMainThread: true });
    if (this.cometbftPid !== undefined) out.push({ role: `${name} cometbft`, pid: this.cometbftPid });
    return out;
  }

  async stop(): Promise<void> {
    const comet = this.cometbftPid;
    this.proc.kill('SIGTERM');
    await waitExit(this.proc, 30_000);
    for (let i = 0; comet !== undefined && processAlive(comet) && i < 100; i++) await sleep(100);
  }
}

export interface Balance {
  readonly address: string;
  readonly coins: readonly { denom: string; amount: string }[];
}

/**
 * Appends balances to a home's genesis app_state.bank.balances. (A patch would replace the array,
 * and with it the funds of the accounts the devnet or testnet generator sets up for itself.)
 */
async function fundInGenesis(home: string, balances: readonly Balance[]): Promise<void> {
  if (balances.length === 0) return;
  const path = homePaths(home).genesis;
  const genesis = JSON.parse(await readFile(path, 'utf8')) as { app_state?: Record<string, unknown> };
  const appState = genesis.app_state ?? {};
  const bank = (appState['bank'] ?? {}) as { balances?: Balance[]; supply?: unknown };
  bank.balances = [...(bank.balances ?? []), ...balances];
  // A declared supply must equal the sum of balances; bank derives it when absent.
  delete bank.supply;
  appState['bank'] = bank;
  genesis.app_state = appState;
  await writeFile(path, JSON.stringify(genesis, null, 2) + '\n');
}

export interface OurChainOptions {
  readonly dir: string;
  readonly validators: number;
  /** Merged into the app state by the devnet's (or testnet generator's) app-state patch. */
  readonly appStatePatch: Readonly<Record<string, unknown>>;
  /** Accounts funded in genesis besides the generator's own. */
  readonly balances: readonly Balance[];
  readonly blockInterval: string;
  readonly settings: readonly TomlSetting[];
  /** Run node 0's app under node --cpu-prof, writing the profile here when it stops. */
  readonly cpuProfileDir?: string;
  /** Let node 0's app write a heap snapshot here on SIGUSR2 (debugging memory). */
  readonly heapSnapshotDir?: string;
  /** CometBFT reaches the app over a unix socket in the node's home instead of loopback TCP. */
  readonly abciUnixSocket?: boolean;
  /** More arguments for every node's `cybermilesd start` (say, --index-events). */
  readonly startArgs?: readonly string[];
}

/** Our chain: a devnet (one validator) or a local testnet (several), started and past height 1. */
export async function startOurChain(o: OurChainOptions): Promise<Chain> {
  let homes: string[];
  let rpcUrls: string[];
  let chainId: string;
  if (o.validators === 1) {
    const home = join(o.dir, 'devnet');
    const [rpc, p2p, abci] = await freePorts(3);
    if (rpc === undefined || p2p === undefined || abci === undefined) throw new Error('no free ports');
    const { info } = await ensureDevnet(home, { rpc, p2p, abci }, { appStatePatch: o.appStatePatch, blockInterval: o.blockInterval });
    homes = [home];
    rpcUrls = [info.rpc];
    chainId = info.chain_id;
  } else {
    const portBase = await freePortBlock(10 * o.validators);
    const info = await generateTestnet({
      validators: o.validators,
      output: join(o.dir, 'testnet'),
      portBase,
      blockInterval: o.blockInterval,
      appStatePatch: o.appStatePatch,
    });
    homes = info.nodes.map((n) => join(o.dir, 'testnet', n.home));
    rpcUrls = info.nodes.map((n) => n.rpc);
    chainId = info.chain_id;
  }
  for (const home of homes) {
    const socket: TomlSetting[] = o.abciUnixSocket === true ? [['', 'proxy_app', `unix://${join(home, 'abci.sock')}`]] : [];
    await editToml(homePaths(home).configToml, [...o.settings, ...socket]);
    await fundInGenesis(home, o.balances);
  }
  const nodes = homes.map(
    (home, i) =>
      new CyberMilesProcess(home, join(o.dir, `node${i}.log`), i === 0 ? o.cpuProfileDir : undefined, i === 0 ? o.heapSnapshotDir : undefined, o.startArgs ?? []),
  );
  const chain: Chain = tracked({
    kind: 'cybermiles',
    chainId,
    rpcUrls,
    logFiles: nodes.map((n) => n.logFile),
    processes: () => nodes.flatMap((n, i) => n.processes(o.validators === 1 ? 'node' : `node${i}`)),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  });
  try {
    const rpc = new RpcClient(rpcUrls[0] ?? '');
    await waitForBlocks(rpc, 2, 180_000, 'our chain', nodes[0]?.logFile ?? '');
    rpc.close();
  } catch (e) {
    await chain.stop();
    throw e;
  }
  return chain;
}

export interface KvstoreOptions {
  readonly dir: string;
  readonly blockInterval: string;
  readonly settings: readonly TomlSetting[];
  /**
   * Path of CometBFT's `abci-cli`: the same kvstore app is then served out of process by
   * `abci-cli kvstore`, and CometBFT reaches it over a loopback ABCI socket as it reaches ours.
   */
  readonly abciCli?: string;
}

/**
 * CometBFT's own kvstore app, one validator, the same settings as ours: in-process in CometBFT
 * (`--proxy_app=kvstore`), or with `abciCli` as a separate process over an ABCI socket.
 */
export async function startKvstore(o: KvstoreOptions): Promise<Chain> {
  const name = o.abciCli === undefined ? 'kvstore' : 'kvstore-socket';
  const home = join(o.dir, name);
  await run(cometbftBinary(), ['init', '--home', home]);
  const [rpc, p2p, abci] = await freePorts(3);
  if (rpc === undefined || p2p === undefined || abci === undefined) throw new Error('no free ports');
  const proxyApp = o.abciCli === undefined ? 'kvstore' : `tcp://127.0.0.1:${abci}`;
  await editToml(join(home, 'config', 'config.toml'), [
    ['', 'proxy_app', proxyApp],
    ['', 'log_format', 'json'],
    ['rpc', 'laddr', `tcp://127.0.0.1:${rpc}`],
    ['p2p', 'laddr', `tcp://127.0.0.1:${p2p}`],
    ['consensus', 'timeout_commit', o.blockInterval],
    ['tx_index', 'indexer', 'kv'],
    ...o.settings,
  ]);
  const genesis = JSON.parse(await readFile(join(home, 'config', 'genesis.json'), 'utf8')) as { chain_id: string };
  const logFile = join(o.dir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const spawnLogged = (cmd: string, args: readonly string[]): ChildProcess => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout?.pipe(log, { end: false });
    p.stderr?.pipe(log, { end: false });
    return p;
  };
  // `abci-cli kvstore` always keeps its state in a goleveldb database: in a new directory under the
  // system's temp dir unless told where, which it never removes. Here it goes with the bench's dir.
  const app =
    o.abciCli === undefined
      ? undefined
      : spawnLogged(o.abciCli, ['kvstore', '--address', proxyApp, '--persist', join(o.dir, `${name}-app-data`), '--log_level', 'error']);
  // CometBFT retries the app's address until it answers, so the order of the two starts is free.
  const proc = spawnLogged(cometbftBinary(), ['node', '--home', home, `--proxy_app=${proxyApp}`]);
  const processes = (): ProcessInfo[] => {
    const out: ProcessInfo[] = [];
    if (app === undefined) {
      if (proc.pid !== undefined) out.push({ role: 'kvstore cometbft (app in-process)', pid: proc.pid });
      return out;
    }
    if (app.pid !== undefined) out.push({ role: 'kvstore-socket abci-cli app', pid: app.pid });
    if (proc.pid !== undefined) out.push({ role: 'kvstore-socket cometbft', pid: proc.pid });
    return out;
  };
  const chain: Chain = tracked({
    kind: 'kvstore',
    chainId: genesis.chain_id,
    rpcUrls: [`http://127.0.0.1:${rpc}`],
    logFiles: [logFile],
    processes,
    stop: async () => {
      proc.kill('SIGTERM');
      await waitExit(proc, 20_000);
      if (app !== undefined) {
        app.kill('SIGTERM');
        await waitExit(app, 20_000);
      }
    },
  });
  try {
    const c = new RpcClient(chain.rpcUrls[0] ?? '');
    await waitForBlocks(c, 2, 60_000, name, logFile);
    c.close();
  } catch (e) {
    await chain.stop();
    throw e;
  }
  return chain;
}
