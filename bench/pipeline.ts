// The app's own pipeline without consensus: CheckTx (decode, verify, execute on the check state),
// then FinalizeBlock + Commit in blocks, as CometBFT would drive it. Transfers from many accounts,
// pre-signed with libsecp256k1 so that signing is not measured. A second app replays the same
// blocks without CheckTx (as a validator whose mempool never saw the txs: decode, verify, execute,
// commit in FinalizeBlock) and must reach the same app hashes. Node A also rechecks, as CometBFT
// does after every block: the next block's txs are checked while the current one is pending and
// rechecked after its Commit (a mempool one block deep), timed separately.
// Run: node --max-semi-space-size=64 --heap-growing-percent=50 --import tsx bench/pipeline.ts [--txs 20000] [--accounts 2000] [--block 2000] [--no-ahead]
// (the V8 flags the app process runs with: src/node/app-node-flags.ts; the full bench passes them)
// Prints JSON figures (medians where repeated); no assertions.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import secp256k1 from 'secp256k1';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { CheckTxType, RequestCheckTx, RequestFinalizeBlock, RequestInitChain } from 'cosmjs-types/tendermint/abci/types';
import { lookAheadWindow } from '../src/abci/connection.js';
import { createApp } from '../src/app.js';
import type { CyberMilesApp } from '../src/app/abci-app.js';
import { addressFromPubKey, toAddress } from '../src/modules/auth/address.js';
import { CommitStore } from '../src/store/commit-store.js';
import { secp256k1IsNative } from '../src/tx/secp256k1.js';
import { silentLogger } from '../src/util/logger.js';
import { cpuSeconds } from './lib/procstat.js';

const { values } = parseArgs({ options: { txs: { type: 'string' }, accounts: { type: 'string' }, block: { type: 'string' }, 'no-ahead': { type: 'boolean' } } });
const TXS = Number(values.txs ?? 20_000);
const ACCOUNTS = Number(values.accounts ?? 2_000);
const BLOCK = Number(values.block ?? 2_000);
/** Show CheckTx requests to the app ahead, as the ABCI connection does (--no-ahead: one by one). */
const AHEAD = values['no-ahead'] !== true;
const CHAIN_ID = 'bench';

interface Key {
  readonly priv: Uint8Array;
  readonly pub: Uint8Array;
  readonly address: string;
}

function keyOf(i: number): Key {
  const priv = new Uint8Array(createHash('sha256').update(`bench account ${i}`).digest());
  const pub = secp256k1.publicKeyCreate(priv, true);
  return { priv, pub, address: toAddress(addressFromPubKey(pub)) };
}

function signedTransfer(from: Key, accountNumber: bigint, sequence: bigint, to: string): Uint8Array {
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: [
        {
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: MsgSend.encode({ fromAddress: from.address, toAddress: to, amount: [{ denom: 'ucmt', amount: '1' }] }).finish(),
        },
      ],
    }),
  ).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({ key: from.pub }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [], gasLimit: 200_000n },
    }),
  ).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN_ID, accountNumber }).finish();
  const digest = createHash('sha256').update(doc).digest();
  const { signature } = secp256k1.ecdsaSign(digest, from.priv);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** A fresh app over a temporary store, at height 1 with `keys` funded. */
async function freshApp(keys: readonly Key[]): Promise<{ app: CyberMilesApp; store: CommitStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-bench-'));
  const store = await CommitStore.open(dir);
  const { app } = createApp(store, { logger: silentLogger, version: 'bench', checkInvariants: false });
  const appState = {
    bank: { balances: keys.map((k) => ({ address: k.address, coins: [{ denom: 'ucmt', amount: '1000000000' }] })) },
    fees: { params: { freeTxsPerWindow: 1_000_000, windowBlocks: '1000', freeGasPerBlock: '100000000000', minGasPrice: '0.01', minFreeBalance: '0', stakePerExtraFreeTx: '0' } },
  };
  await app.initChain(
    RequestInitChain.fromPartial({
      chainId: CHAIN_ID,
      initialHeight: 1n,
      time: { seconds: 1_700_000_000n, nanos: 0 },
      consensusParams: { block: { maxBytes: 22_020_096n, maxGas: -1n } },
      appStateBytes: Buffer.from(JSON.stringify(appState)),
    }),
  );
  await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 1n, time: { seconds: 1_700_000_001n, nanos: 0 } }));
  await app.commit();
  return { app, store, dir };
}

