// End-to-end throughput: signed transfers through CometBFT's RPC into a fresh CyberMiles chain,
// and the same harness against CometBFT's own kvstore app, in one run; the app's pipeline without
// consensus; an escrow mix; honest users' latency during a free-tx flood. See README.md ("Tests
// and benchmarks") and bench/PROFILE.md.
//
// Run: node --import tsx bench/throughput.ts [options]     (npm run bench -- [options])
//   --duration S        steady window per phase, seconds (default 20)
//   --warmup S          load before the steady window, seconds (default 5)
//   --rate R            offered rate of the paced phases, tx/s (default 2000)
//   --accounts N        transfer accounts funded in genesis (default 4000)
//   --block-interval D  CometBFT timeout_commit for both chains (default 1s)
//   --validators N      1 (devnet, default) or more (a local testnet of N validators; no kvstore then)
//   --phases LIST       default pipeline,sweep,paced,escrow,kvstore,kvsocket,flood; add saturate for a
//                       closed loop (kvsocket: kvstore served by abci-cli over an ABCI socket)
//   --skip LIST         phases to leave out (comma-separated)
//   --sweep-step S      seconds of each sweep step's steady window (default 10)
//   --sweep-from R      our chain's first sweep rate, tx/s (default 1000; kvstore starts at 2000)
//   --sweep-refine N    after the first step not kept up, halve the gap to the last one kept up N times (default 2)
//   --soak S            instead of the phases: S seconds of paced load, memory growth of the app
//   --profile           run the app under node --cpu-prof; summary in the JSON and PROFILE-latest.md
//   --out FILE          JSON output (default bench/results/latest.json, soak-latest.json with --soak); also printed on stdout
//   --keep              keep the temporary homes (logs) for inspection
//   --comet-pprof       also profile CometBFT (Go pprof) during the paced phase
//   --pairs N, --mix-transfer-rate R   escrow mix: buyer/seller pairs (300), transfers beside them (1000/s)
//   --concurrency C, --batch B         HTTP connections (256) and txs per JSON-RPC batch (4)
//   --recheck false, --mempool-size N  CometBFT mempool settings for both chains (true, 50000)
//   --abci unix         CometBFT reaches our app over a unix socket instead of loopback TCP
//   --index-events LIST our nodes index only these event attributes (cybermilesd start --index-events)
//   --db-backend B      CometBFT's database backend for both chains (default as cybermilesd init: pebbledb if built in)
// Figures only, no assertions. Machines are shared and noisy: compare ratios within one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { QueryAccountInfoRequest, QueryAccountInfoResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { OrderStatus } from '../src/generated/cybermiles/escrow/v1/escrow.js';
import { ErrInvalidTransition } from '../src/modules/escrow/errors.js';
import { QueryOrderRequest, QueryOrderResponse, QueryOrdersByBuyerRequest, QueryOrdersResponse } from '../src/generated/cybermiles/escrow/v1/query.js';
import { APP_NODE_FLAGS } from '../src/node/app-node-flags.js';
import { cometbftBinary } from '../src/node/cometbft-binary.js';
import { defaultDbBackend } from '../src/node/db-backend.js';
import { profileMarkdown, readProfile, summariseProfile } from './cpu-profile.js';
import {
  CommitWatcher,
  fetchBlocks,
  latencyStats,
  paced,
  rateStats,
  saturate,
  Submitter,
  txLocations,
  txRec,
  type CommittedBlock,
  type LatencyStats,
  type RateStats,
  type TxRec,
} from './lib/load.js';
import { abciCliBinary } from './lib/abci-cli.js';
import { memoryPerMinute, readMemoryReports } from './lib/node-memory.js';
import { freePorts, startKvstore, startOurChain, type Chain, type TomlSetting } from './lib/nodes.js';
import { ProcSampler } from './lib/procstat.js';
import { RpcClient } from './lib/rpc.js';
import { SignPool } from './lib/sign-pool.js';
import { soakMarkdown, type SoakResult } from './lib/soak-report.js';
import { fmt } from './lib/format.js';
import {
  acceptOrderMsg,
  benchKeys,
  confirmReceiptMsg,
  createOrderMsg,
  sendMsg,
  shipOrderMsg,
  signTx,
  type BenchKey,
  type TransferStreamSpec,
} from './lib/sign.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rate: { type: 'string' },
    accounts: { type: 'string' },
    'block-interval': { type: 'string' },
    validators: { type: 'string' },
    skip: { type: 'string' },
    soak: { type: 'string' },
    profile: { type: 'boolean' },
    'heap-snapshot': { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
    pairs: { type: 'string' },
    'mix-transfer-rate': { type: 'string' },
    'max-outstanding': { type: 'string' },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    recheck: { type: 'string' },
    'mempool-size': { type: 'string' },
    'db-backend': { type: 'string' },
    'index-events': { type: 'string' },
    'gas-limit': { type: 'string' },
    'flood-txs': { type: 'string' },
    'comet-pprof': { type: 'boolean' },
    abci: { type: 'string' },
    phases: { type: 'string' },
    'sweep-step': { type: 'string' },
    'sweep-from': { type: 'string' },
    'sweep-refine': { type: 'string' },
  },
});

const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
const DURATION_MS = num(args.duration, 20) * 1000;
const WARMUP_MS = num(args.warmup, 5) * 1000;
const RATE = num(args.rate, 2000);
const ACCOUNTS = num(args.accounts, 4000);
const BLOCK_INTERVAL = args['block-interval'] ?? '1s';
const VALIDATORS = num(args.validators, 1);
const SKIP = new Set((args.skip ?? '').split(',').filter((s) => s !== ''));
/** Phases run (default: all but the closed-loop saturation, which --phases can add). */
const PHASES = new Set((args.phases ?? 'pipeline,sweep,paced,escrow,kvstore,kvsocket,flood').split(',').filter((s) => s !== '' && !SKIP.has(s)));
const run = (phase: string): boolean => PHASES.has(phase);
/** Seconds of each sweep step's steady window (after a warm-up of half as long). */
const SWEEP_STEP_MS = num(args['sweep-step'], 10) * 1000;
/** Steps that halve the gap between the highest rate kept up with and the first one that was not. */
const SWEEP_REFINE = num(args['sweep-refine'], 2);
const REFINE_PAUSE_MS = 10_000;
/** A step is kept up with when this share of the offered rate commits, with p99 under the latency target. */
const KEPT_UP_SHARE = 0.95;
const P99_TARGET_MS = 3000;
const SOAK_MS = args.soak === undefined ? undefined : Number(args.soak) * 1000;
const PAIRS = num(args.pairs, 300);
const MIX_TRANSFER_RATE = num(args['mix-transfer-rate'], 1000);
const MAX_OUTSTANDING = num(args['max-outstanding'], 4000);
// Many clients each waiting for its CheckTx answer (broadcast_tx_sync): CometBFT then keeps a few
// hundred CheckTx requests in flight on the app's socket.
const CONCURRENCY = num(args.concurrency, 256);
const BATCH = num(args.batch, 4);
const GAS_LIMIT = BigInt(args['gas-limit'] ?? '100000');
// A soak writes its own file, so that it never replaces the full run's figures.
const OUT = args.out ?? join(ROOT, 'bench', 'results', SOAK_MS === undefined ? 'latest.json' : 'soak-latest.json');
/** Saturation pre-signs this many txs per second of phase; the phase ends early if they run out. */
const SATURATE_SIGN_RATE = 6000;
/** Distinct pre-signed txs of the flooder (enough for its whole phase at a few thousand a second). */
const FLOOD_VARIANTS = num(args['flood-txs'], 180_000);

