// Our ABCI server against the real CometBFT 0.38 binary, with a tiny in-test kvstore app.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecTxResult,
  ResponseCheckTx,
  ResponseCommit,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseProcessProposal_ProposalStatus,
  ResponseQuery,
} from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from '../src/abci/application.js';
import { createAbciServer } from '../src/abci/server.js';
import type { AbciServer } from '../src/abci/server.js';
import { createLogger } from '../src/util/logger.js';
import {
  COMETBFT_BIN,
  cometbftConfigPath,
  cometbftInit,
  localNodeConfig,
  patchConfigToml,
  rpcGet,
  rpcHex,
  spawnCometbft,
  stopProcess,
  waitForHeight,
} from './helpers/cometbft.js';
import type { CometbftProcess } from './helpers/cometbft.js';
import { freePorts } from './helpers/ports.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();

function parseTx(tx: Uint8Array): [string, string] | undefined {
  const s = text.decode(tx);
  const i = s.indexOf('=');
  return i > 0 ? [s.slice(0, i), s.slice(i + 1)] : undefined;
}

function appHash(state: ReadonlyMap<string, string>): Uint8Array {
  const h = createHash('sha256');
  for (const key of [...state.keys()].sort()) {
    const k = Buffer.from(key);
    const v = Buffer.from(state.get(key) ?? '');
    const len = Buffer.alloc(8);
    len.writeUInt32BE(k.length, 0);
    len.writeUInt32BE(v.length, 4);
    h.update(len).update(k).update(v);
  }
  return new Uint8Array(h.digest());
}

/** key=value store; state is written at Commit, Info reports the last committed height. */
function kvstoreApp(calls: string[]): AbciApplication {
  let committed = new Map<string, string>();
  let height = 0n;
  let hash = appHash(committed);
  let pending: { height: bigint; state: Map<string, string>; hash: Uint8Array } | undefined;
  const ok = (tx: Uint8Array): boolean => parseTx(tx) !== undefined;
  return {
    info: async () => {
      calls.push('Info');
      return ResponseInfo.fromPartial({
        version: '0.0.1',
        lastBlockHeight: height,
        lastBlockAppHash: height > 0n ? hash : new Uint8Array(0),
      });
    },
    initChain: async (req) => {
      calls.push(`InitChain(${req.initialHeight})`);
      return ResponseInitChain.fromPartial({ appHash: hash });
    },
    checkTx: async (req) =>
      ResponseCheckTx.fromPartial({ code: ok(req.tx) ? 0 : 1, log: ok(req.tx) ? '' : 'want key=value' }),
    prepareProposal: async (req) => {
      calls.push(`PrepareProposal(${req.height})`);
      const txs: Uint8Array[] = [];
      let size = 0n;
      for (const tx of req.txs) {
        if (size + BigInt(tx.length) > req.maxTxBytes) break;
        size += BigInt(tx.length);
        txs.push(tx);
      }
      return ResponsePrepareProposal.fromPartial({ txs });
    },
    processProposal: async (req) => {
      calls.push(`ProcessProposal(${req.height})`);
      return ResponseProcessProposal.fromPartial({
        status: req.txs.every(ok)
          ? ResponseProcessProposal_ProposalStatus.ACCEPT
          : ResponseProcessProposal_ProposalStatus.REJECT,
      });
    },
    finalizeBlock: async (req) => {
      calls.push(`FinalizeBlock(${req.height},${req.txs.length})`);
      const state = new Map(committed);
      const txResults: ExecTxResult[] = req.txs.map((tx) => {
        const kv = parseTx(tx);
        if (kv === undefined) return ExecTxResult.fromPartial({ code: 1, log: 'bad tx', codespace: 'kv' });
        state.set(kv[0], kv[1]);
        return ExecTxResult.fromPartial({
          events: [{ type: 'kv', attributes: [{ key: 'key', value: kv[0], index: true }] }],
        });
      });
      pending = { height: req.height, state, hash: appHash(state) };
      return ResponseFinalizeBlock.fromPartial({ txResults, appHash: pending.hash });
    },
    commit: async () => {
      calls.push('Commit');
      if (pending === undefined) throw new Error('commit without finalize');
      committed = pending.state;
      height = pending.height;
      hash = pending.hash;
      pending = undefined;
      return ResponseCommit.fromPartial({});
    },
    query: async (req) => {
      const key = text.decode(req.data);
      const value = committed.get(key);
      return ResponseQuery.fromPartial({
        code: value === undefined ? 1 : 0,
        key: req.data,
        value: value === undefined ? new Uint8Array(0) : utf8.encode(value),
        height,
        log: value === undefined ? 'not found' : 'exists',
      });
    },
  };
}