/** CPU time (user + system, all threads) in ms since `from`. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** CPU seconds of this process's main thread so far (Linux; NaN elsewhere). */
const mainThreadSeconds = (): number => cpuSeconds(process.pid, process.pid) ?? Number.NaN;

type Phase = 'checkTx' | 'finalizeBlock' | 'commit' | 'recheck' | 'replay';
/** Where the CPU counters stood when a phase began. */
interface CpuMark {
  readonly all: NodeJS.CpuUsage;
  readonly main: number;
}
const cpuMark = (): CpuMark => ({ all: process.cpuUsage(), main: mainThreadSeconds() });

async function main(): Promise<void> {
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => keyOf(i));
  const a = await freshApp(keys);
  const b = await freshApp(keys);
  const app = a.app;

  // Round-robin over senders, so consecutive txs come from different accounts.
  let t0 = performance.now();
  const txs: Uint8Array[] = [];
  for (let i = 0; i < TXS; i++) {
    const s = i % ACCOUNTS;
    const from = keys[s] as Key;
    const to = (keys[(s + 1) % ACCOUNTS] as Key).address;
    txs.push(signedTransfer(from, BigInt(s), BigInt(Math.floor(i / ACCOUNTS)), to));
  }
  const signMs = performance.now() - t0;

  const rss0 = process.memoryUsage().rss;
  const checkRates: number[] = [];
  const finalizeRates: number[] = [];
  const commitMs: number[] = [];
  const replayRates: number[] = [];
  const recheckRates: number[] = [];
  let recheckMs = 0;
  /**
   * CPU per phase: of all threads in ms (user + system), and of the main thread alone in seconds
   * (the thread that executes; workers and the collector's helpers not counted).
   */
  const cpu: Record<Phase, { all: number; main: number }> = {
    checkTx: { all: 0, main: 0 },
    finalizeBlock: { all: 0, main: 0 },
    commit: { all: 0, main: 0 },
    recheck: { all: 0, main: 0 },
    replay: { all: 0, main: 0 },
  };
  /** Adds the CPU used since `from` to `phase`. */
  const charge = (phase: Phase, from: CpuMark): void => {
    cpu[phase].all += cpuMs(from.all);
    cpu[phase].main += mainThreadSeconds() - from.main;
  };
  let pipelineMs = 0;
  let failed = 0;
  let mismatch = 0;
  let height = 2n;
  /** Node A, as a validator whose mempool sees the txs: CheckTx each (wall ms). */
  const checkAll = async (block: readonly Uint8Array[]): Promise<number> => {
    const t = performance.now();
    const c = cpuMark();
    // As the ABCI connection does with a burst of queued CheckTx requests (the same window rule).
    let aheadEnd = 0;
    for (const [i, tx] of block.entries()) {
      const window = AHEAD ? lookAheadWindow(i, aheadEnd, block.length) : undefined;
      if (window !== undefined) {
        aheadEnd = window.to;
        app.checkTxAhead(block.slice(window.from, window.to));
      }
      const r = await app.checkTx(RequestCheckTx.fromPartial({ tx }));
      if (r.code !== 0) failed++;
    }
    charge('checkTx', c);
    const ms = performance.now() - t;
    checkRates.push(block.length / (ms / 1000));
    return ms;
  };
  let checkMs = await checkAll(txs.slice(0, BLOCK));
  for (let start = 0; start < txs.length; start += BLOCK) {
    const block = txs.slice(start, start + BLOCK);
    const next = txs.slice(start + BLOCK, start + 2 * BLOCK);
    const time = { seconds: 1_700_000_000n + height, nanos: 0 };
    // The next block's txs arrive while this one is pending.
    const nextCheckMs = next.length > 0 ? await checkAll(next) : 0;
    t0 = performance.now();
    let c0 = cpuMark();
    const res = await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height, txs: block, time }));
    charge('finalizeBlock', c0);
    failed += res.txResults.filter((r) => r.code !== 0).length;
    const finalizeMs = performance.now() - t0;
    finalizeRates.push(block.length / (finalizeMs / 1000));
    t0 = performance.now();
    c0 = cpuMark();
    await app.commit();
    charge('commit', c0);
    const cMs = performance.now() - t0;
    commitMs.push(cMs);
    pipelineMs += checkMs + finalizeMs + cMs;
    checkMs = nextCheckMs;
    // After Commit, CometBFT rechecks what is left in the mempool: the next block's txs.
    if (next.length > 0) {
      t0 = performance.now();
      c0 = cpuMark();
      for (const tx of next) {
        const r = await app.checkTx(RequestCheckTx.fromPartial({ tx, type: CheckTxType.RECHECK }));
        if (r.code !== 0) failed++;
      }
      charge('recheck', c0);
      const ms = performance.now() - t0;
      recheckMs += ms;
      recheckRates.push(next.length / (ms / 1000));
    }

    // Node B, replaying the same block unseen (no CheckTx: decode, verify, execute, commit).
    t0 = performance.now();
    c0 = cpuMark();
    const replay = await b.app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height, txs: block, time }));
    await b.app.commit();
    charge('replay', c0);
    replayRates.push(block.length / ((performance.now() - t0) / 1000));
    if (Buffer.compare(Buffer.from(replay.appHash), Buffer.from(res.appHash)) !== 0) mismatch++;
    height++;
  }
  await a.store.close();
  await b.store.close();
  rmSync(a.dir, { recursive: true, force: true });
  rmSync(b.dir, { recursive: true, force: true });

  const perCpuSec = (ms: number): number => Math.round(TXS / (ms / 1000));
  const perTxUs = (seconds: number, txs: number): number => Math.round((seconds * 1e6) / txs);
  const out = {
    bench: 'pipeline',
    node: process.version,
    secp256k1Native: secp256k1IsNative,
    txs: TXS,
    accounts: ACCOUNTS,
    txsPerBlock: BLOCK,
    failedTxs: failed,
    appHashMismatches: mismatch,
    presignTxPerSec: Math.round(TXS / (signMs / 1000)),
    checkTxPerSec: Math.round(median(checkRates)),
    finalizeBlockTxPerSec: Math.round(median(finalizeRates)),
    commitMsPerBlock: Math.round(median(commitMs)),
    pipelineTxPerSec: Math.round(TXS / (pipelineMs / 1000)),
    recheckTxPerSec: Math.round(median(recheckRates)),
    pipelineWithRecheckTxPerSec: Math.round(TXS / ((pipelineMs + recheckMs) / 1000)),
    replayTxPerSec: Math.round(median(replayRates)),
    perCpuSecond: {
      note: 'txs per CPU-second (user + system, all threads): less sensitive to a busy machine than wall time',
      checkTx: perCpuSec(cpu.checkTx.all),
      finalizeBlock: perCpuSec(cpu.finalizeBlock.all),
      commit: perCpuSec(cpu.commit.all),
      pipeline: perCpuSec(cpu.checkTx.all + cpu.finalizeBlock.all + cpu.commit.all),
      recheck: Math.round((TXS - BLOCK) / (cpu.recheck.all / 1000)),
      replay: perCpuSec(cpu.replay.all),
    },
    mainThreadUsPerTx: {
      note: 'CPU of the main thread alone per tx, from /proc at 10 ms resolution: what bench/ab.ts --together compares best (the signature workers and the collector\'s helpers share the cores unevenly)',
      checkTx: perTxUs(cpu.checkTx.main, TXS),
      finalizeBlock: perTxUs(cpu.finalizeBlock.main, TXS),
      commit: perTxUs(cpu.commit.main, TXS),
      recheck: perTxUs(cpu.recheck.main, TXS - BLOCK),
      replay: perTxUs(cpu.replay.main, TXS),
    },
    rssGrowthMiB: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

await main();
