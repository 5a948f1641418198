// Test-only: an in-process CyberMiles app over a real CommitStore in a temp dir, driven with ABCI
// requests directly (no CometBFT), and the genesis it starts from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import {
  RequestFinalizeBlock,
  RequestInitChain,
  RequestQuery,
  type ResponseFinalizeBlock,
  type ResponseQuery,
} from 'cosmjs-types/tendermint/abci/types';
import { createApp, type Keepers } from '../app.js';
import type { AppOptions, CyberMilesApp } from '../app/abci-app.js';
import { parseAddress } from '../modules/auth/address.js';
import { CommitStore } from '../store/commit-store.js';
import { silentLogger } from '../util/logger.js';
import { TEST_CHAIN_ID, TEST_DENOM } from './tx-fixture.js';

export const GENESIS_SECONDS = 1_700_000_000n;
export const DEFAULT_MAX_GAS = 10_000_000n;

/** Deterministic block time: genesis time plus five seconds a block. */
export function blockTime(height: bigint): Timestamp {
  return { seconds: GENESIS_SECONDS + 5n * height, nanos: 0 };
}

/**
 * app_state JSON funding each address with `amount` (bank creates accounts 0, 1, ... in this
 * order), with permissive fees; `modules` replaces whole module sections (fees, say).
 */
export function genesisAppState(
  balances: ReadonlyArray<readonly [string, bigint]>,
  opts: { readonly denom?: string; readonly modules?: Readonly<Record<string, unknown>> } = {},
): Uint8Array {
  const denom = opts.denom ?? TEST_DENOM;
  const state = {
    bank: { balances: balances.map(([address, amount]) => ({ address, coins: [{ denom, amount: amount.toString() }] })) },
    fees: PERMISSIVE_FEES,
    ...opts.modules,
  };
  return new TextEncoder().encode(JSON.stringify(state));
}

export function initChainRequest(appStateBytes: Uint8Array, opts: { chainId?: string; maxGas?: bigint } = {}): RequestInitChain {
  return RequestInitChain.fromPartial({
    chainId: opts.chainId ?? TEST_CHAIN_ID,
    initialHeight: 1n,
    time: blockTime(0n),
    consensusParams: { block: { maxBytes: 22_020_096n, maxGas: opts.maxGas ?? DEFAULT_MAX_GAS } },
    appStateBytes,
  });
}

export interface TestNode {
  readonly dir: string;
  readonly store: CommitStore;
  readonly app: CyberMilesApp;
  readonly keepers: Keepers;
  /** FinalizeBlock then Commit at `height`, with block time blockTime(height). */
  block(height: bigint, txs?: readonly Uint8Array[]): Promise<ResponseFinalizeBlock>;
  query(path: string, data: Uint8Array, opts?: { prove?: boolean; height?: bigint }): Promise<ResponseQuery>;
  /** Committed account number and sequence, or undefined when the account does not exist. */
  account(address: string): { accountNumber: bigint; sequence: bigint } | undefined;
  /** Committed balance of `address` in `denom`. */
  balance(address: string, denom?: string): bigint;
  /** Closes the store only (the dir stays, for reopening). */
  close(): Promise<void>;
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cybermiles-unit-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** App options a test may set beside the fixture's own. */
export type TestAppOptions = Pick<AppOptions, 'indexEvents'>;

/** Opens (or reopens) a store in `dir` and builds a fresh app over it, invariants checked every block. */
export async function openTestNode(dir: string, extra: TestAppOptions = {}): Promise<TestNode> {
  const store = await CommitStore.open(dir, { sync: false });
  const { app, keepers } = createApp(store, { logger: silentLogger, version: 'test', checkInvariants: true, ...extra });
  return {
    dir,
    store,
    app,
    keepers,
    async block(height, txs = []) {
      const res = await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height, time: blockTime(height), txs: [...txs] }));
      await app.commit();
      return res;
    },
    query(path, data, opts = {}) {
      return app.query(RequestQuery.fromPartial({ path, data, prove: opts.prove ?? false, height: opts.height ?? 0n }));
    },
    account(address) {
      const a = keepers.auth.getAccount(store, parseAddress(address));
      return a === undefined ? undefined : { accountNumber: a.accountNumber, sequence: a.sequence };
    },
    balance(address, denom = TEST_DENOM) {
      return keepers.bank.getBalance(store, parseAddress(address), denom);
    },
    close: () => store.close(),
  };
}

/** Decodes a successful Account query into its BaseAccount. */
export function decodeAccountQuery(res: ResponseQuery): BaseAccount {
  const any = QueryAccountResponse.decode(res.value).account;
  if (any === undefined) throw new Error('account query returned no account');
  return BaseAccount.decode(any.value);
}

export function accountQueryData(address: string): Uint8Array {
  return QueryAccountRequest.encode({ address }).finish();
}

/**
 * Fee parameters that stay out of the way of tests about something else: no minimum balance, a
 * quota no test reaches, any positive fee enough. The fee policy has its own tests.
 */
export const PERMISSIVE_FEES = {
  params: { freeTxsPerWindow: 1_000_000, windowBlocks: '1000', freeGasPerBlock: '1000000000000', minGasPrice: '0', minFreeBalance: '0', stakePerExtraFreeTx: '0' },
} as const;

/**
 * Nodes a test file opens, closed (and their temporary dirs removed) after each test. Call once
 * at the top level of a test file.
 */
export function testNodes(): {
  /** A node over `dir`, or over a new temporary dir removed after the test. */
  open(dir?: string): Promise<TestNode>;
  /** A new node after InitChain with `appState` and an empty block 1 committed. */
  started(appState: Uint8Array, extra?: TestAppOptions): Promise<TestNode>;
} {
  const opened: TestNode[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const n of opened.splice(0)) await n.close();
    for (const d of dirs.splice(0)) await removeDir(d);
  });
  const open = async (dir?: string, extra: TestAppOptions = {}): Promise<TestNode> => {
    const d = dir ?? (await makeTempDir());
    if (dir === undefined) dirs.push(d);
    const node = await openTestNode(d, extra);
    opened.push(node);
    return node;
  };
  return {
    open,
    async started(appState, extra = {}) {
      const node = await open(undefined, extra);
      await node.app.initChain(initChainRequest(appState));
      await node.block(1n);
      return node;
    },
  };
}
