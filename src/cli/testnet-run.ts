// `cybermilesd testnet-run` (`npm run testnet`): a local multi-validator testnet as processes on
// this machine. Generates the testnet on the first run, resumes it afterwards; starts one
// `cybermilesd start --home nodeI` per validator (each supervises its own CometBFT), prints a
// short status view every few seconds, and on SIGINT/SIGTERM stops every node cleanly, leaving
// no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generateTestnet, readTestnetInfo, TESTNET_JSON, type TestnetInfo, type TestnetOptions } from '../node/testnet.js';
import { nodeStatus, statusLine } from '../node/testnet-status.js';
import { processAlive } from '../util/process-alive.js';
import { APP_NODE_FLAGS } from '../node/app-node-flags.js';

export interface TestnetRunOptions {
  readonly dir: string;
  /** The cybermilesd script each node runs (`node <cli> start --home …`). */
  readonly cli: string;
  /** Used when the testnet does not exist yet. */
  readonly generate: Omit<TestnetOptions, 'output' | 'mode'>;
  readonly statusIntervalMs: number;
  readonly checkInvariants: boolean;
  readonly out: (line: string) => void;
  /** How long a node may take to stop after SIGTERM before its process group is killed. */
  readonly stopGraceMs?: number;
}

interface RunningChild {
  readonly name: string;
  readonly home: string;
  readonly rpc: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  exit: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs until SIGINT/SIGTERM (or until every node has exited); resolves with the exit code. */
export async function runTestnet(o: TestnetRunOptions): Promise<number> {
  const dir = resolve(o.dir);
  const created = !existsSync(join(dir, TESTNET_JSON));
  const info: TestnetInfo = created ? await generateTestnet({ ...o.generate, output: dir, mode: 'local' }) : await readTestnetInfo(dir);
  if (info.mode !== 'local') throw new Error(`${o.dir} is a ${info.mode} testnet; run it with docker compose`);
  const shown = (p: string): string => {
    const r = relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') ? p : r;
  };

  o.out(`${created ? 'created' : 'resuming'} testnet ${info.chain_id} in ${shown(dir)}: ${info.nodes.length} validators`);
  const children: RunningChild[] = info.nodes.map((n) => {
    const home = join(dir, n.home);
    const logFile = join(home, 'node.log');
    const fd = openSync(logFile, 'a');
    // Its own process group: a terminal's Ctrl-C reaches only this runner, which then stops the
    // nodes in order (each stops its CometBFT first), and a straggler can be killed as a group.
    const proc = spawn(process.execPath, [...APP_NODE_FLAGS, o.cli, 'start', '--home', home, ...(o.checkInvariants ? ['--check-invariants'] : [])], {
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    const child: RunningChild = {
      name: n.name,
      home,
      rpc: n.rpc,
      proc,
      exit: undefined,
      exited: new Promise<void>((res) =>
        proc.once('exit', (code, signal) => {
          child.exit = signal === null ? `exited with code ${code ?? '?'}` : `killed by ${signal}`;
          res();
        }),
      ),
    };
    o.out(`  ${n.name.padEnd(7)} rpc ${n.rpc}  p2p ${n.host}:${n.p2p_port}  abci ${n.abci_port}  pid ${proc.pid ?? '?'}  log ${shown(logFile)}`);
    return child;
  });
  o.out(`accounts dev0…dev9 (mnemonic and addresses in ${shown(join(dir, TESTNET_JSON))}; keyring in each node home)`);
  o.out('Ctrl-C stops every node.');

  // Last resort if this process dies without a clean stop: take the nodes with it.
  const onExit = (): void => {
    for (const c of children) if (c.proc.pid !== undefined) killGroup(c.proc.pid);
  };
  process.on('exit', onExit);

  let stopping = false;
  let wake: () => void = () => undefined;
  const signalled = new Promise<void>((res) => (wake = res));
  const onSignal = (): void => {
    stopping = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const c of children) {
    void c.exited.then(() => {
      if (!stopping) o.out(`${c.name} ${c.exit ?? 'exited'}; see ${shown(join(c.home, 'node.log'))}`);
      if (children.every((x) => x.exit !== undefined)) wake();
    });
  }

  let code = 0;
  while (!stopping) {
    await Promise.race([signalled, sleep(o.statusIntervalMs)]);
    if (stopping) break;
    if (children.every((c) => c.exit !== undefined)) {
      o.out('every node has exited; stopping');
      code = 1;
      break;
    }
    const statuses = await Promise.all(children.map((c) => (c.exit !== undefined ? Promise.resolve(`down (${c.exit})`) : nodeStatus(c.rpc))));
    o.out(`[${new Date().toISOString().slice(11, 19)}]`);
    children.forEach((c, i) => o.out(statusLine(c.name, statuses[i] ?? 'no answer from its RPC')));
  }

  o.out('stopping the testnet');
  const grace = o.stopGraceMs ?? 30_000;
  await Promise.all(
    children.map(async (c) => {
      const pid = c.proc.pid;
      if (pid === undefined) return;
      if (c.exit === undefined) {
        c.proc.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(pid), grace);
        await c.exited;
        clearTimeout(timer);
      }
      // The node stops its CometBFT before exiting; anything left in its group goes now.
      for (let i = 0; i < 50 && processAlive(-pid); i++) {
        if (i === 20) killGroup(pid);
        await sleep(100);
      }
    }),
  );
  process.off('exit', onExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  o.out('testnet stopped');
  return code;
}
