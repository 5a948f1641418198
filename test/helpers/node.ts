// Runs whole CyberMiles nodes (`cybermilesd` = our app + its CometBFT child) as real processes on
// free loopback ports, for end-to-end tests. Each node gets its own temporary home, removed by
// destroy(). Every wait has a timeout; SIGKILL-ed nodes leave no CometBFT behind. Multi-validator
// networks of these nodes: ./testnet.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { latestHeight, waitForHeight } from './cometbft.js';
import { freePorts } from './ports.js';
import { processAlive } from '../../src/util/process-alive.js';

export const CLI = fileURLToPath(new URL('../../bin/cybermilesd.js', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface NodePorts {
  readonly rpc: number;
  readonly p2p: number;
  readonly abci: number;
}

export interface TestNodeOptions {
  /** The address its RPC listens on (default 127.0.0.1). */
  readonly rpcHost?: string;
  /** A command the node runs under, e.g. ['ip', 'netns', 'exec', NS] (it must exec the node, keeping its pid). */
  readonly wrapper?: readonly string[];
  /** Extra arguments for the first `devnet` command (app state patch, block interval). */
  readonly devnetArgs?: readonly string[];
  /** Extra environment variables for the node process. */
  readonly env?: Readonly<Record<string, string>>;
}

export class TestNode {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lastCometbftPid: number | undefined;
  private paused = false;

  constructor(
    readonly home: string,
    readonly ports: NodePorts,
    /** The first command: 'devnet' creates the devnet home; later starts use 'start'. */
    private firstCommand: 'devnet' | 'start',
    private readonly opts: TestNodeOptions = {},
  ) {}

  get rpcUrl(): string {
    return `http://${this.opts.rpcHost ?? '127.0.0.1'}:${this.ports.rpc}`;
  }

  get logFile(): string {
    return join(this.home, 'node.log');
  }

  /** Starts the node process (devnet on first start) and waits until it has committed a block past the current one. */
  async start(opts: { waitForHeight?: number; timeoutMs?: number } = {}): Promise<void> {
    if (this.proc !== undefined) throw new Error('node already running');
    const args = [
      CLI,
      this.firstCommand,
      '--home',
      this.home,
      '--check-invariants',
      ...(this.firstCommand === 'devnet'
        ? ['--rpc-port', String(this.ports.rpc), '--p2p-port', String(this.ports.p2p), '--abci-port', String(this.ports.abci), ...(this.opts.devnetArgs ?? [])]
        : []),
    ];
    this.firstCommand = 'start';
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const [cmd, ...wrapperArgs] = [...(this.opts.wrapper ?? []), process.execPath];
    const proc = spawn(cmd ?? process.execPath, [...wrapperArgs, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.opts.env },
    });
    proc.stdout.pipe(log, { end: false });
    proc.stderr.pipe(log, { end: false });
    // The supervisor logs each CometBFT start with its pid; remember the latest.
    createInterface({ input: proc.stderr }).on('line', (line) => {
      if (!line.includes('"cometbft started"')) return;
      const m = /"pid":(\d+)/.exec(line);
      if (m !== null) this.lastCometbftPid = Number(m[1]);
    });
    this.proc = proc;
    this.paused = false;
    this.exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        if (this.proc === proc) this.proc = undefined;
        resolve();
      }),
    );
    await waitForHeight(this.rpcUrl, opts.waitForHeight ?? 1, opts.timeoutMs ?? 60_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n--- node log tail ---\n${this.logTail()}`);
    });
  }

  running(): boolean {
    return this.proc !== undefined;
  }

  /** The pid of the CometBFT child, from the supervisor's log. */
  cometbftPid(): number | undefined {
    if (this.lastCometbftPid !== undefined) return this.lastCometbftPid;
    const lines = this.logTail(1_000_000).split('\n').filter((l) => l.includes('"cometbft started"'));
    const last = lines[lines.length - 1];
    const m = last === undefined ? null : /"pid":(\d+)/.exec(last);
    return m === null ? undefined : Number(m[1]);
  }

  logTail(chars = 6000): string {
    if (!existsSync(this.logFile)) return '';
    const text = readFileSync(this.logFile, 'utf8');
    return text.slice(-chars);
  }

  /** Clean stop: SIGTERM, wait (SIGKILL after the grace period). */
  stop(graceMs = 20_000): Promise<void> {
    return this.stopWith('SIGTERM', graceMs);
  }

  /** Sends the signal and waits for the node and its CometBFT to exit (SIGKILL after the grace period). */
  async stopWith(signal: 'SIGINT' | 'SIGTERM', graceMs = 20_000): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    const cometPid = this.cometbftPid();
    if (this.paused) this.resume();
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await waitGone(cometPid, 15_000);
  }

  /** SIGKILL the app process (the supervisor); its CometBFT exits on losing the app. */
  async killApp(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) throw new Error('node not running');
    const cometPid = this.cometbftPid();
    proc.kill('SIGKILL');
    await this.exited;
    await waitGone(cometPid, 15_000);
  }

  /** SIGKILL the app and its CometBFT at once, as when the machine dies; waits until both are gone. */
  async crash(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) throw new Error('node not running');
    const cometPid = this.cometbftPid();
    if (cometPid !== undefined) signalIfAlive(cometPid, 'SIGKILL');
    proc.kill('SIGKILL');
    await this.exited;
    await waitGone(cometPid, 15_000);
  }

  /** SIGSTOP the app and its CometBFT: the node freezes, its sockets stay open. */
  pause(): void {
    const proc = this.proc;
    const cometPid = this.cometbftPid();
    if (proc?.pid === undefined || cometPid === undefined) throw new Error('node not running');
    signalIfAlive(cometPid, 'SIGSTOP');
    proc.kill('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT both processes of a paused node. */
  resume(): void {
    const proc = this.proc;
    const cometPid = this.cometbftPid();
    if (proc !== undefined) proc.kill('SIGCONT');
    if (cometPid !== undefined) signalIfAlive(cometPid, 'SIGCONT');
    this.paused = false;
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** SIGKILL only the CometBFT child; the supervisor restarts it. */
  killCometbft(): number {
    const pid = this.cometbftPid();
    if (pid === undefined) throw new Error('no cometbft pid in the log');
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  async height(): Promise<number> {
    return (await latestHeight(this.rpcUrl)) ?? 0;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.home, { recursive: true, force: true });
  }
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}


/** Waits until a process is gone; SIGKILLs it if it lingers past the timeout. */
export async function waitGone(pid: number | undefined, timeoutMs: number): Promise<void> {
  if (pid === undefined) return;
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(200);
      return;
    }
    await sleep(100);
  }
}

export interface DevnetNodeOptions {
  /** Merged into the devnet's genesis app state (short escrow windows, small arbiter bonds…). */
  readonly appStatePatch?: Readonly<Record<string, unknown>>;
  readonly blockInterval?: string;
  /** `--index-events` for the node (see src/events/index-events.ts). */
  readonly indexEvents?: string;
  /** `--db-backend` when the devnet is created (default: the CLI's). */
  readonly dbBackend?: string;
  /** Extra environment variables for the node process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A fresh single-validator devnet node on free ports, started and past height 1. */
export async function startDevnetNode(opts: DevnetNodeOptions = {}): Promise<TestNode> {
  const home = await mkdtemp(join(tmpdir(), 'cybermiles-test-'));
  const [rpc, p2p, abci] = await freePorts(3);
  if (rpc === undefined || p2p === undefined || abci === undefined) throw new Error('no free ports');
  const devnetArgs: string[] = [];
  if (opts.appStatePatch !== undefined) {
    const patchFile = join(home, 'app-state-patch.json');
    writeFileSync(patchFile, JSON.stringify(opts.appStatePatch));
    devnetArgs.push('--app-state-patch', patchFile);
  }
  if (opts.blockInterval !== undefined) devnetArgs.push('--block-interval', opts.blockInterval);
  if (opts.indexEvents !== undefined) devnetArgs.push('--index-events', opts.indexEvents);
  if (opts.dbBackend !== undefined) devnetArgs.push('--db-backend', opts.dbBackend);
  const node = new TestNode(home, { rpc, p2p, abci }, 'devnet', { devnetArgs, ...(opts.env === undefined ? {} : { env: opts.env }) });
  try {
    await node.start({ waitForHeight: 2 });
  } catch (e) {
    await node.destroy();
    throw e;
  }
  return node;
}
