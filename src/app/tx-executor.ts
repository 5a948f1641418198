// Runs one tx against a cache layer: decode, ante, messages. In FinalizeBlock the ante's writes
// (sequence, fee) stay even when a message fails, as in the SDK, so a failed tx cannot be replayed;
// in CheckTx a tx either passes whole or leaves no trace.
//
// ReCheck (CheckTx of type RECHECK, after every block, for each tx still in the mempool) runs the
// ante only, as the SDK does: what can have changed since the tx was first checked is its
// signers' sequences, their accounts, its payer's fee or free quota and the height against its
// timeout. Its messages ran when it was first checked (so a submitter still hears of an
// insufficient balance or a wrong escrow state at once) and run again in the block. The check
// state after a block therefore holds the pending txs' sequences and fees (or quota use) but not
// their messages' effects: a second pending tx that overspends what a first one already spent
// passes CheckTx and fails in the block (code 5, fee and sequence taken), as in the SDK.
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { EventManager, makeEvent } from '../events/event.js';
import type { CacheStore, KVReader } from '../store/types.js';
import { recordVerified, runAnte, signaturesToVerify, type AnteDeps, type PendingSignature } from '../tx/ante.js';
import { sharedSigVerifier, type SigVerifier } from '../tx/sig-verify-pool.js';
import { decodeTx, type DecodedTx, type MsgLookup } from '../tx/decode.js';
import { GasKVStore } from '../tx/gas-kv-store.js';
import { latin1 } from '../store/bytes.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { Slab } from '../util/slab.js';
import { InfiniteGasMeter, LimitedGasMeter, type GasMeter } from '../tx/gas.js';
import type { BlockInfo, ExecMode, TxContext } from './module.js';
import { failure, isChainError, type TxOutcome } from './tx-result.js';

/**
 * Decoded txs by their bytes. CometBFT hands the app the same bytes up to five times (CheckTx,
 * PrepareProposal, ProcessProposal, FinalizeBlock, and CheckTx again on every recheck); decoding is
 * a pure function of the bytes (the message lookup and auth params are fixed at wiring), so it is
 * done once. Entries are immutable; the oldest goes first when the cache is full. Failed decodes
 * are not kept.
 */
export const DECODE_CACHE_SIZE = 16_384;

/** Fewer signatures than this to verify ahead are left to the ante (see verifyAhead). */
export const AHEAD_MIN_BATCH = 32;

/**
 * Signatures per message to the verifier when verifying ahead. The first chunk comes back (and its
 * txs can run) while later ones are still being verified, so execution and verification overlap.
 */
export const AHEAD_CHUNK = 64;

export interface AheadOptions {
  /** Fewer signatures than this in all are left to the ante (default AHEAD_MIN_BATCH). */
  readonly minBatch?: number;
  /**
   * Only signers whose sequence is their account's current one. For CheckTx requests queued
   * behind the current one: of a burst from one account (a flood) one tx is verified ahead, and
   * the rest wait for the ante, whose fee policy runs before any verification.
   */
  readonly currentSequenceOnly?: boolean;
}

export class TxExecutor {
  readonly #decoded = new BoundedCache<DecodedTx>(DECODE_CACHE_SIZE);
  readonly #txBytes = new Slab();
  /**
   * Verifications started ahead (verifyAhead) and not yet settled, by decoded tx: a chunk to wait
   * for, or a function that settles the tx's signatures at once (a shared job).
   */
  readonly #ahead = new WeakMap<DecodedTx, Promise<void> | (() => void)>();

  constructor(
    private readonly lookup: MsgLookup,
    private readonly ante: AnteDeps,
    /** Where signatures are verified ahead of execution (worker threads by default). */
    private readonly verifier: SigVerifier = sharedSigVerifier(),
  ) {}

  /** The same executor (message routes, ante) verifying ahead with `verifier`. */
  withVerifier(verifier: SigVerifier): TxExecutor {
    return new TxExecutor(this.lookup, this.ante, verifier);
  }