interface BroadcastCommitResult {
  readonly check_tx: { readonly code: number; readonly log?: string };
  readonly tx_result: { readonly code: number; readonly log?: string };
  readonly hash: string;
  readonly height: string;
}
interface AbciQueryResult {
  readonly response: { readonly code: number; readonly value: string | null; readonly height: string };
}

describe('ABCI server with real CometBFT', () => {
  const calls: string[] = [];
  const logLines: string[] = [];
  let home = '';
  let server: AbciServer | undefined;
  let node: CometbftProcess | undefined;
  let rpcUrl = '';

  beforeAll(async () => {
    if (!existsSync(COMETBFT_BIN)) {
      throw new Error(`CometBFT binary missing at ${COMETBFT_BIN}; run npm run install-cometbft`);
    }
    home = await mkdtemp(join(tmpdir(), 'abci-cometbft-'));
    const logger = createLogger({ level: 'info', write: (l) => logLines.push(l) });
    server = createAbciServer(kvstoreApp(calls), { logger });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const [rpcPort, p2pPort] = await freePorts(2);
    rpcUrl = `http://127.0.0.1:${rpcPort}`;
    await cometbftInit({ home });
    await patchConfigToml(
      cometbftConfigPath(home),
      localNodeConfig({ proxyApp: `tcp://127.0.0.1:${port}`, rpcPort: rpcPort ?? 0, p2pPort: p2pPort ?? 0 }),
    );
    node = spawnCometbft({ home });
    await waitForHeight(rpcUrl, 2, 60_000, { process: node });
  });

  afterAll(async () => {
    try {
      if (node) await stopProcess(node.child);
    } finally {
      await server?.close();
      if (home) await rm(home, { recursive: true, force: true });
    }
  });

  const exceptions = (): string[] => logLines.filter((l) => l.includes('"level":"error"'));

  it('starts with Info, then InitChain, then blocks in order', () => {
    expect(calls[0]).toBe('Info');
    expect(calls[1]).toBe('InitChain(1)');
    expect(calls).toContain('FinalizeBlock(1,0)');
    expect(exceptions()).toEqual([]);
  });

  it('commits a broadcast tx and serves it through abci_query', async () => {
    const res = await rpcGet<BroadcastCommitResult>(rpcUrl, 'broadcast_tx_commit', { tx: rpcHex('a=b') }, 30_000);
    expect(res.check_tx.code).toBe(0);
    expect(res.tx_result.code).toBe(0);
    const txHeight = Number(res.height);
    expect(txHeight).toBeGreaterThan(0);
    await waitForHeight(rpcUrl, txHeight, 30_000, node ? { process: node } : {});
    const q = await rpcGet<AbciQueryResult>(rpcUrl, 'abci_query', { data: rpcHex('a') });
    expect(q.response.code).toBe(0);
    expect(Buffer.from(q.response.value ?? '', 'base64').toString()).toBe('b');
    expect(calls).toContain(`FinalizeBlock(${txHeight},1)`);
    // A tx CheckTx rejects never reaches a block.
    const bad = await rpcGet<BroadcastCommitResult>(rpcUrl, 'broadcast_tx_commit', { tx: rpcHex('no-equals') }, 30_000);
    expect(bad.check_tx.code).toBe(1);
    expect(exceptions()).toEqual([]);
  });

  it('keeps serving when CometBFT restarts (guard relearns the height from Info)', async () => {
    if (!node) throw new Error('no node');
    await stopProcess(node.child);
    const before = calls.filter((c) => c === 'Commit').length;
    const infoBefore = calls.filter((c) => c === 'Info').length;
    node = spawnCometbft({ home });
    const h = await waitForHeight(rpcUrl, before + 2, 60_000, { process: node });
    expect(h).toBeGreaterThanOrEqual(before + 2);
    expect(calls.filter((c) => c === 'Info').length).toBeGreaterThan(infoBefore);
    expect(calls.filter((c) => c.startsWith('InitChain'))).toHaveLength(1);
    const q = await rpcGet<AbciQueryResult>(rpcUrl, 'abci_query', { data: rpcHex('a') });
    expect(Buffer.from(q.response.value ?? '', 'base64').toString()).toBe('b');
    expect(exceptions()).toEqual([]);
  });
});
