// `cybermilesd testnet-run` (what `npm run testnet` runs): creates a local testnet on its first
// run, shows each node's height, peers and app hash, stops every process on SIGINT/SIGTERM, and
// resumes the same chain on the next run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from './helpers/node.js';
import { freePortBase } from './helpers/testnet.js';
import { processAlive } from '../src/util/process-alive.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


class Runner {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(args: readonly string[]) {
    this.proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  /** The latest status line of each node: name -> height and peers. */
  latest(): Map<string, { height: number; peers: number }> {
    const out = new Map<string, { height: number; peers: number }>();
    for (const m of this.output.matchAll(/^ {2}(node\d+)\s+height (\d+)\s+peers (\d+)/gm)) {
      out.set(m[1] ?? '', { height: Number(m[2]), peers: Number(m[3]) });
    }
    return out;
  }

  /** Node pids from the start lines, and their CometBFT pids from the nodes' logs. */
  pids(dir: string): number[] {
    const nodes = [...this.output.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    const comets = ['node0', 'node1'].flatMap((n) => {
      const log = readFileSync(join(dir, n, 'node.log'), 'utf8');
      return [...log.matchAll(/"cometbft started".*?"pid":(\d+)/g)].map((m) => Number(m[1]));
    });
    return [...nodes, ...comets];
  }

  async waitFor(what: string, ok: () => boolean, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${this.output.slice(-4000)}`);
      await sleep(200);
    }
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 60_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

describe('cybermilesd testnet-run', () => {
  let dir: string | undefined;
  const runners: Runner[] = [];

  afterAll(async () => {
    for (const r of runners) await r.stop('SIGTERM').catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('creates a testnet, shows its status, stops without leaving a process, and resumes it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cybermiles-testnet-run-'));
    const args = ['testnet-run', '--output', dir, '--validators', '2', '--block-interval', '300ms', '--status-interval', '1s', '--check-invariants'];
    const first = new Runner([...args, '--port-base', String(await freePortBase(2))]);
    runners.push(first);
    const upTo = (r: Runner, h: number) => (): boolean => {
      const s = r.latest();
      return s.size === 2 && [...s.values()].every((n) => n.height >= h && n.peers === 1);
    };
    await first.waitFor('both nodes past height 3 with a peer', upTo(first, 3));
    expect(first.output).toMatch(/^created testnet cybermiles-testnet in .*: 2 validators$/m);
    expect(first.output).toMatch(/node1 +rpc http:\/\/127\.0\.0\.1:\d+/);
    expect(first.output).toMatch(/app [0-9A-F]{12}/);
    const pids = first.pids(dir);
    expect(pids).toHaveLength(4);
    expect(await first.stop('SIGINT')).toBe(0);
    expect(first.output).toContain('testnet stopped');
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    const reached = Math.max(...[...first.latest().values()].map((n) => n.height));

    // The port base given on creation is in testnet.json; a second run needs no options.
    const second = new Runner(['testnet-run', '--output', dir, '--status-interval', '1s']);
    runners.push(second);
    await second.waitFor(`both nodes past height ${reached + 2}`, upTo(second, reached + 2));
    expect(second.output).toMatch(/^resuming testnet cybermiles-testnet in .*: 2 validators$/m);
    const pids2 = second.pids(dir);
    expect(await second.stop('SIGTERM')).toBe(0);
    for (const pid of pids2) expect(processAlive(pid)).toBe(false);
  });
});
