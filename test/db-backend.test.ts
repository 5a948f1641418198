// CometBFT's database backend end to end: the project's CometBFT has PebbleDB built in (as
// `go version -m` reads it too), a devnet runs and restarts on pebbledb by default and on goleveldb
// when asked, and a home whose backend the binary lacks is refused before anything is written.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cometbftBinary } from '../src/node/cometbft-binary.js';
import { getTomlString } from '../src/node/config-toml.js';
import { buildTags, readGoBuildInfo } from '../src/node/go-build-info.js';
import { homePaths } from '../src/node/home.js';
import { initHome } from '../src/node/init-home.js';
import { fakeGoBinary } from '../src/testing/fake-go-binary.js';
import { latestHeight, waitForHeight } from './helpers/cometbft.js';
import { CLI, startDevnetNode, type TestNode } from './helpers/node.js';

const run = promisify(execFile);

/** Runs the CLI to its end; its exit code and output. */
function cli(args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the project CometBFT binary', () => {
  it('has pebbledb built in, and our build-info reader agrees with go version -m', async () => {
    const binary = cometbftBinary();
    const info = await readGoBuildInfo(binary);
    expect(info === undefined ? [] : buildTags(info)).toContain('pebbledb');
    const { stdout } = await run('go', ['version', '-m', binary]);
    const fromGo = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const m = /^\s*build\s+([^=\s]+)=(.*)$/.exec(line);
      if (m !== null) fromGo.set(m[1] ?? '', m[2] ?? '');
    }
    expect(fromGo.get('-tags')).toBeDefined();
    expect(Object.fromEntries(info?.settings ?? [])).toEqual(Object.fromEntries(fromGo));
    expect(stdout.split('\n')[0]).toContain(`: ${info?.goVersion ?? '?'}`);
  });
});

describe.each([
  { backend: 'pebbledb', dbBackend: undefined, marker: (files: string[]) => files.some((f) => f.startsWith('OPTIONS-')) },
  { backend: 'goleveldb', dbBackend: 'goleveldb', marker: (files: string[]) => files.includes('LOG') && !files.some((f) => f.startsWith('OPTIONS-')) },
])('a devnet on $backend', ({ backend, dbBackend, marker }) => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startDevnetNode(dbBackend === undefined ? {} : { dbBackend });
  });

  afterAll(async () => {
    await node?.destroy();
  });

  it(`writes db_backend = "${backend}" and keeps CometBFT's data in that format`, async () => {
    const toml = await readFile(homePaths(node.home).configToml, 'utf8');
    expect(getTomlString(toml, '', 'db_backend')).toBe(backend);
    for (const db of ['blockstore.db', 'state.db', 'tx_index.db']) {
      expect(marker(await readdir(join(node.home, 'data', db))), db).toBe(true);
    }
  });

  it('restarts where it stopped and goes on making blocks', async () => {
    await waitForHeight(node.rpcUrl, 3, 60_000);
    await node.stop();
    await node.start();
    const resumed = (await latestHeight(node.rpcUrl)) ?? 0;
    expect(resumed).toBeGreaterThanOrEqual(3);
    await waitForHeight(node.rpcUrl, resumed + 2, 60_000);
  });
});

describe('a backend the binary lacks', () => {
  let dir: string;
  let plainBinary: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cybermiles-db-backend-e2e-'));
    plainBinary = join(dir, 'cometbft-without-pebbledb');
    await writeFile(plainBinary, fakeGoBinary(undefined));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes init fail before it creates the home', async () => {
    const home = join(dir, 'never-made');
    const r = await cli(['init', '--chain-id', 'x', '--home', home, '--db-backend', 'pebbledb'], { CYBERMILES_COMETBFT: plainBinary });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: db_backend pebbledb is not built into CometBFT at ${plainBinary} (it has goleveldb, memdb)`);
    expect(existsSync(home)).toBe(false);
  });

  it('makes start fail before it opens the state, and says what to do', async () => {
    const home = join(dir, 'pebble-home');
    await initHome({ home, chainId: 'x', moniker: 'm', dbBackend: 'pebbledb' });
    const r = await cli(['start', '--home', home], { CYBERMILES_COMETBFT: plainBinary });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("build it in with 'go install -tags pebbledb github.com/cometbft/cometbft/cmd/cometbft@<version>'");
    expect(existsSync(homePaths(home).appDb)).toBe(false);
    expect(await readdir(join(home, 'data'))).toEqual(['priv_validator_state.json']);
  });

  it('rejects an unknown --db-backend', async () => {
    const r = await cli(['init', '--chain-id', 'x', '--home', join(dir, 'other'), '--db-backend', 'rocksdb'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--db-backend rocksdb is not one of goleveldb, pebbledb');
    expect(existsSync(join(dir, 'other'))).toBe(false);
  });
});