  /**
   * Starts verifying, on the verifier's threads, the signatures the ante would verify when `txs`
   * run against `state`, in chunks of AHEAD_CHUNK; a tx that runs before its chunk is through
   * takes its own signatures from it (a shared job) or waits for that chunk only (executeDecoded).
   * Only work moves: undecodable txs are skipped, a chunk the verifier fails on is dropped, and
   * whatever is not known verified when a tx runs the ante verifies itself. Fewer
   * than `minBatch` signatures are left to the ante: a round trip to a worker thread costs more
   * than verifying a few inline. The promise settles when every chunk has (it never rejects).
   */
  verifyAhead(state: KVReader, txs: readonly Uint8Array[], chainId: string, opts: AheadOptions = {}): Promise<void> {
    const groups: { tx: DecodedTx; sigs: PendingSignature[] }[] = [];
    let total = 0;
    for (const bytes of txs) {
      let tx: DecodedTx;
      try {
        tx = this.decode(bytes);
      } catch {
        continue;
      }
      if (this.#ahead.has(tx)) continue;
      const sigs = signaturesToVerify(state, tx, chainId, this.ante, opts.currentSequenceOnly === true);
      if (sigs.length === 0) continue;
      groups.push({ tx, sigs });
      total += sigs.length;
    }
    if (total === 0 || total < (opts.minBatch ?? AHEAD_MIN_BATCH)) return Promise.resolve();
    const chunks: Promise<void>[] = [];
    let chunk: PendingSignature[] = [];
    let chunkTxs: DecodedTx[] = [];
    const send = (): void => {
      chunks.push(this.#verifyChunk(chunk, chunkTxs));
      chunk = [];
      chunkTxs = [];
    };
    // A tx's signatures stay in one chunk, so a tx waits for one chunk.
    for (const { tx, sigs } of groups) {
      for (const s of sigs) chunk.push(s);
      chunkTxs.push(tx);
      if (chunk.length >= AHEAD_CHUNK) send();
    }
    if (chunk.length > 0) send();
    return Promise.all(chunks).then(() => undefined);
  }

  /**
   * One chunk of verifyAhead. With a verifier that shares its jobs (SigVerifyPool), a tx that
   * runs before the worker reached its signatures takes them and verifies them on this thread,
   * so execution never waits for the worker; otherwise it waits for the chunk.
   */
  #verifyChunk(pending: PendingSignature[], members: readonly DecodedTx[]): Promise<void> {
    const job = this.verifier.start?.(pending);
    if (job !== undefined) {
      const claims = new Map<DecodedTx, () => void>();
      for (const tx of members) {
        const claim = (): void => {
          this.#ahead.delete(tx);
          pending.forEach((p, i) => {
            if (p.tx === tx) recordVerified([p], [job.take(i)], this.ante);
          });
        };
        claims.set(tx, claim);
        this.#ahead.set(tx, claim);
      }
      return job.done.then((answers) => {
        pending.forEach((p, i) => {
          const valid = answers[i];
          if (valid !== undefined) recordVerified([p], [valid], this.ante);
        });
        for (const [tx, claim] of claims) if (this.#ahead.get(tx) === claim) this.#ahead.delete(tx);
      });
    }
    const done = this.verifier.verify(pending).then(
      (valid) => recordVerified(pending, valid, this.ante),
      () => undefined, // the ante verifies these itself
    );
    const settled = done.then(() => {
      for (const tx of members) if (this.#ahead.get(tx) === settled) this.#ahead.delete(tx);
    });
    for (const tx of members) this.#ahead.set(tx, settled);
    return settled;
  }

  decode(bytes: Uint8Array): DecodedTx {
    // Keyed by the bytes themselves as a latin1 string: one native copy and a string hash, which
    // is cheaper than a SHA-256 of a few hundred bytes, and exact (no digest in between).
    const key = latin1(bytes);
    const known = this.#decoded.get(key);
    if (known !== undefined) return known;
    // Decode from a copy: the request's bytes may be a view into a larger socket buffer, which a
    // cached entry must not keep alive. The copies are cut from a slab (util/slab.ts): the cache
    // drops its entries in the order they came.
    const tx = decodeTx(this.#txBytes.copy(bytes), this.lookup, this.ante.params);
    this.#decoded.set(key, tx);
    return tx;
  }

  async execute(parent: CacheStore, bytes: Uint8Array, block: BlockInfo, mode: ExecMode): Promise<TxOutcome> {
    let tx: DecodedTx;
    try {
      tx = this.decode(bytes);
    } catch (e) {
      if (isChainError(e)) return failure(e, 0n, 0n);
      throw e;
    }
    return this.executeDecoded(parent, tx, block, mode);
  }

  async executeDecoded(parent: CacheStore, tx: DecodedTx, block: BlockInfo, mode: ExecMode): Promise<TxOutcome> {
    // Its signatures are being verified ahead: wait for them rather than verify them again.
    const ahead = this.#ahead.get(tx);
    if (typeof ahead === 'function') ahead();
    else if (ahead !== undefined) await ahead;
    const meter: GasMeter = mode === 'simulate' ? new InfiniteGasMeter() : new LimitedGasMeter(tx.gasLimit);
    const anteLayer = parent.branch();
    const anteEvents = new EventManager();
    const anteCtx: TxContext = { store: new GasKVStore(anteLayer, meter), block, events: anteEvents, gas: meter, mode };
    try {
      runAnte(anteCtx, tx, this.ante);
    } catch (e) {
      if (isChainError(e)) return failure(e, tx.gasLimit, meter.consumed());
      throw e;
    }
    if (mode === 'recheck') {
      // The ante's effects only (see the top of this file); CometBFT reads nothing but the code.
      anteLayer.write();
      return { code: 0, codespace: '', log: '', data: new Uint8Array(), gasWanted: tx.gasLimit, gasUsed: meter.consumed(), events: [] };
    }

    const msgLayer = anteLayer.branch();
    const msgEvents = new EventManager();
    const msgCtx: TxContext = { store: new GasKVStore(msgLayer, meter), block, events: msgEvents, gas: meter, mode };
    const responses: Any[] = [];
    try {
      for (const [i, m] of tx.msgs.entries()) {
        msgEvents.emit(
          makeEvent('message', [
            ['action', m.typeUrl],
            ['sender', m.handler.signers(m.msg)[0] ?? ''],
            ['module', m.handler.module],
            ['msg_index', String(i)],
          ]),
        );
        responses.push(await m.handler.handle(msgCtx, m.msg));
      }
    } catch (e) {
      if (!isChainError(e)) throw e;
      // The ante's effects stand in a block; in CheckTx the whole tx is refused.
      if (mode === 'finalize') anteLayer.write();
      return failure(e, tx.gasLimit, meter.consumed(), anteEvents.events());
    }
    msgLayer.write();
    anteLayer.write();
    if (mode === 'check') {
      // CheckTx answers with the code and gas only (see CyberMilesApp.checkTx).
      return { code: 0, codespace: '', log: '', data: new Uint8Array(), gasWanted: tx.gasLimit, gasUsed: meter.consumed(), events: [] };
    }
    return {
      code: 0,
      codespace: '',
      log: '',
      data: TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      gasWanted: tx.gasLimit,
      gasUsed: meter.consumed(),
      events: [...anteEvents.events(), ...msgEvents.events()],
    };
  }
}
