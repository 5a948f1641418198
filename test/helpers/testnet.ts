// Multi-validator networks for end-to-end tests: `cybermilesd testnet` generates N homes into a
// temporary directory on free loopback ports, and each validator runs as a TestNode
// (`cybermilesd start --home nodeI`, which supervises its own CometBFT). Faults: SIGKILL, clean
// stop, SIGSTOP/SIGCONT, restart, and (as root, with iproute2) cutting a node off the network by
// running it in its own network namespace. Every wait has a timeout; destroy() leaves no process,
// namespace or directory behind.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cometbftConfigPath, patchConfigToml, rpcGet } from './cometbft.js';
import { DEFAULT_PORTS } from '../../src/node/init-home.js';
import { PORT_OFFSETS, PORT_STRIDE } from '../../src/node/testnet.js';
import { BridgedHosts, Netns } from './netns.js';
import { CLI, TestNode } from './node.js';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface TestNetworkOptions {
  /** Default 4. */
  readonly validators?: number;
  /** CometBFT's timeout_commit; default 300ms. */
  readonly blockInterval?: string;
  readonly chainId?: string;
  /**
   * Runs this validator in its own network namespace, joined to the others by veth pairs, so
   * that cutOff()/reconnect() can partition it. Needs root and `ip netns` (see netnsSupport()).
   */
  readonly isolate?: number;
  /** Merged into the genesis app state (`cybermilesd testnet --app-state-patch`). */
  readonly appStatePatch?: Readonly<Record<string, unknown>>;
  /** Extra environment variables per validator index (test-only switches). */
  readonly nodeEnv?: ReadonlyArray<Readonly<Record<string, string>> | undefined>;
}

/**
 * A genesis patch for networks under a steady transfer load: the default fee policy allows 100
 * zero-fee txs per account per 600 blocks, which a long fault test would use up.
 */
export const PLENTY_OF_FREE_TXS = {
  fees: {
    params: {
      freeTxsPerWindow: 1_000_000,
      windowBlocks: '600',
      freeGasPerBlock: '30000000',
      minGasPrice: '0.01',
      minFreeBalance: '1000000',
      stakePerExtraFreeTx: '0',
    },
  },
} as const;

export interface BlockMeta {
  readonly height: number;
  readonly hash: string;
  /** The app hash after block height-1, as the header of `height` commits to it. */
  readonly appHash: string;
}

interface BlockchainResult {
  last_height: string;
  block_metas: { block_id: { hash: string }; header: { height: string; app_hash: string } }[];
}
interface CommitResult {
  signed_header: { header: { height: string; app_hash: string } };
}

/** True when the port can be bound on 127.0.0.1 now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A port base whose whole block (validators × 10 ports) is free, in 20000-31999: below Linux's
 * ephemeral range, so neither other tests' OS-chosen ports nor outgoing connections take them.
 */
export async function freePortBase(validators: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + PORT_STRIDE * Math.floor(Math.random() * (1200 - validators));
    const ports = Array.from({ length: validators }, (_, i) => Object.values(PORT_OFFSETS).map((o) => base + PORT_STRIDE * i + o)).flat();
    let ok = true;
    for (const p of ports) if (ok && !(await bindable(p))) ok = false;
    if (ok) return base;
  }
  throw new Error('found no free block of ports for the testnet');
}

export class TestNetwork {
  private constructor(
    readonly dir: string,
    readonly chainId: string,
    readonly nodes: readonly TestNode[],
    private readonly netns: Netns | undefined,
    readonly isolated: number | undefined,
    private readonly bridged?: BridgedHosts,
  ) {}

