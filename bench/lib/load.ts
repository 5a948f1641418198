// Load generation and measurement against a CometBFT RPC:
// - Submitter: worker loops sending JSON-RPC batches of broadcast_tx_sync over keep-alive HTTP.
// - paced(): open loop at a fixed rate; a tx's latency runs from its scheduled time, so a backlog in
//   the harness counts against the chain rather than hiding (no coordinated omission).
// - saturate(): closed loop keeping at most `maxOutstanding` accepted-but-uncommitted txs, which
//   finds the rate the chain sustains.
// - CommitWatcher: polls abci_info (the app's last COMMITTED height) every 20 ms and notes when
//   each height appeared; the blocks' tx lists and results are fetched after the load, so the
//   measurement itself costs the node almost nothing while it runs.
import { createHash } from 'node:crypto';
import type { RpcClient } from './rpc.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface TxRec {
  readonly b64: string;
  /** Uppercase hex SHA-256 of the tx bytes (CometBFT's tx hash). */
  readonly hash: string;
  readonly kind: string;
  readonly bytes: number;
  /** performance.now() when the tx was due (paced) or sent (saturate); NaN until then. */
  sentAt: number;
  /** performance.now() when its broadcast_tx_sync request went out (after any wait for a free connection). */
  requestedAt: number;
  /** performance.now() when broadcast_tx_sync answered (CheckTx done). */
  answeredAt: number;
  /** CheckTx code from broadcast_tx_sync; -1 for an RPC-level refusal (mempool full...); NaN until answered. */
  checkCode: number;
  checkLog: string;
}

export function txRec(bytes: Uint8Array, kind: string): TxRec {
  return {
    b64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    hash: createHash('sha256').update(bytes).digest('hex').toUpperCase(),
    kind,
    bytes: bytes.length,
    sentAt: Number.NaN,
    requestedAt: Number.NaN,
    answeredAt: Number.NaN,
    checkCode: Number.NaN,
    checkLog: '',
  };
}

export interface SubmitterOptions {
  readonly concurrency: number;
  readonly batch: number;
}

export class Submitter {
  /** Single txs, or groups that go in one JSON-RPC batch (CometBFT runs a batch in order). */
  readonly #queue: (TxRec | TxRec[])[] = [];
  #head = 0;
  #inFlight = 0;
  #workers: Promise<void>[] = [];
  #running = true;
  #wake: (() => void)[] = [];
  sent = 0;
  refused = 0;
  rpcErrors = 0;
  readonly refusals = new Map<string, number>();