/** The CometBFT settings both chains run with (besides ports and timeout_commit). */
const COMET_SETTINGS: readonly TomlSetting[] = [
  ['mempool', 'size', num(args['mempool-size'], 50_000)],
  ['mempool', 'cache_size', 200_000],
  ['mempool', 'recheck', (args.recheck ?? 'true') === 'true'],
  // The harness sends broadcast_tx_sync in JSON-RPC batches (CometBFT's default allows 10 a batch).
  ['rpc', 'max_request_batch_size', 200],
  // As `cybermilesd init` chooses (pebbledb when the binary has it), for kvstore as for ours.
  ['', 'db_backend', args['db-backend'] ?? (await defaultDbBackend(cometbftBinary()))],
];

/** Zero-fee load must not be throttled by the per-account free quota in the throughput phases. */
const PLENTY_OF_FREE_TXS = {
  params: {
    freeTxsPerWindow: 1_000_000,
    windowBlocks: '1000',
    freeGasPerBlock: '100000000000',
    minGasPrice: '0.01',
    minFreeBalance: '0',
    stakePerExtraFreeTx: '0',
  },
};

const FUNDS = '1000000000000';
const balancesOf = (keys: readonly BenchKey[]): { address: string; coins: { denom: string; amount: string }[] }[] =>
  keys.map((k) => ({ address: k.address, coins: [{ denom: 'ucmt', amount: FUNDS }] }));

const partText = (p: readonly [number, number] | null): string => (p === null ? 'n/a' : `${p[0]}/${p[1]}`);

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Machine

