// The cybermilesd CLI against a devnet: keys, bank query and tx, and a clean stop on SIGINT/SIGTERM.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVNET_MNEMONIC } from '../src/cli/devnet-accounts.js';
import { devWallet } from './helpers/accounts.js';
import { CLI, startDevnetNode, waitGone, type TestNode } from './helpers/node.js';
import { OPERATOR_BALANCE } from '../src/node/genesis-validators.js';

function cli(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
    p.stdin.end(input);
  });
}

describe('cybermilesd CLI', () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startDevnetNode();
  });

  afterAll(async () => {
    await node?.destroy();
  });

  it('wrote devnet.json with the documented accounts', async () => {
    const info = JSON.parse(await readFile(join(node.home, 'devnet.json'), 'utf8')) as {
      chain_id: string;
      rpc: string;
      denom: string;
      prefix: string;
      accounts: { name: string; address: string; mnemonic: string; hdPath: string }[];
    };
    expect(info).toMatchObject({ chain_id: 'cybermiles-devnet', rpc: node.rpcUrl, denom: 'ucmt', prefix: 'cmt' });
    expect(info.accounts).toHaveLength(10);
    expect(info.accounts[3]).toMatchObject({ name: 'dev3', address: (await devWallet(3)).address, mnemonic: DEVNET_MNEMONIC, hdPath: "m/44'/118'/0'/0/3" });
  });

  it('manages keys and sends with them', async () => {
    const home = node.home;
    const recovered = JSON.parse(await cli(['keys', 'add', 'again', '--recover', '--home', home], DEVNET_MNEMONIC)) as { address: string };
    expect(recovered.address).toBe((await devWallet(0)).address);
    const list = JSON.parse(await cli(['keys', 'list', '--home', home])) as { name: string }[];
    expect(list.map((k) => k.name)).toEqual(expect.arrayContaining(['again', 'dev0', 'dev9']));
    const made = JSON.parse(await cli(['keys', 'add', 'newbie', '--home', home])) as { address: string; mnemonic: string };
    expect(made.mnemonic.split(' ')).toHaveLength(24);
    expect(JSON.parse(await cli(['keys', 'show', 'newbie', '--home', home]))).toMatchObject({ address: made.address });

    const sent = JSON.parse(await cli(['tx', 'bank', 'send', 'dev1', made.address, '4242ucmt', '--home', home, '--node', node.rpcUrl])) as { code: number };
    expect(sent.code).toBe(0);
    const balances = JSON.parse(await cli(['query', 'bank', 'balances', made.address, '--node', node.rpcUrl])) as unknown;
    expect(balances).toEqual([{ denom: 'ucmt', amount: '4242' }]);
    const supply = JSON.parse(await cli(['query', 'bank', 'total-supply', '--node', node.rpcUrl])) as { denom: string; amount: string }[];
    // Genesis: ten dev accounts and the validator's operator account; block awards (8% a year) add to it.
    expect(supply.map((c) => c.denom)).toEqual(['ucmt']);
    expect(BigInt(supply[0]?.amount ?? '0')).toBeGreaterThanOrEqual(10_000_000_000_000n + OPERATOR_BALANCE);
    await expect(cli(['tx', 'bank', 'send', 'dev1', made.address, '5 cmt', '--home', home, '--node', node.rpcUrl])).rejects.toThrow(/must look like 1000ucmt/);
    await expect(cli(['tx', 'bank', 'send', 'dev1', made.address, '-5ucmt', '--home', home])).rejects.toThrow(/^exit 1: error: Unknown option '-5'/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops cleanly on %s, leaving no process behind', async (signal) => {
    if (!node.running()) await node.start({ waitForHeight: 1 });
    const cometPid = node.cometbftPid();
    expect(cometPid).toBeDefined();
    const stopped = node.stopWith(signal);
    await stopped;
    await waitGone(cometPid, 1); // throws nothing; just confirms below
    expect(() => process.kill(cometPid ?? 0, 0)).toThrow();
    expect(node.logTail()).toContain('node stopped');
  });
});