  constructor(
    private readonly rpc: RpcClient,
    private readonly opts: SubmitterOptions,
  ) {
    for (let i = 0; i < opts.concurrency; i++) this.#workers.push(this.#worker());
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  push(recs: readonly TxRec[]): void {
    for (const r of recs) this.#queue.push(r);
    for (const w of this.#wake.splice(0)) w();
  }

  /** Txs that must reach CheckTx in this order (one account's consecutive sequences). */
  pushGroup(recs: readonly TxRec[]): void {
    this.#queue.push([...recs]);
    for (const w of this.#wake.splice(0)) w();
  }

  /** Waits until everything pushed so far has been answered. */
  async drain(): Promise<void> {
    while (this.queued > 0 || this.#inFlight > 0) await sleep(5);
  }

  async close(): Promise<void> {
    await this.drain();
    this.#running = false;
    for (const w of this.#wake.splice(0)) w();
    await Promise.all(this.#workers);
  }

  async #worker(): Promise<void> {
    while (this.#running) {
      if (this.queued === 0) {
        await new Promise<void>((r) => this.#wake.push(r));
        continue;
      }
      const batch: TxRec[] = [];
      while (this.#head < this.#queue.length) {
        const next = this.#queue[this.#head] as TxRec | TxRec[];
        const size = Array.isArray(next) ? next.length : 1;
        if (batch.length > 0 && batch.length + size > this.opts.batch) break;
        if (Array.isArray(next)) batch.push(...next);
        else batch.push(next);
        this.#head++;
      }
      if (this.#head > 100_000 && this.#head * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      this.#inFlight += batch.length;
      const requestedAt = performance.now();
      for (const rec of batch) rec.requestedAt = requestedAt;
      try {
        const results = await this.rpc.broadcastBatch(batch.map((r) => r.b64));
        const answeredAt = performance.now();
        results.forEach((res, i) => {
          const rec = batch[i];
          if (rec === undefined) return;
          rec.answeredAt = answeredAt;
          rec.checkCode = res.code;
          if (res.code !== 0) {
            rec.checkLog = res.log;
            this.refused++;
            const key = `${res.codespace}/${res.code}: ${res.log.replace(/[0-9]+/g, 'N').slice(0, 120)}`;
            this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
          }
        });
      } catch (e) {
        this.rpcErrors++;
        const message = (e as Error).message;
        for (const rec of batch) {
          rec.checkCode = -1;
          rec.checkLog = message;
        }
        this.refused += batch.length;
        // Counted with the refusals, so that the results say what the RPC answered.
        const key = `rpc error: ${message.replace(/[0-9]+/g, 'N').slice(0, 120)}`;
        this.refusals.set(key, (this.refusals.get(key) ?? 0) + batch.length);
      } finally {
        this.#inFlight -= batch.length;
        this.sent += batch.length;
      }
    }
  }
}

export interface BlockMeta {
  readonly height: number;
  /** Header time, ms since the epoch (with sub-ms precision). */
  readonly timeMs: number;
  readonly numTxs: number;
}

function parseTimeMs(rfc3339: string): number {
  // "2026-11-21T09:12:03.123456789Z": Date keeps ms; add the sub-ms digits.
  const m = /\.(\d+)Z$/.exec(rfc3339);
  const base = Date.parse(rfc3339.replace(/\.\d+Z$/, 'Z'));
  const frac = m === null ? 0 : Number(`0.${m[1] ?? '0'}`) * 1000;
  return base + frac;
}

interface BlockchainResult {
  readonly block_metas: readonly { header: { height: string; time: string }; num_txs: string }[];
}

export class CommitWatcher {
  /** Height -> performance.now() when the app first reported it committed. */
  readonly seenAt = new Map<number, number>();
  readonly metas = new Map<number, BlockMeta>();
  latest = 0;
  committedTxs = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #fetched = 0;

  constructor(private readonly rpc: RpcClient) {}

  async start(): Promise<void> {
    this.latest = await this.rpc.appHeight();
    this.#fetched = this.latest;
    this.#running = true;
    this.#loop = this.#poll();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Transactions in blocks committed after `height`. */
  txsSince(height: number): number {
    let n = 0;
    for (const [h, m] of this.metas) if (h > height) n += m.numTxs;
    return n;
  }

  async waitForHeight(h: number, timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.latest < h) {
      if (performance.now() > deadline) throw new Error(`height ${h} not committed within ${timeoutMs} ms (at ${this.latest})`);
      await sleep(10);
    }
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      try {
        const h = await this.rpc.appHeight();
        const now = performance.now();
        for (let x = this.latest + 1; x <= h; x++) this.seenAt.set(x, now);
        if (h > this.latest) this.latest = h;
        while (this.#fetched < this.latest) {
          const min = this.#fetched + 1;
          const max = Math.min(this.latest, min + 19);
          const r = await this.rpc.call<BlockchainResult>('blockchain', { minHeight: String(min), maxHeight: String(max) });
          for (const m of r.block_metas) {
            const meta = { height: Number(m.header.height), timeMs: parseTimeMs(m.header.time), numTxs: Number(m.num_txs) };
            if (!this.metas.has(meta.height)) this.committedTxs += meta.numTxs;
            this.metas.set(meta.height, meta);
          }
          this.#fetched = max;
        }
      } catch {
        // transient (node busy); try again
      }
      await sleep(20);
    }
  }
}

/** Releases `recs` at `rate` per second for `durationMs` (or until they run out). */
export async function paced(sub: Submitter, recs: readonly TxRec[], rate: number, durationMs: number): Promise<{ released: number; t0: number; t1: number }> {
  const t0 = performance.now();
  let released = 0;
  for (;;) {
    const now = performance.now();
    const elapsed = now - t0;
    if (elapsed >= durationMs || released >= recs.length) break;
    const due = Math.min(recs.length, Math.floor((rate * elapsed) / 1000));
    if (due > released) {
      const slice = recs.slice(released, due);
      slice.forEach((r, i) => (r.sentAt = t0 + ((released + i) * 1000) / rate));
      sub.push(slice);
      released = due;
    }
    await sleep(5);
  }
  return { released, t0, t1: performance.now() };
}

/** Keeps at most `maxOutstanding` txs submitted but neither refused nor committed. */
export async function saturate(
  sub: Submitter,
  watcher: CommitWatcher,
  recs: readonly TxRec[],
  maxOutstanding: number,
  durationMs: number,
): Promise<{ released: number; t0: number; t1: number }> {
  const t0 = performance.now();
  const base = watcher.committedTxs;
  let released = 0;
  while (performance.now() - t0 < durationMs && released < recs.length) {
    const outstanding = released - sub.refused - (watcher.committedTxs - base);
    const room = Math.min(maxOutstanding - outstanding, recs.length - released);
    if (room > 0) {
      const now = performance.now();
      const slice = recs.slice(released, released + room);
      for (const r of slice) r.sentAt = now;
      sub.push(slice);
      released += room;
    }
    await sleep(5);
  }
  return { released, t0, t1: performance.now() };
}

export interface CommittedBlock {
  readonly height: number;
  readonly timeMs: number;
  readonly hashes: readonly string[];
  /** ExecTxResult codes, when fetched. */
  readonly codes: readonly number[] | undefined;
}

interface BlockResult {
  readonly block: { header: { height: string; time: string }; data: { txs: readonly string[] | null } };
}
interface BlockResultsResult {
  readonly txs_results: readonly { code?: number }[] | null;
}

/** The committed blocks from..to (inclusive), with their tx hashes and, optionally, result codes. */
export async function fetchBlocks(rpc: RpcClient, from: number, to: number, withResults: boolean): Promise<CommittedBlock[]> {
  const out: CommittedBlock[] = [];
  for (let h = from; h <= to; h++) {
    const b = await rpc.call<BlockResult>('block', { height: String(h) });
    const hashes = (b.block.data.txs ?? []).map((t) => createHash('sha256').update(Buffer.from(t, 'base64')).digest('hex').toUpperCase());
    let codes: number[] | undefined;
    if (withResults) {
      const r = await rpc.call<BlockResultsResult>('block_results', { height: String(h) });
      codes = (r.txs_results ?? []).map((x) => x.code ?? 0);
    }
    out.push({ height: h, timeMs: parseTimeMs(b.block.header.time), hashes, codes });
  }
  return out;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

export interface LatencyStats {
  readonly count: number;
  readonly committed: number;
  readonly failedInBlock: number;
  readonly notCommitted: number;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /**
   * Where the time went, p50 / p99 of each part: waiting in the harness for a free connection
   * (due -> request sent), broadcast_tx_sync (request -> CheckTx answered: CometBFT's RPC and
   * mempool, the app's CheckTx), and CheckTx answered -> its block committed.
   */
  readonly parts: { readonly queuedMs: readonly [number, number] | null; readonly checkTxMs: readonly [number, number] | null; readonly toCommitMs: readonly [number, number] | null };
}

/**
 * Submit-to-commit latency of the txs CheckTx accepted whose send time lies in [t0, t1]. A tx
 * not committed by the end counts as infinitely late: a percentile it reaches is reported as null.
 */
export function latencyStats(recs: readonly TxRec[], where: ReadonlyMap<string, { height: number; code: number }>, seenAt: ReadonlyMap<number, number>, t0: number, t1: number): LatencyStats {
  const lat: number[] = [];
  const queued: number[] = [];
  const checkTx: number[] = [];
  const toCommit: number[] = [];
  let failed = 0;
  let missing = 0;
  let count = 0;
  for (const r of recs) {
    if (r.checkCode !== 0 || !(r.sentAt >= t0 && r.sentAt <= t1)) continue;
    count++;
    if (r.requestedAt >= r.sentAt) queued.push(r.requestedAt - r.sentAt);
    if (r.answeredAt >= r.requestedAt) checkTx.push(r.answeredAt - r.requestedAt);
    const w = where.get(r.hash);
    const seen = w === undefined ? undefined : seenAt.get(w.height);
    if (w === undefined || seen === undefined) {
      missing++;
      lat.push(Number.POSITIVE_INFINITY);
      continue;
    }
    if (w.code !== 0) failed++;
    lat.push(Math.max(0, seen - r.sentAt));
    if (r.answeredAt >= 0) toCommit.push(Math.max(0, seen - r.answeredAt));
  }
  lat.sort((a, b) => a - b);
  const p = (q: number): number | null => {
    const v = percentile(lat, q);
    return Number.isFinite(v) ? Math.round(v) : null;
  };
  const p50p99 = (xs: number[]): readonly [number, number] | null => {
    if (xs.length === 0) return null;
    xs.sort((a, b) => a - b);
    return [Math.round(percentile(xs, 50)), Math.round(percentile(xs, 99))];
  };
  return {
    count,
    committed: count - missing,
    failedInBlock: failed,
    notCommitted: missing,
    p50Ms: p(50),
    p90Ms: p(90),
    p99Ms: p(99),
    maxMs: p(100),
    parts: { queuedMs: p50p99(queued), checkTxMs: p50p99(checkTx), toCommitMs: p50p99(toCommit) },
  };
}

export interface RateStats {
  readonly blocks: number;
  readonly firstHeight: number;
  readonly lastHeight: number;
  readonly seconds: number;
  readonly txs: number;
  readonly successfulTxs: number;
  readonly committedTxPerSec: number;
  readonly successfulTxPerSec: number;
  readonly blockIntervalMedianMs: number;
  readonly blockIntervalP90Ms: number;
  readonly txsPerBlockMedian: number;
}

/**
 * Committed tx/s over the blocks the app committed within [t0, t1] (harness clock), measured
 * with the blocks' own header times: txs in blocks (a, b] over time(b) - time(a).
 */
export function rateStats(blocks: readonly CommittedBlock[], seenAt: ReadonlyMap<number, number>, t0: number, t1: number): RateStats | undefined {
  const inWindow = blocks.filter((b) => {
    const s = seenAt.get(b.height);
    return s !== undefined && s >= t0 && s <= t1;
  });
  if (inWindow.length < 2) return undefined;
  const first = inWindow[0] as CommittedBlock;
  const last = inWindow[inWindow.length - 1] as CommittedBlock;
  const counted = inWindow.slice(1);
  const txs = counted.reduce((s, b) => s + b.hashes.length, 0);
  const ok = counted.reduce((s, b) => s + (b.codes === undefined ? b.hashes.length : b.codes.filter((c) => c === 0).length), 0);
  const seconds = (last.timeMs - first.timeMs) / 1000;
  const intervals = counted.map((b, i) => b.timeMs - (inWindow[i] as CommittedBlock).timeMs).sort((a, b) => a - b);
  return {
    blocks: counted.length,
    firstHeight: first.height,
    lastHeight: last.height,
    seconds: Math.round(seconds * 100) / 100,
    txs,
    successfulTxs: ok,
    committedTxPerSec: Math.round(txs / seconds),
    successfulTxPerSec: Math.round(ok / seconds),
    blockIntervalMedianMs: Math.round(percentile(intervals, 50)),
    blockIntervalP90Ms: Math.round(percentile(intervals, 90)),
    txsPerBlockMedian: median(counted.map((b) => b.hashes.length)),
  };
}

/** tx hash -> (height, code) over the given blocks. */
export function txLocations(blocks: readonly CommittedBlock[]): Map<string, { height: number; code: number }> {
  const out = new Map<string, { height: number; code: number }>();
  for (const b of blocks) b.hashes.forEach((h, i) => out.set(h, { height: b.height, code: b.codes?.[i] ?? 0 }));
  return out;
}