  /**
   * A docker-mode testnet (`cybermilesd testnet --docker`) run the way docker compose runs it,
   * without Docker: each node in its own network namespace on one bridge, default ports, and
   * peers found by service name (node0 …) through per-namespace hosts files. Needs root and
   * `ip netns` (see netnsSupport()). The homes are in `<dir>/testnet-docker/nodeI`.
   */
  static async dockerLike(opts: { validators?: number; blockInterval?: string } = {}): Promise<TestNetwork> {
    const validators = opts.validators ?? 4;
    const dir = await mkdtemp(join(tmpdir(), 'cybermiles-docker-like-'));
    const output = join(dir, 'testnet-docker');
    let bridged: BridgedHosts | undefined;
    try {
      const args = ['testnet', '--docker', '--validators', String(validators), '--output', output, '--block-interval', opts.blockInterval ?? '300ms'];
      await run(process.execPath, [CLI, ...args], { timeout: 60_000 });
      const b = await BridgedHosts.create(Array.from({ length: validators }, (_, i) => `node${i}`));
      bridged = b;
      const nodes = Array.from(
        { length: validators },
        (_, i) => new TestNode(join(output, `node${i}`), DEFAULT_PORTS, 'start', { rpcHost: b.addresses[i] ?? '', wrapper: b.wrapper(i) }),
      );
      return new TestNetwork(dir, 'cybermiles-testnet', nodes, undefined, undefined, b);
    } catch (e) {
      await bridged?.destroy();
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Generates the network with `cybermilesd testnet` (nodes not started yet). */
  static async create(opts: TestNetworkOptions = {}): Promise<TestNetwork> {
    const validators = opts.validators ?? 4;
    const chainId = opts.chainId ?? 'cybermiles-testnet';
    const dir = await mkdtemp(join(tmpdir(), 'cybermiles-testnet-'));
    let netns: Netns | undefined;
    try {
      const base = await freePortBase(validators);
      const isolate = opts.isolate;
      if (isolate !== undefined) netns = await Netns.create();
      // Beside the directory: the generator wants an empty one.
      const patchFile = `${dir}.app-state-patch.json`;
      if (opts.appStatePatch !== undefined) await writeFile(patchFile, JSON.stringify(opts.appStatePatch));
      const hosts =
        netns === undefined ? undefined : Array.from({ length: validators }, (_, i) => (i === isolate ? netns?.nsP2pAddr : netns?.hostP2pAddr) ?? '');
      await run(
        process.execPath,
        [
          CLI,
          'testnet',
          '--validators',
          String(validators),
          '--output',
          dir,
          '--chain-id',
          chainId,
          '--port-base',
          String(base),
          '--block-interval',
          opts.blockInterval ?? '300ms',
          ...(hosts === undefined ? [] : ['--hosts', hosts.join(',')]),
          ...(opts.appStatePatch === undefined ? [] : ['--app-state-patch', patchFile]),
        ],
        { timeout: 60_000 },
      ).finally(() => rm(patchFile, { force: true }));
      const nodes = await Promise.all(
        Array.from({ length: validators }, async (_, i) => {
          const home = join(dir, `node${i}`);
          const p = base + PORT_STRIDE * i;
          const ports = { p2p: p + PORT_OFFSETS.p2p, rpc: p + PORT_OFFSETS.rpc, abci: p + PORT_OFFSETS.abci };
          const env = opts.nodeEnv?.[i];
          if (netns === undefined) return new TestNode(home, ports, 'start', env === undefined ? {} : { env });
          if (i !== isolate) return new TestNode(home, ports, 'start', { rpcHost: netns.hostP2pAddr });
          // The isolated node's RPC goes over its own link, which cutOff() leaves alone.
          await patchConfigToml(cometbftConfigPath(home), { rpc: { laddr: `tcp://${netns.nsRpcAddr}:${ports.rpc}` } });
          return new TestNode(home, ports, 'start', { rpcHost: netns.nsRpcAddr, wrapper: netns.wrapper });
        }),
      );
      return new TestNetwork(dir, chainId, nodes, netns, isolate);
    } catch (e) {
      await netns?.destroy();
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  node(i: number): TestNode {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return n;
  }

  /** Starts the given nodes (default: all) together; each start waits until its RPC shows a block. */
  async start(indices: readonly number[] = this.nodes.map((_, i) => i), timeoutMs = 90_000): Promise<void> {
    await Promise.all(indices.map((i) => this.node(i).start({ waitForHeight: 1, timeoutMs })));
  }

  /** SIGKILL the app and CometBFT of node i. */
  crash(i: number): Promise<void> {
    return this.node(i).crash();
  }

  /** Clean stop (SIGTERM) of node i. */
  stop(i: number): Promise<void> {
    return this.node(i).stop();
  }

  pause(i: number): void {
    this.node(i).pause();
  }

  resume(i: number): void {
    this.node(i).resume();
  }

  /** Restarts a stopped or crashed node i. */
  restart(i: number, timeoutMs = 90_000): Promise<void> {
    return this.node(i).start({ waitForHeight: 1, timeoutMs });
  }

  /** Partitions the isolated node (its P2P link down) / heals it. */
  async cutOff(): Promise<void> {
    if (this.netns === undefined) throw new Error('this network has no isolated node');
    await this.netns.cut();
  }

  async reconnect(): Promise<void> {
    if (this.netns === undefined) throw new Error('this network has no isolated node');
    await this.netns.restore();
  }

  /** Resumes paused nodes and starts stopped ones (so that a test begins with the whole network). */
  async ensureAllRunning(timeoutMs = 90_000): Promise<void> {
    for (const n of this.nodes) if (n.isPaused()) n.resume();
    await this.start(
      this.nodes.flatMap((n, i) => (n.running() ? [] : [i])),
      timeoutMs,
    );
  }

  running(): number[] {
    return this.nodes.flatMap((n, i) => (n.running() && !n.isPaused() ? [i] : []));
  }

  /** Each node's latest height (0 when its RPC does not answer). */
  heights(indices: readonly number[] = this.running()): Promise<number[]> {
    return Promise.all(indices.map((i) => this.node(i).height()));
  }

  /** Waits until every given node (default: running ones) has a height of at least `height`. */
  async waitForHeight(height: number, opts: { nodes?: readonly number[]; timeoutMs?: number } = {}): Promise<number[]> {
    const indices = opts.nodes ?? this.running();
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hs = await this.heights(indices);
      if (hs.every((h) => h >= height)) return hs;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for height ${height} on nodes ${indices.join(',')} (heights ${hs.join(',')})`);
      }
      await sleep(200);
    }
  }

  /** Waits until the given nodes have all gone `blocks` past the highest of them now. */
  async advance(blocks: number, opts: { nodes?: readonly number[]; timeoutMs?: number } = {}): Promise<number> {
    const indices = opts.nodes ?? this.running();
    const target = Math.max(0, ...(await this.heights(indices))) + blocks;
    await this.waitForHeight(target, { nodes: indices, ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }) });
    return target;
  }

  /** The app hash (hex) node i reports after block `height`: the header of height+1 commits to it. */
  async appHashAt(i: number, height: number): Promise<string> {
    const c = await rpcGet<CommitResult>(this.node(i).rpcUrl, 'commit', { height: String(height + 1) });
    return c.signed_header.header.app_hash;
  }

  /** Block hashes and header app hashes of node i for heights from..to (inclusive). */
  async blockMetas(i: number, from: number, to: number): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (let max = to; max >= from; max -= 20) {
      const min = Math.max(from, max - 19);
      const res = await rpcGet<BlockchainResult>(this.node(i).rpcUrl, 'blockchain', { minHeight: String(min), maxHeight: String(max) });
      for (const m of res.block_metas) out.push({ height: Number(m.header.height), hash: m.block_id.hash, appHash: m.header.app_hash });
    }
    return out.sort((a, b) => a.height - b.height);
  }

  /**
   * Checks that the given nodes (default: running ones) have the same block hash and app hash at
   * every height they all have; returns the highest such height. Throws naming the first
   * height where they differ.
   */
  async expectAgreement(indices: readonly number[] = this.running()): Promise<number> {
    const shared = Math.min(...(await this.heights(indices)));
    if (!(shared >= 1)) throw new Error(`nodes ${indices.join(',')} share no block`);
    const metas = await Promise.all(indices.map((i) => this.blockMetas(i, 1, shared)));
    const [first, ...rest] = metas;
    if (first === undefined) return shared;
    for (let k = 0; k < first.length; k++) {
      const a = first[k];
      for (const [j, other] of rest.entries()) {
        const b = other[k];
        if (a === undefined || b === undefined || a.height !== b.height || a.hash !== b.hash || a.appHash !== b.appHash) {
          throw new Error(
            `node${indices[0] ?? '?'} and node${indices[j + 1] ?? '?'} disagree at height ${a?.height ?? '?'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
          );
        }
      }
    }
    if (first.length !== shared) throw new Error(`expected ${shared} blocks from node${indices[0] ?? '?'}, got ${first.length}`);
    return shared;
  }

  /** The last lines of every node's log, for failure messages. */
  logTails(chars = 3000): string {
    return this.nodes.map((n, i) => `--- node${i} ---\n${n.logTail(chars)}`).join('\n');
  }

  /** Stops every node (resuming paused ones first), removes the namespace and the directory. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => undefined)));
    await this.netns?.destroy();
    await this.bridged?.destroy();
    if (process.env['KEEP_TESTNET'] === undefined) await rm(this.dir, { recursive: true, force: true });
  }
}