function machine(): Record<string, unknown> {
  const cometVersion = execFileSync(cometbftBinary(), ['version'], { encoding: 'utf8' }).trim();
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    cometbft: cometVersion,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------------------
// Accounts on chain

async function accountNumbers(rpc: RpcClient, keys: readonly BenchKey[]): Promise<string[]> {
  const out: string[] = new Array<string>(keys.length);
  const CHUNK = 200;
  for (let i = 0; i < keys.length; i += CHUNK) {
    const part = keys.slice(i, i + CHUNK);
    await Promise.all(
      part.map(async (k, j) => {
        const r = await rpc.abciQuery('/cosmos.auth.v1beta1.Query/AccountInfo', QueryAccountInfoRequest.encode({ address: k.address }).finish());
        if (r.code !== 0) throw new Error(`account ${k.address}: ${r.log}`);
        const info = QueryAccountInfoResponse.decode(r.value).info ?? BaseAccount.fromPartial({});
        out[i + j] = info.accountNumber.toString();
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A phase: load, then the committed blocks' figures

interface PhaseResult {
  readonly name: string;
  readonly offered: string;
  readonly submitted: number;
  readonly refusedAtCheckTx: number;
  readonly refusals: Record<string, number>;
  readonly rate: RateStats | undefined;
  readonly latency: LatencyStats;
  readonly latencyByKind?: Record<string, LatencyStats>;
  readonly processes: ReturnType<ProcSampler['window']>;
  readonly extra?: Record<string, unknown>;
}

interface Window {
  readonly t0: number;
  readonly t1: number;
  readonly h0: number;
}

/** Waits until the mempool is empty (everything committed or evicted), at most `ms`. */
async function settle(rpc: RpcClient, watcher: CommitWatcher, ms = 60_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const r = await rpc.call<{ n_txs: string }>('num_unconfirmed_txs');
    if (Number(r.n_txs) === 0) break;
    if (performance.now() > deadline) {
      log(`mempool still holds ${r.n_txs} txs after ${ms} ms`);
      break;
    }
    await sleep(200);
  }
  await watcher.waitForHeight(watcher.latest + 1, 30_000).catch(() => undefined);
}

async function analyse(
  name: string,
  offered: string,
  rpc: RpcClient,
  watcher: CommitWatcher,
  sampler: ProcSampler,
  recs: readonly TxRec[],
  sub: Submitter,
  w: Window,
  opts: { results: boolean; byKind?: boolean; extra?: Record<string, unknown> },
): Promise<PhaseResult> {
  const steady0 = w.t0 + WARMUP_MS;
  const blocks: CommittedBlock[] = await fetchBlocks(rpc, w.h0 + 1, watcher.latest, opts.results);
  const where = txLocations(blocks);
  const latency = latencyStats(recs, where, watcher.seenAt, steady0, w.t1);
  let latencyByKind: Record<string, LatencyStats> | undefined;
  if (opts.byKind === true) {
    latencyByKind = {};
    for (const kind of new Set(recs.map((r) => r.kind))) {
      latencyByKind[kind] = latencyStats(
        recs.filter((r) => r.kind === kind),
        where,
        watcher.seenAt,
        steady0,
        w.t1,
      );
    }
  }
  const result: PhaseResult = {
    name,
    offered,
    submitted: recs.filter((r) => !Number.isNaN(r.checkCode)).length,
    refusedAtCheckTx: recs.filter((r) => r.checkCode !== 0 && !Number.isNaN(r.checkCode)).length,
    refusals: Object.fromEntries(sub.refusals),
    rate: rateStats(blocks, watcher.seenAt, steady0, w.t1),
    latency,
    ...(latencyByKind === undefined ? {} : { latencyByKind }),
    processes: sampler.window(steady0, w.t1),
    ...(opts.extra === undefined ? {} : { extra: opts.extra }),
  };
  log(
    `${name}: ${result.rate?.successfulTxPerSec ?? '?'} tx/s committed (ok), p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, ` +
      `block interval ${result.rate?.blockIntervalMedianMs ?? '?'} ms, refused ${result.refusedAtCheckTx}, not committed ${latency.notCommitted}; ` +
      `p50/p99 ms waiting for a connection ${partText(latency.parts.queuedMs)}, broadcast_tx_sync ${partText(latency.parts.checkTxMs)}, ` +
      `then to commit ${partText(latency.parts.toCommitMs)}`,
  );
  return result;
}

async function runSaturate(name: string, chain: Chain, watcher: CommitWatcher, sampler: ProcSampler, recs: readonly TxRec[], results: boolean): Promise<{ result: PhaseResult; used: number }> {
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const sub = new Submitter(rpc, { concurrency: CONCURRENCY, batch: BATCH });
  const h0 = watcher.latest;
  log(`${name}: closed loop, at most ${MAX_OUTSTANDING} txs outstanding, ${(WARMUP_MS + DURATION_MS) / 1000} s`);
  const { released, t0, t1 } = await saturate(sub, watcher, recs, MAX_OUTSTANDING, WARMUP_MS + DURATION_MS);
  if (released >= recs.length) log(`${name}: ran out of pre-signed txs after ${Math.round((performance.now() - t0) / 1000)} s`);
  await sub.close();
  await settle(rpc, watcher);
  const result = await analyse(name, `closed loop, <= ${MAX_OUTSTANDING} outstanding`, rpc, watcher, sampler, recs.slice(0, released), sub, { t0, t1, h0 }, { results });
  rpc.close();
  return { result, used: released };
}

async function runPaced(name: string, chain: Chain, watcher: CommitWatcher, sampler: ProcSampler, recs: readonly TxRec[], rate: number, results: boolean): Promise<{ result: PhaseResult; used: number }> {
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const sub = new Submitter(rpc, { concurrency: CONCURRENCY, batch: BATCH });
  const h0 = watcher.latest;
  log(`${name}: open loop at ${rate} tx/s, ${(WARMUP_MS + DURATION_MS) / 1000} s`);
  const { released, t0, t1 } = await paced(sub, recs, rate, WARMUP_MS + DURATION_MS);
  await sub.close();
  await settle(rpc, watcher);
  const result = await analyse(name, `${rate} tx/s`, rpc, watcher, sampler, recs.slice(0, released), sub, { t0, t1, h0 }, { results });
  rpc.close();
  return { result, used: released };
}

// ---------------------------------------------------------------------------------------------
// Rate sweep: paced steps at rising rates until the chain no longer keeps up

interface SweepStep {
  readonly offeredTxPerSec: number;
  readonly committedTxPerSec: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly blockIntervalMedianMs: number | null;
  readonly keptUp: boolean;
  readonly cpuPercentOfCore: Record<string, number>;
}

export interface SweepResult {
  readonly rule: string;
  readonly steps: readonly SweepStep[];
  /** The highest offered rate kept up with, and what committed there. */
  readonly sustainedOfferedTxPerSec: number | null;
  readonly sustainedCommittedTxPerSec: number | null;
  readonly sustainedP99Ms: number | null;
}

async function runSweep(
  name: string,
  chain: Chain,
  watcher: CommitWatcher,
  sampler: ProcSampler,
  txsFor: (n: number) => Promise<TxRec[]>,
  used: (n: number) => void,
  rates: readonly number[],
): Promise<SweepResult> {
  const steps: SweepStep[] = [];
  const warm = Math.round(SWEEP_STEP_MS / 2);
  const step = async (rate: number): Promise<SweepStep> => {
    const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
    const sub = new Submitter(rpc, { concurrency: CONCURRENCY, batch: BATCH });
    const recs = await txsFor(Math.round((rate * (warm + SWEEP_STEP_MS)) / 1000) + 50);
    const h0 = watcher.latest;
    log(`${name}: ${rate} tx/s for ${(warm + SWEEP_STEP_MS) / 1000} s`);
    const { released, t0, t1 } = await paced(sub, recs, rate, warm + SWEEP_STEP_MS);
    used(released);
    await sub.close();
    await settle(rpc, watcher);
    const blocks = await fetchBlocks(rpc, h0 + 1, watcher.latest, true);
    const rs = rateStats(blocks, watcher.seenAt, t0 + warm, t1);
    const lat = latencyStats(recs.slice(0, released), txLocations(blocks), watcher.seenAt, t0 + warm, t1);
    const committed = rs?.successfulTxPerSec ?? null;
    const keptUp = committed !== null && committed >= KEPT_UP_SHARE * rate && lat.p99Ms !== null && lat.p99Ms < P99_TARGET_MS && lat.notCommitted === 0;
    const cpu = Object.fromEntries(Object.entries(sampler.window(t0 + warm, t1)).map(([k, v]) => [k, v.cpuPercentOfCore]));
    const result: SweepStep = { offeredTxPerSec: rate, committedTxPerSec: committed, p50Ms: lat.p50Ms, p99Ms: lat.p99Ms, blockIntervalMedianMs: rs?.blockIntervalMedianMs ?? null, keptUp, cpuPercentOfCore: cpu };
    steps.push(result);
    log(`${name}: offered ${rate}, committed ${committed ?? '?'} tx/s, p99 ${lat.p99Ms ?? 'n/a'} ms: ${keptUp ? 'kept up' : 'fell behind'}`);
    rpc.close();
    return result;
  };
  let keptRate: number | undefined;
  let failedRate: number | undefined;
  for (const rate of rates) {
    if ((await step(rate)).keptUp) keptRate = rate;
    else {
      failedRate = rate;
      break;
    }
  }
  // Rising steps are 25 % apart: halve the gap between the last rate kept up with and the first
  // one that was not, a few times (each step starts from an empty mempool, see settle()).
  for (let i = 0; i < SWEEP_REFINE && keptRate !== undefined && failedRate !== undefined; i++) {
    const mid = Math.round((keptRate + failedRate) / 2 / 50) * 50;
    if (mid <= keptRate || mid >= failedRate) break;
    // After a step that fell behind, give the nodes' background work (compactions, collections) time to end.
    if (steps.at(-1)?.keptUp === false) await sleep(REFINE_PAUSE_MS);
    if ((await step(mid)).keptUp) keptRate = mid;
    else failedRate = mid;
  }
  const best = steps.find((x) => x.keptUp && x.offeredTxPerSec === keptRate);
  return {
    rule: `paced steps of ${SWEEP_STEP_MS / 1000} s (after ${warm / 1000} s warm-up), rising 25 % a step, then the gap at the first step not kept up halved up to ${SWEEP_REFINE} times; kept up = committed >= ${KEPT_UP_SHARE * 100} % of offered, every tx committed, p99 < ${P99_TARGET_MS} ms`,
    steps,
    sustainedOfferedTxPerSec: best?.offeredTxPerSec ?? null,
    sustainedCommittedTxPerSec: best?.committedTxPerSec ?? null,
    sustainedP99Ms: best?.p99Ms ?? null,
  };
}

/** Rising rates: from `start`, 25 % more each step (rounded to 50), up to `max`. */
function sweepRates(start: number, max: number): number[] {
  const out: number[] = [];
  for (let r = start; r <= max; r = Math.round((r * 1.25) / 50) * 50) out.push(r);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Escrow mix: pairs cycle create -> accept + ship -> confirm (+ next create), over plain transfers

/** Refused in CheckTx because the order is not in a state that allows the action (escrow/3). */
const refusedForTheOrdersState = (r: TxRec): boolean =>
  r.checkCode === ErrInvalidTransition.code && r.checkLog.includes(ErrInvalidTransition.description);

async function runEscrowMix(
  chain: Chain,
  watcher: CommitWatcher,
  sampler: ProcSampler,
  buyers: readonly BenchKey[],
  sellers: readonly BenchKey[],
  numbers: ReadonlyMap<string, string>,
  transfers: readonly TxRec[],
): Promise<{ result: PhaseResult; used: number }> {
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const queryRpc = new RpcClient(chain.rpcUrls[0] ?? '', 8);
  const sub = new Submitter(rpc, { concurrency: CONCURRENCY, batch: BATCH });
  const h0 = watcher.latest;
  const escrowRecs: TxRec[] = [];
  const chainId = chain.chainId;
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 30 * 86_400);
  let running = true;
  let queries = 0;
  let shipsSentAgain = 0;
  const errors = new Map<string, number>();
  const note = (e: string): void => void errors.set(e, (errors.get(e) ?? 0) + 1);

  const submit = (recs: TxRec[]): void => {
    const now = performance.now();
    for (const r of recs) r.sentAt = now;
    escrowRecs.push(...recs);
    // One account's consecutive sequences: in one batch, so they reach CheckTx in order.
    sub.pushGroup(recs);
  };
  const answered = async (recs: readonly TxRec[]): Promise<boolean> => {
    while (recs.some((r) => Number.isNaN(r.checkCode))) await sleep(10);
    return recs.every((r) => r.checkCode === 0);
  };
  const waitNextBlocks = async (from: number): Promise<void> => {
    while (running && watcher.latest <= from) await sleep(20);
  };
  /** Queries the order after each block from height `from` on until it has `status`; false if the phase ended first. */
  const orderReaches = async (orderId: bigint, status: OrderStatus, from: number): Promise<boolean> => {
    let seen = from;
    while (running) {
      await waitNextBlocks(seen);
      seen = watcher.latest;
      queries++;
      const r = await queryRpc.abciQuery('/cybermiles.escrow.v1.Query/Order', QueryOrderRequest.encode({ orderId }).finish());
      if (r.code === 0 && QueryOrderResponse.decode(r.value).order?.status === status) return true;
    }
    return false;
  };

  const pair = async (i: number): Promise<void> => {
    const buyer = buyers[i] as BenchKey;
    const seller = sellers[i] as BenchKey;
    const bn = BigInt(numbers.get(buyer.address) ?? '0');
    const sn = BigInt(numbers.get(seller.address) ?? '0');
    let bseq = 0n;
    let sseq = 0n;
    let nonce = 0;
    let pendingConfirm: bigint | undefined;
    await sleep((i * 1000) / buyers.length); // spread the pairs over a second
    while (running) {
      // Buyer: confirm the previous order (if any) and open the next.
      const recs: TxRec[] = [];
      if (pendingConfirm !== undefined) {
        recs.push(txRec(signTx(buyer, [confirmReceiptMsg(buyer.address, pendingConfirm)], { chainId, accountNumber: bn, sequence: bseq++, gasLimit: 300_000n }), 'escrow-confirm'));
      }
      recs.push(txRec(signTx(buyer, [createOrderMsg(buyer.address, seller.address, nonce++, deadline)], { chainId, accountNumber: bn, sequence: bseq++, gasLimit: 300_000n }), 'escrow-create'));
      const h = watcher.latest;
      submit(recs);
      if (!(await answered(recs))) return note(`buyer refused: ${recs.map((r) => r.checkLog).join(' | ').slice(0, 160)}`);
      // The new order's id: the buyer's latest order, once its block is committed.
      let orderId: bigint | undefined;
      let seenHeight = h;
      while (running && orderId === undefined) {
        await waitNextBlocks(seenHeight);
        seenHeight = watcher.latest;
        queries++;
        const r = await queryRpc.abciQuery(
          '/cybermiles.escrow.v1.Query/OrdersByBuyer',
          QueryOrdersByBuyerRequest.encode({ buyer: buyer.address, pagination: { key: new Uint8Array(), offset: 0n, limit: 1n, countTotal: false, reverse: true } }).finish(),
        );
        const latest = QueryOrdersResponse.decode(r.value).orders[0];
        if (latest !== undefined && latest.status === OrderStatus.ORDER_STATUS_OPEN && latest.id !== pendingConfirm) orderId = latest.id;
      }
      if (orderId === undefined) return;
      // Seller: accept and ship in one go (consecutive sequences).
      const ship = signTx(seller, [shipOrderMsg(seller.address, orderId)], { chainId, accountNumber: sn, sequence: sseq + 1n, gasLimit: 300_000n });
      const srecs = [
        txRec(signTx(seller, [acceptOrderMsg(seller.address, orderId)], { chainId, accountNumber: sn, sequence: sseq, gasLimit: 300_000n }), 'escrow-accept'),
        txRec(ship, 'escrow-ship'),
      ];
      sseq += 2n;
      const hs = watcher.latest;
      submit(srecs);
      if (!(await answered(srecs))) {
        // A block can commit between the accept's CheckTx and the ship's while the accept is still
        // in the mempool. ReCheck runs only the ante of a pending tx (README, "CheckTx runs the
        // whole tx"), so the check state then has the accept's sequence but an open order, and the
        // ship is refused (escrow/3). As a client would, send it again once the accept is in a block.
        const [accept, shipRec] = srecs;
        if (accept?.checkCode !== 0 || shipRec === undefined || !refusedForTheOrdersState(shipRec)) {
          return note(`seller refused: ${srecs.map((r) => r.checkLog).join(' | ').slice(0, 160)}`);
        }
        if (!(await orderReaches(orderId, OrderStatus.ORDER_STATUS_ACCEPTED, hs))) return;
        shipsSentAgain++;
        const again = [txRec(ship, 'escrow-ship')];
        submit(again);
        if (!(await answered(again))) return note(`seller refused twice: ${again.map((r) => r.checkLog).join(' | ').slice(0, 160)}`);
      }
      if (!(await orderReaches(orderId, OrderStatus.ORDER_STATUS_SHIPPED, hs))) return;
      pendingConfirm = orderId;
    }
  };

  log(`escrow mix: ${PAIRS} buyer/seller pairs cycling create -> accept+ship -> confirm, over transfers at ${MIX_TRANSFER_RATE} tx/s, ${(WARMUP_MS + DURATION_MS) / 1000} s`);
  const pairs = Array.from({ length: Math.min(PAIRS, buyers.length) }, (_, i) => pair(i).catch((e: unknown) => note((e as Error).message.slice(0, 160))));
  const { released, t0, t1 } = await paced(sub, transfers, MIX_TRANSFER_RATE, WARMUP_MS + DURATION_MS);
  running = false;
  await Promise.all(pairs);
  await sub.close();
  await settle(rpc, watcher);
  const all = [...transfers.slice(0, released), ...escrowRecs];
  const steady = escrowRecs.filter((r) => r.sentAt >= t0 + WARMUP_MS && r.sentAt <= t1 && r.checkCode === 0).length;
  const result = await analyse('escrow mix', `${PAIRS} pairs + transfers at ${MIX_TRANSFER_RATE} tx/s`, rpc, watcher, sampler, all, sub, { t0, t1, h0 }, {
    results: true,
    byKind: true,
    extra: {
      escrowTxsAcceptedPerSec: Math.round(steady / (DURATION_MS / 1000)),
      queriesPerSec: Math.round(queries / ((t1 - t0) / 1000)),
      shipsSentAgain,
      pairErrors: Object.fromEntries(errors),
    },
  });
  rpc.close();
  queryRpc.close();
  return { result, used: released };
}

// ---------------------------------------------------------------------------------------------
// Free-tx flood: honest users' latency without and with one account flooding zero-fee txs

async function runFlood(dir: string): Promise<Record<string, unknown>> {
  const honest = benchKeys('honest', 100);
  const flooder = benchKeys('flooder', 1)[0] as BenchKey;
  const sink = benchKeys('sink', 1)[0] as BenchKey;
  log('flood: starting a chain with the DEFAULT fee parameters');
  const chain = await startOurChain({
    dir: join(dir, 'flood'),
    validators: 1,
    blockInterval: BLOCK_INTERVAL,
    settings: COMET_SETTINGS,
    appStatePatch: {},
    balances: balancesOf([...honest, flooder, sink]),
  });
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const watcher = new CommitWatcher(rpc);
  const sampler = new ProcSampler(() => chain.processes());
  try {
    await watcher.start();
    sampler.start();
    const numbers = await accountNumbers(rpc, [...honest, flooder]);
    const chainId = chain.chainId;
    const honestSeq = honest.map(() => 0n);
    const honestPhase = async (name: string, flood: boolean): Promise<PhaseResult> => {
      const sub = new Submitter(rpc, { concurrency: 2, batch: 20 });
      const recs: TxRec[] = [];
      const h0 = watcher.latest;
      let floodSub: Submitter | undefined;
      let floodRunning = true;
      let floodLoop: Promise<void> | undefined;
      const floodRecs: TxRec[] = [];
      if (flood) {
        // The flooder's first txs spend its quota (in order, one batch); then ever different txs
        // at its next sequence, none repeated (a repeated tx would find its signature verified).
        const fn = numbers[honest.length] ?? '0';
        const quota = 100;
        const spec = { label: 'flooder', accounts: 1, chainId, accountNumbers: [fn], gasLimit: '200000' };
        const pool = new SignPool(spec);
        const first = (await pool.sign(0, quota)).map((b) => txRec(b, 'flood'));
        const variants = (await new SignPool({ ...spec, fixedSequence: String(quota) }).signAndClose(0, FLOOD_VARIANTS)).map((b) => txRec(b, 'flood'));
        await pool.close();
        const fsub = new Submitter(new RpcClient(chain.rpcUrls[0] ?? ''), { concurrency: 8, batch: 50 });
        floodSub = fsub;
        floodLoop = (async () => {
          fsub.pushGroup(first);
          let i = 0;
          while (floodRunning && i < variants.length) {
            if (fsub.queued < 1000) {
              const batch = variants.slice(i, i + 200);
              const now = performance.now();
              for (const r of batch) r.sentAt = now;
              floodRecs.push(...batch);
              fsub.push(batch);
              i += batch.length;
            }
            await sleep(2);
          }
          if (i >= variants.length) log('flood: ran out of distinct flood txs');
        })();
      }
      log(`${name}: ${honest.length} honest accounts, one zero-fee transfer each every 2 s${flood ? ', one account flooding' : ''}`);
      const t0 = performance.now();
      const total = WARMUP_MS + DURATION_MS;
      let tick = 0;
      while (performance.now() - t0 < total) {
        // Every 20 ms, 1/100 of the honest accounts send (each account every 2 s).
        const due = honest.slice((tick % 100) * 1, (tick % 100) * 1 + 1);
        for (const k of due) {
          const i = k.index;
          const r = txRec(signTx(k, [sendMsg(k.address, sink.address, 1n)], { chainId, accountNumber: BigInt(numbers[i] ?? '0'), sequence: honestSeq[i] ?? 0n, gasLimit: 200_000n }), 'honest');
          honestSeq[i] = (honestSeq[i] ?? 0n) + 1n;
          r.sentAt = performance.now();
          recs.push(r);
          sub.push([r]);
        }
        tick++;
        await sleep(20);
      }
      const t1 = performance.now();
      floodRunning = false;
      await floodLoop;
      await floodSub?.close();
      await sub.close();
      await settle(rpc, watcher, 30_000);
      const floodExtra =
        floodSub === undefined
          ? undefined
          : {
              floodTxsSubmitted: floodSub.sent,
              floodSubmittedPerSec: Math.round(floodSub.sent / ((t1 - t0) / 1000)),
              floodAccepted: floodSub.sent - floodSub.refused,
              floodRefusals: Object.fromEntries(floodSub.refusals),
            };
      // Refused honest txs would break that account's later sequences: count them.
      return analyse(name, `${honest.length / 2} tx/s honest${flood ? ' + flood' : ''}`, rpc, watcher, sampler, recs, sub, { t0, t1, h0 }, {
        results: true,
        ...(floodExtra === undefined ? {} : { extra: floodExtra }),
      });
    };
    const alone = await honestPhase('honest users alone', false);
    const withFlood = await honestPhase('honest users during a flood', true);
    return { feeParams: 'defaults (100 free txs per account per 600 blocks, free_gas_per_block 30,000,000)', honestAlone: alone, honestWithFlood: withFlood };
  } finally {
    sampler.stop();
    await watcher.stop();
    rpc.close();
    await chain.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The app's pipeline without consensus (bench/pipeline.ts in a child process)

function runPipeline(): Record<string, unknown> | undefined {
  log('pipeline: bench/pipeline.ts (CheckTx, FinalizeBlock, Commit in-process, no consensus)');
  // With the V8 flags the node's app process runs with.
  const r = spawnSync(process.execPath, [...APP_NODE_FLAGS, '--import', 'tsx', join(ROOT, 'bench', 'pipeline.ts'), '--txs', '20000', '--accounts', '4000', '--block', '2000'], {
    encoding: 'utf8',
    maxBuffer: 10 * 2 ** 20,
  });
  if (r.status !== 0) {
    log(`pipeline failed: ${r.stderr.slice(-2000)}`);
    return undefined;
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// kvstore reference

function kvTxs(n: number, size: number, tag: string): TxRec[] {
  const out: TxRec[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${tag}${i.toString(36)}${randomBytes(6).toString('hex')}`;
    const valueLen = Math.max(8, size - key.length - 1);
    const value = randomBytes(Math.ceil(valueLen / 2)).toString('hex').slice(0, valueLen);
    out.push(txRec(Buffer.from(`${key}=${value}`), 'kv'));
  }
  return out;
}

/**
 * The kvstore reference: in CometBFT's process, or (with `abciCli`) served by `abci-cli kvstore` over
 * an ABCI socket, as CometBFT reaches our app.
 */
interface KvRun {
  readonly phases: Record<string, PhaseResult>;
  readonly sweep: SweepResult | undefined;
}

/** Our highest rate kept up with over a reference's (two decimals); undefined when either is missing. */
function sweepRatio(ours: SweepResult | undefined, reference: SweepResult | undefined): number | undefined {
  const a = ours?.sustainedCommittedTxPerSec;
  const b = reference?.sustainedCommittedTxPerSec;
  if (a === undefined || a === null || b === undefined || b === null || b <= 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}

async function runKvstore(dir: string, txSize: number, abciCli?: string): Promise<KvRun> {
  const name = abciCli === undefined ? 'kvstore' : 'kvstore-socket';
  log(`${name}: ${abciCli === undefined ? 'cometbft node --proxy_app=kvstore' : 'abci-cli kvstore, cometbft node --proxy_app=tcp://…'}, txs of ${txSize} bytes`);
  const chain = await startKvstore({ dir, blockInterval: BLOCK_INTERVAL, settings: COMET_SETTINGS, ...(abciCli === undefined ? {} : { abciCli }) });
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const watcher = new CommitWatcher(rpc);
  const sampler = new ProcSampler(() => chain.processes());
  const phases: Record<string, PhaseResult> = {};
  let sweep: SweepResult | undefined;
  try {
    await watcher.start();
    sampler.start();
    if (run('saturate')) {
      const recs = kvTxs(Math.round((SATURATE_SIGN_RATE * 2 * (WARMUP_MS + DURATION_MS)) / 1000), txSize, 's');
      phases['saturate'] = (await runSaturate(`${name} saturate`, chain, watcher, sampler, recs, true)).result;
    }
    if (run('sweep')) {
      let tag = 0;
      sweep = await runSweep(`${name} sweep`, chain, watcher, sampler, (n) => Promise.resolve(kvTxs(n, txSize, `w${tag++}`)), () => undefined, sweepRates(2000, 20_000));
    }
    if (run('paced')) {
      const recs = kvTxs(Math.round((RATE * (WARMUP_MS + DURATION_MS)) / 1000) + 100, txSize, 'p');
      phases['paced'] = (await runPaced(`${name} paced ${RATE}`, chain, watcher, sampler, recs, RATE, true)).result;
    }
  } finally {
    sampler.stop();
    await watcher.stop();
    rpc.close();
    await chain.stop();
  }
  return { phases, sweep };
}

// ---------------------------------------------------------------------------------------------
// Our chain

/** CometBFT's own CPU profile (Go pprof) over `seconds` after `delayMs`, summarised by go tool pprof. */
async function cometProfile(port: number, seconds: number, delayMs: number): Promise<string | undefined> {
  await sleep(delayMs);
  const file = join(tmpdir(), 'cybermiles-cometbft-latest.pprof');
  try {
    const res = await fetch(`http://localhost:${port}/debug/pprof/profile?seconds=${seconds}`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const top = spawnSync('go', ['tool', 'pprof', '-top', '-nodecount=40', cometbftBinary(), file], { encoding: 'utf8' });
    const cum = spawnSync('go', ['tool', 'pprof', '-top', '-cum', '-nodecount=40', cometbftBinary(), file], { encoding: 'utf8' });
    log(`CometBFT profile in ${file}`);
    return `${top.stdout}\n--- cumulative ---\n${cum.stdout}`;
  } catch (e) {
    log(`CometBFT profile failed: ${(e as Error).message}`);
    return undefined;
  }
}

let cometProfileSummary: string | undefined;

interface OurRun {
  readonly phases: Record<string, PhaseResult>;
  readonly sweep: SweepResult | undefined;
  readonly avgTxBytes: number;
  readonly profileDir: string | undefined;
  readonly soak?: SoakResult;
}

async function runOurs(dir: string): Promise<OurRun> {
  const transferKeys = benchKeys('transfer', ACCOUNTS);
  const buyers = run('escrow') ? benchKeys('buyer', PAIRS) : [];
  const sellers = run('escrow') ? benchKeys('seller', PAIRS) : [];
  const profileDir = args.profile === true ? join(dir, 'cpu-profile') : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  log(`ours: ${VALIDATORS === 1 ? 'devnet (1 validator)' : `local testnet of ${VALIDATORS} validators`}, ${ACCOUNTS} transfer accounts + ${buyers.length} escrow pairs in genesis`);
  const pprofPort = args['comet-pprof'] === true ? (await freePorts(1))[0] : undefined;
  const chain = await startOurChain({
    dir: join(dir, 'ours'),
    validators: VALIDATORS,
    blockInterval: BLOCK_INTERVAL,
    settings: pprofPort === undefined ? COMET_SETTINGS : [...COMET_SETTINGS, ['rpc', 'pprof_laddr', `localhost:${pprofPort}`]],
    appStatePatch: { fees: PLENTY_OF_FREE_TXS },
    balances: balancesOf([...transferKeys, ...buyers, ...sellers]),
    ...(profileDir === undefined ? {} : { cpuProfileDir: profileDir }),
    ...(args['heap-snapshot'] === undefined ? {} : { heapSnapshotDir: args['heap-snapshot'] }),
    ...(args['index-events'] === undefined ? {} : { startArgs: ['--index-events', args['index-events']] }),
    abciUnixSocket: args.abci === 'unix',
  });
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const watcher = new CommitWatcher(rpc);
  const sampler = new ProcSampler(() => chain.processes());
  const phases: Record<string, PhaseResult> = {};
  let sweep: SweepResult | undefined;
  let soak: SoakResult | undefined;
  let avgTxBytes = 0;
  try {
    await watcher.start();
    sampler.start();
    const allKeys = [...transferKeys, ...buyers, ...sellers];
    const numbersList = await accountNumbers(rpc, allKeys);
    const numbers = new Map(allKeys.map((k, i) => [k.address, numbersList[i] ?? '0']));
    const spec: TransferStreamSpec = {
      label: 'transfer',
      accounts: ACCOUNTS,
      chainId: chain.chainId,
      accountNumbers: numbersList.slice(0, ACCOUNTS),
      gasLimit: GAS_LIMIT.toString(),
    };
    const pool = new SignPool(spec);
    let position = 0;
    const take = async (n: number, kind = 'transfer'): Promise<TxRec[]> => {
      const t = performance.now();
      const txs = await pool.sign(position, position + n);
      log(`signed ${n} transfers in ${Math.round(performance.now() - t)} ms`);
      return txs.map((b) => txRec(b, kind));
    };
    try {
      // One sample for the tx size the kvstore reference pads to.
      const sample = await pool.sign(0, Math.min(ACCOUNTS, 1000));
      avgTxBytes = Math.round(sample.reduce((s, t) => s + t.length, 0) / sample.length);

      if (SOAK_MS !== undefined) {
        soak = await runSoak(chain, watcher, sampler, pool, () => position, (p) => (position = p));
      } else {
        if (run('sweep')) {
          let at = position;
          sweep = await runSweep(
            'ours sweep',
            chain,
            watcher,
            sampler,
            async (n) => {
              const txs = await pool.sign(at, at + n);
              return txs.map((b) => txRec(b, 'transfer'));
            },
            (released) => {
              // Unreleased txs are dropped: the next step signs on from the first of them.
              at += released;
              position = at;
            },
            sweepRates(num(args['sweep-from'], 1000), 8000),
          );
        }
        if (run('saturate')) {
          const recs = await take(Math.round((SATURATE_SIGN_RATE * (WARMUP_MS + DURATION_MS)) / 1000));
          const { result, used } = await runSaturate('ours saturate', chain, watcher, sampler, recs, true);
          phases['saturate'] = result;
          position += used;
        }
        if (run('paced')) {
          const recs = await take(Math.round((RATE * (WARMUP_MS + DURATION_MS)) / 1000) + 100);
          const snapshot = args['heap-snapshot'] === undefined ? undefined : setTimeout(() => {
            const app = chain.processes().find((p) => p.role.endsWith('app'));
            if (app !== undefined) process.kill(app.pid, 'SIGUSR2');
            log(`heap snapshot of the app requested into ${args['heap-snapshot'] ?? ''}`);
          }, WARMUP_MS + DURATION_MS - 2000);
          const pprof = pprofPort === undefined ? undefined : cometProfile(pprofPort, Math.round(DURATION_MS / 1000), WARMUP_MS);
          const { result, used } = await runPaced(`ours paced ${RATE}`, chain, watcher, sampler, recs, RATE, true);
          if (snapshot !== undefined) clearTimeout(snapshot);
          if (pprof !== undefined) cometProfileSummary = await pprof;
          phases['paced'] = result;
          position += used;
        }
        if (run('escrow')) {
          const recs = await take(Math.round((MIX_TRANSFER_RATE * (WARMUP_MS + DURATION_MS)) / 1000) + 100);
          const { result, used } = await runEscrowMix(chain, watcher, sampler, buyers, sellers, numbers, recs);
          phases['escrowMix'] = result;
          position += used;
        }
      }
    } finally {
      await pool.close();
    }
  } finally {
    sampler.stop();
    await watcher.stop();
    rpc.close();
    await chain.stop();
  }
  return { phases, sweep, avgTxBytes, profileDir, ...(soak === undefined ? {} : { soak }) };
}

/** Paced load for SOAK_MS, signing ahead in the worker pool; the app's memory over time. */
async function runSoak(
  chain: Chain,
  watcher: CommitWatcher,
  sampler: ProcSampler,
  pool: SignPool,
  getPos: () => number,
  setPos: (p: number) => void,
): Promise<SoakResult> {
  const rpc = new RpcClient(chain.rpcUrls[0] ?? '');
  const sub = new Submitter(rpc, { concurrency: CONCURRENCY, batch: BATCH });
  const h0 = watcher.latest;
  const chunk = RATE * 10;
  let ready: TxRec[] = (await pool.sign(getPos(), getPos() + chunk)).map((b) => txRec(b, 'transfer'));
  let next = getPos() + chunk;
  let signing: Promise<TxRec[]> | undefined;
  const kept: TxRec[] = [];
  log(`soak: ${RATE} tx/s for ${(SOAK_MS ?? 0) / 1000} s`);
  const t0 = performance.now();
  const wallT0 = Date.now();
  let released = 0;
  while (performance.now() - t0 < (SOAK_MS ?? 0)) {
    if (signing === undefined && ready.length < chunk) {
      const from = next;
      next += chunk;
      signing = pool.sign(from, from + chunk).then((txs) => txs.map((b) => txRec(b, 'transfer')));
      void signing.then((r) => {
        ready = ready.concat(r);
        signing = undefined;
      });
    }
    const due = Math.floor((RATE * (performance.now() - t0)) / 1000) - released;
    if (due > 0) {
      const slice = ready.slice(0, due);
      ready = ready.slice(slice.length);
      slice.forEach((r, i) => (r.sentAt = t0 + ((released + i) * 1000) / RATE));
      for (let i = 0; i < slice.length; i += 20) {
        const r = slice[i];
        if (r !== undefined) kept.push(r);
      }
      sub.push(slice);
      released += slice.length;
      if (slice.length < due) log('soak: signing fell behind');
    }
    await sleep(5);
  }
  const t1 = performance.now();
  await signing;
  setPos(getPos() + released);
  await sub.close();
  await settle(rpc, watcher);
  const blocks = await fetchBlocks(rpc, h0 + 1, watcher.latest, false);
  const where = txLocations(blocks);
  const minute = 60_000;
  const rssOf = (t: number): number | undefined => sampler.at(t)?.rss.get(chain.processes()[0]?.role ?? '');
  const series: { minute: number; appRssMiB: number | undefined; cometbftRssMiB: number | undefined }[] = [];
  for (let t = t0; t <= t1; t += minute) {
    const s = sampler.at(t);
    series.push({
      minute: Math.round((t - t0) / minute),
      appRssMiB: s === undefined ? undefined : Math.round(s.rss.get(chain.processes()[0]?.role ?? '') ?? 0),
      cometbftRssMiB: s === undefined ? undefined : Math.round(s.rss.get(chain.processes()[1]?.role ?? '') ?? 0),
    });
  }
  // The bounded caches (decoded txs, signatures, state values, trie nodes, addresses) fill during
  // the first minutes; growth is reported from minute 1 and from minute 2, and as a trend.
  const at = (m: number): number | undefined => rssOf(t0 + Math.min(m * minute, (t1 - t0) / 2));
  const start = at(1);
  const start2 = at(2);
  const end = rssOf(t1);
  const pct = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined ? null : Math.round(((b - a) / a) * 1000) / 10;
  const half = series.filter((x) => x.minute >= series.length / 2 && x.appRssMiB !== undefined);
  const slope =
    half.length < 2
      ? null
      : Math.round((((half[half.length - 1]?.appRssMiB ?? 0) - (half[0]?.appRssMiB ?? 0)) / ((half[half.length - 1]?.minute ?? 1) - (half[0]?.minute ?? 0))) * 10) / 10;
  rpc.close();
  return {
    seconds: Math.round((t1 - t0) / 1000),
    offered: `${RATE} tx/s`,
    released,
    rate: rateStats(blocks, watcher.seenAt, t0 + WARMUP_MS, t1),
    latencyOfEvery20th: latencyStats(kept, where, watcher.seenAt, t0 + WARMUP_MS, t1),
    appRssAfterFirstMinuteMiB: start === undefined ? null : Math.round(start),
    appRssAfterSecondMinuteMiB: start2 === undefined ? null : Math.round(start2),
    appRssAtEndMiB: end === undefined ? null : Math.round(end),
    appRssMaxMiB: Math.round(Math.max(...series.map((x) => x.appRssMiB ?? 0))),
    appRssGrowthPercent: pct(start, end),
    appRssGrowthPercentFromMinute2: pct(start2, end),
    appRssTrendSecondHalfMiBPerMinute: slope,
    rssPerMinute: series,
    // What the app says its memory is made of, from the "memory" lines its node logs each minute.
    appMemoryPerMinute: memoryPerMinute(readMemoryReports(chain.logFiles[0] ?? ''), wallT0, Math.round((t1 - t0) / minute)),
    processes: sampler.window(t0 + minute, t1),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function markdown(
  out: Record<string, unknown>,
  ours: OurRun,
  kv: KvRun | undefined,
  kvSocket: KvRun | undefined,
  pipeline: Record<string, unknown> | undefined,
  flood: Record<string, unknown> | undefined,
): string {
  const m = out['machine'] as Record<string, unknown>;
  const rows: string[][] = [];
  const cpuOf = (procs: Record<string, number>): string => {
    const app = Object.entries(procs).find(([k]) => k.endsWith('app'))?.[1];
    const main = Object.entries(procs).find(([k]) => k.endsWith('app main thread'))?.[1];
    const comet = Object.entries(procs).find(([k]) => k.includes('cometbft'))?.[1];
    if (app === undefined) return `${comet ?? '?'} %`;
    return `${app}${main === undefined ? '' : ` (${main})`} / ${comet ?? '?'} %`;
  };
  const sweepRow = (label: string, sw: SweepResult | undefined): void => {
    if (sw === undefined) return;
    const best = sw.steps.find((x) => x.offeredTxPerSec === sw.sustainedOfferedTxPerSec);
    // The lowest offered rate above it that was not kept up with.
    const next = sw.steps
      .filter((x) => !x.keptUp && x.offeredTxPerSec > (sw.sustainedOfferedTxPerSec ?? 0))
      .sort((a, b) => a.offeredTxPerSec - b.offeredTxPerSec)[0];
    rows.push([
      label,
      `${fmt(sw.sustainedCommittedTxPerSec, ' tx/s')}${next === undefined ? '' : ` (at ${next.offeredTxPerSec}: ${fmt(next.committedTxPerSec)})`}`,
      best === undefined ? 'n/a' : `${fmt(best.p50Ms, ' ms')} / ${fmt(best.p99Ms, ' ms')}`,
      fmt(best?.blockIntervalMedianMs, ' ms'),
      '',
      best === undefined ? 'n/a' : cpuOf(best.cpuPercentOfCore),
    ]);
  };
  const phaseRow = (label: string, p: PhaseResult | undefined): void => {
    if (p === undefined) return;
    const app = Object.entries(p.processes).find(([k]) => k.endsWith('app'))?.[1];
    const main = Object.entries(p.processes).find(([k]) => k.endsWith('app main thread'))?.[1];
    const comet = Object.entries(p.processes).find(([k]) => k.includes('cometbft'))?.[1];
    rows.push([
      label,
      fmt(p.rate?.successfulTxPerSec, ' tx/s'),
      `${fmt(p.latency.p50Ms, ' ms')} / ${fmt(p.latency.p99Ms, ' ms')}`,
      fmt(p.rate?.blockIntervalMedianMs, ' ms'),
      app === undefined ? (comet === undefined ? 'n/a' : `${comet.rssEndMiB} MiB (one process)`) : `${app.rssEndMiB} / ${comet?.rssEndMiB ?? '?'} MiB`,
      app === undefined
        ? comet === undefined
          ? 'n/a'
          : `${comet.cpuPercentOfCore} %`
        : `${app.cpuPercentOfCore}${main === undefined ? '' : ` (${main.cpuPercentOfCore})`} / ${comet?.cpuPercentOfCore ?? '?'} %`,
    ]);
  };
  sweepRow('CyberMiles, highest rate kept up with (sweep)', ours.sweep);
  sweepRow('kvstore, highest rate kept up with (same harness)', kv?.sweep);
  sweepRow('kvstore over an ABCI socket (abci-cli), highest rate kept up with', kvSocket?.sweep);
  phaseRow(`CyberMiles, offered ${RATE} tx/s`, ours.phases['paced']);
  phaseRow(`kvstore, offered ${RATE} tx/s`, kv?.phases['paced']);
  phaseRow(`kvstore over an ABCI socket, offered ${RATE} tx/s`, kvSocket?.phases['paced']);
  phaseRow('CyberMiles, closed loop', ours.phases['saturate']);
  phaseRow('kvstore, closed loop', kv?.phases['saturate']);
  phaseRow(`escrow mix (${PAIRS} pairs + transfers at ${MIX_TRANSFER_RATE}/s)`, ours.phases['escrowMix']);
  if (flood !== undefined) {
    phaseRow('honest users (50 tx/s), no flood', flood['honestAlone'] as PhaseResult);
    phaseRow('honest users (50 tx/s), one account flooding', flood['honestWithFlood'] as PhaseResult);
  }
  const ratio = out['ratioToKvstore'] as number | undefined;
  const ratioSocket = out['ratioToKvstoreSocket'] as number | undefined;
  const machine =
    `Machine: ${String(m['nproc'])} cores (${String(m['cpuModel'])}), ${String(m['memoryGiB'])} GiB, Node ${String(m['node'])}, CometBFT ${String(m['cometbft'])}; ` +
      `timeout_commit ${BLOCK_INTERVAL}, mempool size ${String(COMET_SETTINGS[0]?.[2])}, recheck ${String(COMET_SETTINGS[2]?.[2])}, db_backend ${String(COMET_SETTINGS.find(([, k]) => k === 'db_backend')?.[2])}; ${VALIDATORS} validator(s); ` +
      `txs: signed MsgSend of ~${ours.avgTxBytes} bytes (kvstore: key=value of the same size).`;
  // A soak runs none of the other phases: its own section instead of an empty table.
  if (ours.soak !== undefined) return [machine, '', ...soakMarkdown(ours.soak)].join('\n');
  const lines = [
    machine,
    '',
    '| run | committed (successful) | latency p50 / p99 | block interval | RSS app / CometBFT | CPU app (its main thread) / CometBFT (% of a core) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Ratio to kvstore (highest rates kept up with): ${ratio === undefined ? 'n/a' : ratio.toFixed(2)}.` +
      (ratioSocket === undefined ? '' : ` To kvstore over an ABCI socket, as CometBFT reaches our app: ${ratioSocket.toFixed(2)}.`),
  ];
  if (pipeline !== undefined) {
    lines.push(
      `Pipeline without consensus (bench/pipeline.ts, ${String(pipeline['txs'])} transfers, ${String(pipeline['txsPerBlock'])} per block): ` +
        `${fmt(pipeline['pipelineTxPerSec'] as number)} tx/s CheckTx + FinalizeBlock + Commit; CheckTx ${fmt(pipeline['checkTxPerSec'] as number)} tx/s, ` +
        `FinalizeBlock ${fmt(pipeline['finalizeBlockTxPerSec'] as number)} tx/s, ReCheck ${fmt(pipeline['recheckTxPerSec'] as number)} tx/s ` +
        `(with one block's recheck: ${fmt(pipeline['pipelineWithRecheckTxPerSec'] as number)} tx/s); a block never seen in CheckTx (decode, verify, execute, commit) ${fmt(pipeline['replayTxPerSec'] as number)} tx/s.`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-throughput-'));
  // Also when interrupted (lib/nodes.ts stops the chains, then exits).
  if (args.keep !== true) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const started = new Date().toISOString();
  const out: Record<string, unknown> = { bench: 'throughput', startedAt: started, machine: machine() };
  out['settings'] = {
    durationSeconds: DURATION_MS / 1000,
    warmupSeconds: WARMUP_MS / 1000,
    pacedRate: RATE,
    accounts: ACCOUNTS,
    validators: VALIDATORS,
    blockInterval: BLOCK_INTERVAL,
    cometbft: Object.fromEntries(COMET_SETTINGS.map(([s, k, v]) => [s === '' ? k : `${s}.${k}`, v])),
    submit: `broadcast_tx_sync in JSON-RPC batches of ${BATCH} over ${CONCURRENCY} keep-alive HTTP connections`,
    transferGasLimit: GAS_LIMIT.toString(),
  };
  let pipeline: Record<string, unknown> | undefined;
  let flood: Record<string, unknown> | undefined;
  let kv: KvRun | undefined;
  let kvSocket: KvRun | undefined;
  let ours: OurRun | undefined;
  try {
    if (run('pipeline') && SOAK_MS === undefined) {
      pipeline = runPipeline();
      out['pipeline'] = pipeline;
    }
    ours = await runOurs(dir);
    out['ours'] = {
      validators: VALIDATORS,
      avgTxBytes: ours.avgTxBytes,
      ...(ours.sweep === undefined ? {} : { sweep: ours.sweep }),
      phases: ours.phases,
      ...(ours.soak === undefined ? {} : { soak: ours.soak }),
    };
    const avgTxBytes = ours.avgTxBytes;
    /** A kvstore run as the JSON records it. */
    const kvRecord = (k: KvRun): Record<string, unknown> => ({ avgTxBytes, ...(k.sweep === undefined ? {} : { sweep: k.sweep }), phases: k.phases });
    if (SOAK_MS === undefined && run('kvstore') && VALIDATORS === 1) {
      kv = await runKvstore(dir, avgTxBytes);
      out['kvstore'] = kvRecord(kv);
      const ratio = sweepRatio(ours.sweep, kv.sweep);
      if (ratio !== undefined) out['ratioToKvstore'] = ratio;
      const sa = ours.phases['saturate']?.rate?.successfulTxPerSec;
      const sb = kv.phases['saturate']?.rate?.successfulTxPerSec;
      if (sa !== undefined && sb !== undefined && sb > 0) out['ratioToKvstoreSaturated'] = Math.round((sa / sb) * 100) / 100;
    }
    if (SOAK_MS === undefined && run('kvsocket') && VALIDATORS === 1) {
      kvSocket = await runKvstore(dir, avgTxBytes, await abciCliBinary(log));
      out['kvstoreSocket'] = kvRecord(kvSocket);
      const ratio = sweepRatio(ours.sweep, kvSocket.sweep);
      if (ratio !== undefined) out['ratioToKvstoreSocket'] = ratio;
    }
    if (SOAK_MS === undefined && run('flood')) {
      flood = await runFlood(dir);
      out['flood'] = flood;
    }
    if (ours.profileDir !== undefined) {
      const files = readdirSync(ours.profileDir).filter((f) => f.endsWith('.cpuprofile'));
      const file = files[0];
      if (file !== undefined) {
        const raw = join(tmpdir(), 'cybermiles-app-latest.cpuprofile');
        copyFileSync(join(ours.profileDir, file), raw);
        log(`raw app profile copied to ${raw}`);
        const summary = summariseProfile(readProfile(raw));
        out['profile'] = {
          busySeconds: Math.round(summary.busyMs / 100) / 10,
          stages: summary.stages.slice(0, 14),
          inclusive: summary.inclusive,
          functions: summary.functions.slice(0, 25),
        };
        const md = join(ROOT, 'bench', 'results', 'PROFILE-latest.md');
        mkdirSync(dirname(md), { recursive: true });
        writeFileSync(md, `# App CPU profile (node --cpu-prof), ${started}\n\n${profileMarkdown(summary, 30)}\n`);
        log(`profile summary written to ${md}`);
      }
    }
    if (cometProfileSummary !== undefined) {
      const file = join(ROOT, 'bench', 'results', 'PROFILE-cometbft-latest.txt');
      writeFileSync(file, cometProfileSummary);
      log(`CometBFT profile summary written to ${file}`);
    }
    out['targets'] = targets(out, ours, pipeline);
    out['finishedAt'] = new Date().toISOString();
    const json = JSON.stringify(out, null, 2);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, json + '\n');
    const md = markdown(out, ours, kv, kvSocket, pipeline, flood);
    writeFileSync(OUT.replace(/\.json$/, '.md'), md + '\n');
    process.stdout.write(json + '\n');
    process.stderr.write('\n' + md + '\n');
  } finally {
    if (args.keep === true) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function targets(out: Record<string, unknown>, ours: OurRun, pipeline: Record<string, unknown> | undefined): Record<string, unknown> {
  const paced = ours.phases['paced'];
  const sustained = ours.sweep?.sustainedCommittedTxPerSec ?? null;
  const ratio = out['ratioToKvstore'] as number | undefined;
  const pipe = pipeline?.['pipelineTxPerSec'] as number | undefined;
  const replay = pipeline?.['replayTxPerSec'] as number | undefined;
  const growth = ours.soak?.appRssGrowthPercent;
  const growth2 = ours.soak?.appRssGrowthPercentFromMinute2;
  return {
    'e2e >= 2000 committed transfers/s, kept up with (sweep)': { value: sustained, met: sustained === null ? null : sustained >= 2000 },
    [`p99 latency < 3 s at ${RATE} tx/s offered`]: {
      value: paced?.latency.p99Ms ?? null,
      committedTxPerSec: paced?.rate?.successfulTxPerSec ?? null,
      met: paced === undefined ? null : paced.latency.p99Ms !== null && paced.latency.p99Ms < 3000 && (paced.rate?.successfulTxPerSec ?? 0) >= 0.95 * RATE,
    },
    '>= half of kvstore (highest rates kept up with)': { value: ratio ?? null, met: ratio === undefined ? null : ratio >= 0.5 },
    'pipeline >= 10000 tx/s': { value: pipe ?? null, replayTxPerSec: replay ?? null, met: pipe === undefined ? null : pipe >= 10_000 || (replay ?? 0) >= 10_000 },
    'soak: app memory grows < 10 %': {
      fromMinute1: growth ?? null,
      fromMinute2: growth2 ?? null,
      met: growth === undefined || growth === null ? null : growth < 10,
      metAfterCachesFill: growth2 === undefined || growth2 === null ? null : growth2 < 10,
    },
  };
}

await main();
