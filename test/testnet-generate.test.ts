// `cybermilesd testnet` in local mode: the documented port layout, listen addresses and peers
// per node, one genesis with every validator, a keyring in each home, and clear refusals.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTomlString } from '../src/node/config-toml.js';
import { showNodeId, testnetPorts, type TestnetInfo } from '../src/node/testnet.js';
import { devWallet } from './helpers/accounts.js';
import { CLI } from './helpers/node.js';
import { PLENTY_OF_FREE_TXS } from './helpers/testnet.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], { timeout: 60_000 });

describe('cybermilesd testnet (local mode)', () => {
  let dir: string;
  let out: string;
  let info: TestnetInfo;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cybermiles-testnet-gen-'));
    out = join(dir, 'net');
    await writeFile(join(dir, 'patch.json'), JSON.stringify(PLENTY_OF_FREE_TXS));
    await cli(
      'testnet', '--validators', '3', '--output', out, '--port-base', '21000', '--chain-id', 'gen-test', '--block-interval', '250ms',
      '--hosts', '127.0.0.1,127.0.0.2,127.0.0.3', '--app-state-patch', join(dir, 'patch.json'),
    );
    info = JSON.parse(await readFile(join(out, 'testnet.json'), 'utf8')) as TestnetInfo;
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('lays out ports as base + 10*i + {p2p 0, rpc 1, abci 2}', () => {
    expect(testnetPorts(0)).toEqual({ p2p: 26656, rpc: 26657, abci: 26658 });
    expect(testnetPorts(3, 30000)).toEqual({ p2p: 30030, rpc: 30031, abci: 30032 });
    expect(() => testnetPorts(1, 65530)).toThrow(/outside 1-65535/);
    expect(info.nodes.map((n) => [n.name, n.p2p_port, n.rpc_port, n.abci_port])).toEqual([
      ['node0', 21000, 21001, 21002],
      ['node1', 21010, 21011, 21012],
      ['node2', 21020, 21021, 21022],
    ]);
    expect(info).toMatchObject({ chain_id: 'gen-test', mode: 'local', denom: 'ucmt', prefix: 'cmt', block_interval: '250ms', rpc: 'http://127.0.0.1:21001' });
  });

  it('writes each config.toml with its own address and ports and every other node as a peer', async () => {
    const ids = await Promise.all(info.nodes.map((n) => showNodeId(join(out, n.home))));
    for (const [i, n] of info.nodes.entries()) {
      const toml = await readFile(join(out, n.home, 'config', 'config.toml'), 'utf8');
      const host = `127.0.0.${i + 1}`;
      expect(getTomlString(toml, '', 'moniker')).toBe(n.name);
      expect(getTomlString(toml, '', 'proxy_app')).toBe(`tcp://127.0.0.1:${n.abci_port}`);
      expect(getTomlString(toml, 'rpc', 'laddr')).toBe(`tcp://${host}:${n.rpc_port}`);
      expect(getTomlString(toml, 'p2p', 'laddr')).toBe(`tcp://${host}:${n.p2p_port}`);
      expect(getTomlString(toml, 'consensus', 'timeout_commit')).toBe('250ms');
      const peers = info.nodes.flatMap((m, j) => (j === i ? [] : [`${ids[j] ?? ''}@127.0.0.${j + 1}:${m.p2p_port}`]));
      expect(getTomlString(toml, 'p2p', 'persistent_peers')).toBe(peers.join(','));
      expect(n.rpc).toBe(`http://${host}:${n.rpc_port}`);
    }
  });

  it('shares one genesis with every validator at power 10, the funded devnet accounts and the patch; each home has the keyring', async () => {
    const texts = await Promise.all(info.nodes.map((n) => readFile(join(out, n.home, 'config', 'genesis.json'), 'utf8')));
    expect(new Set(texts).size).toBe(1);
    const genesis = JSON.parse(texts[0] ?? '{}') as {
      chain_id: string;
      validators: { address: string; pub_key: { type: string; value: string }; power: string }[];
      app_state: { bank: { balances: { address: string }[] }; fees: unknown };
    };
    expect(genesis.chain_id).toBe('gen-test');
    expect(genesis.validators.map((v) => [v.address, v.pub_key, v.power])).toEqual(info.nodes.map((n) => [n.validator_address, n.validator_pub_key, '10']));
    expect(genesis.app_state.bank.balances.map((b) => b.address)).toContain((await devWallet(9)).address);
    expect(genesis.app_state.fees).toEqual(PLENTY_OF_FREE_TXS.fees);
    for (const n of info.nodes) {
      const names = [...Array.from({ length: 10 }, (_, i) => `dev${i}.json`), ...info.nodes.map((_, i) => `validator${i}.json`)];
      expect((await readdir(join(out, n.home, 'keyring'))).sort()).toEqual(names.sort());
    }
  });

  it('refuses a non-empty output directory and options that do not fit', async () => {
    await expect(cli('testnet', '--output', out)).rejects.toThrow(/exists and is not empty/);
    const other = join(dir, 'other');
    await mkdir(other);
    await writeFile(join(other, 'x'), '');
    await expect(cli('testnet', '--output', other)).rejects.toThrow(/exists and is not empty/);
    await expect(cli('testnet', '--output', join(dir, 'a'), '--validators', '0')).rejects.toThrow(/positive integer/);
    await expect(cli('testnet', '--output', join(dir, 'b'), '--validators', '2', '--hosts', '127.0.0.1')).rejects.toThrow(/names 1 addresses for 2 validators/);
    await expect(cli('testnet', '--output', join(dir, 'c'), '--docker', '--port-base', '30000')).rejects.toThrow(/docker mode uses the default ports/);
    await expect(cli('testnet')).rejects.toThrow(/testnet needs --output DIR/);
  });
});
