// `cybermilesd start`: opens the state, serves ABCI where config.toml's proxy_app points, and
// supervises CometBFT. SIGINT/SIGTERM stop CometBFT first, then the server, then the store.
import { readFile } from 'node:fs/promises';
import { createAbciServer } from '../abci/server.js';
import { createApp } from '../app.js';
import type { IndexEvents } from '../events/index-events.js';
import { CommitStore } from '../store/commit-store.js';
import type { Logger } from '../util/logger.js';
import { cometbftBinary } from './cometbft-binary.js';
import { superviseCometbft } from './cometbft-process.js';
import { getTomlString } from './config-toml.js';
import { checkDbBackend } from './db-backend.js';
import { homePaths } from './home.js';
import { startMemoryReports } from './memory-report.js';

export interface RunNodeOptions {
  readonly home: string;
  readonly logger: Logger;
  readonly version: string;
  readonly checkInvariants: boolean;
  /** Index only these event attributes (`--index-events`); every one when absent. */
  readonly indexEvents?: IndexEvents;
  /** Serve ABCI only and leave CometBFT to someone else (tests, separate processes). */
  readonly withoutCometbft?: boolean;
}

export interface RunningNode {
  stop(): Promise<void>;
  /** Resolves with the exit code once the node stopped, by request or by failure. */
  readonly done: Promise<number>;
}

/** config.toml's proxy_app: tcp://host:port, or unix:///absolute/path (CometBFT dials the same). */
export function parseProxyApp(addr: string): { host: string; port: number } | { path: string } {
  const tcp = /^tcp:\/\/([^:]+):(\d+)$/.exec(addr);
  if (tcp !== null) return { host: tcp[1] ?? '127.0.0.1', port: Number(tcp[2]) };
  const unix = /^unix:\/\/(\/.+)$/.exec(addr);
  if (unix !== null) return { path: unix[1] ?? '' };
  throw new Error(`proxy_app ${addr} is neither tcp://host:port nor unix:///absolute/path`);
}

/** config.toml's db_backend; CometBFT's default, goleveldb, when the line is missing. */
function configuredDbBackend(toml: string): string {
  try {
    return getTomlString(toml, '', 'db_backend');
  } catch {
    return 'goleveldb';
  }
}

export async function runNode(opts: RunNodeOptions): Promise<RunningNode> {
  const paths = homePaths(opts.home);
  const toml = await readFile(paths.configToml, 'utf8').catch(() => {
    throw new Error(`${opts.home} is not a node home (no config/config.toml); run 'cybermilesd init' first`);
  });
  const abciAddr = parseProxyApp(getTomlString(toml, '', 'proxy_app'));
  // Before anything opens: CometBFT would only say "unknown db_backend" and exit, again and again.
  if (opts.withoutCometbft !== true) await checkDbBackend(cometbftBinary(), configuredDbBackend(toml));
  const log = opts.logger;
  const store = await CommitStore.open(paths.appDb, { logger: log });
  // TEST ONLY: a validator that ignores the block rules of the fee policy when it proposes.
  const unsafeIgnoreProposalRules = process.env['CYBERMILES_UNSAFE_IGNORE_PROPOSAL_RULES'] === '1';
  if (unsafeIgnoreProposalRules) log.warn('UNSAFE: this node proposes blocks that ignore the fee policy (test-only setting)');
  const { app } = createApp(store, {
    logger: log,
    version: opts.version,
    checkInvariants: opts.checkInvariants,
    unsafeIgnoreProposalRules,
    ...(opts.indexEvents === undefined ? {} : { indexEvents: opts.indexEvents }),
  });
  if (opts.indexEvents !== undefined) log.info('indexing only some event attributes', { indexEvents: [...opts.indexEvents] });
  const server = createAbciServer(app, { logger: log });
  await server.listen(abciAddr);
  log.info('abci server listening', { ...abciAddr, height: store.lastHeight, appHash: store.lastAppHash });

  const cometbft = opts.withoutCometbft === true ? undefined : superviseCometbft({ home: opts.home, logger: log });
  const stopMemoryReports = startMemoryReports(log);
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (code = 0): Promise<void> => {
    stopping ??= (async () => {
      log.info('stopping node');
      stopMemoryReports();
      await cometbft?.stop();
      await server.close();
      await store.close();
      log.info('node stopped');
      finish(code);
    })();
    return stopping;
  };
  void cometbft?.failed.then((code) => {
    log.error('cometbft keeps exiting; stopping the node', { code });
    void stop(1);
  });
  return { stop: () => stop(0), done };
}
