// Export a running chain's state and start a new chain from it: same accounts, same balances.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { coins } from '@cosmjs/stargate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, queryClient, signingClient, supplyAndBalances } from './helpers/accounts.js';
import { CLI, startDevnetNode, TestNode } from './helpers/node.js';
import { OPERATOR_BALANCE } from '../src/node/genesis-validators.js';
import { freePorts } from './helpers/ports.js';

const run = promisify(execFile);

describe('genesis export and import', () => {
  let first: TestNode;
  let second: TestNode | undefined;
  let scratch: string;

  beforeAll(async () => {
    first = await startDevnetNode();
    scratch = await mkdtemp(join(tmpdir(), 'cybermiles-export-'));
  });

  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
    await rm(scratch, { recursive: true, force: true });
  });

  it('round-trips accounts, sequences and balances', async () => {
    const [alice, bob, fresh] = await Promise.all([devWallet(0), devWallet(1), devWallet(77)]);
    const client = await signingClient(first.rpcUrl, alice);
    await client.sendTokens(alice.address, bob.address, coins(111, DENOM), 'auto');
    await client.sendTokens(alice.address, fresh.address, coins(222, DENOM), 'auto');
    client.disconnect();

    const addresses = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(async (i) => (await devWallet(i)).address));
    addresses.push(fresh.address);
    const snapshot = async (rpcUrl: string) => {
      const q = await queryClient(rpcUrl);
      const out = await Promise.all(
        addresses.map(async (a) => ({ account: await q.getAccount(a), balances: await q.getAllBalances(a) })),
      );
      q.disconnect();
      return out;
    };
    const before = await snapshot(first.rpcUrl);
    await first.stop();

    const exported = join(scratch, 'exported.json');
    await run(process.execPath, [CLI, 'export', '--home', first.home, '--output', exported]);
    const doc = JSON.parse(await readFile(exported, 'utf8')) as { app_state: { auth: { accounts: unknown[] } } };
    expect(doc.app_state.auth.accounts.length).toBeGreaterThanOrEqual(11);

    const [rpc, p2p, abci] = await freePorts(3);
    const home = join(scratch, 'second');
    await run(process.execPath, [
      CLI, 'init', '--home', home, '--chain-id', 'cybermiles-reborn', '--moniker', 'second',
      '--rpc-port', String(rpc), '--p2p-port', String(p2p), '--abci-port', String(abci), '--app-state-from', exported,
    ]);
    second = new TestNode(home, { rpc: rpc ?? 0, p2p: p2p ?? 0, abci: abci ?? 0 }, 'start');
    await second.start({ waitForHeight: 2 });

    expect(await snapshot(second.rpcUrl)).toEqual(before);
    const { supply, sum } = await supplyAndBalances(second.rpcUrl);
    expect(sum).toBe(supply);
    // The ten dev accounts and the devnet validator's operator account (its self-bond returned to
    // it), plus the block awards minted before the export.
    expect(supply).toBeGreaterThanOrEqual(10n * 1_000_000_000_000n + OPERATOR_BALANCE);

    // The new chain is live: the imported account, with its imported sequence, can send.
    const again = await signingClient(second.rpcUrl, alice);
    const res = await again.sendTokens(alice.address, bob.address, coins(1, DENOM), 'auto');
    expect(res.code).toBe(0);
    again.disconnect();
  });
});
