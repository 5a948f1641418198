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

/** Fewer signatures than this to verify ahead are left to the ante (see preverify). */
export const PREVERIFY_MIN_BATCH = 32;

export class TxExecutor {
  readonly #decoded = new Map<string, DecodedTx>();

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
   * Verifies, on the verifier's threads, the signatures the ante would verify when the txs run
   * against `state`, and remembers the results; the ante then finds them known. Only work moves:
   * undecodable txs are skipped, and anything not verified here the ante verifies itself. Fewer
   * than `minBatch` signatures are left to the ante: a round trip to a worker thread costs more
   * than verifying a few inline.
   */
  async preverify(state: KVReader, txs: readonly Uint8Array[], chainId: string, minBatch = PREVERIFY_MIN_BATCH): Promise<void> {
    const pending: PendingSignature[] = [];
    for (const bytes of txs) {
      let tx: DecodedTx;
      try {
        tx = this.decode(bytes);
      } catch {
        continue;
      }
      for (const p of signaturesToVerify(state, tx, chainId, this.ante)) pending.push(p);
    }
    if (pending.length === 0 || pending.length < minBatch) return;
    recordVerified(pending, await this.verifier.verify(pending), this.ante);
  }

  decode(bytes: Uint8Array): DecodedTx {
    // Keyed by the bytes themselves as a latin1 string: one native copy and a string hash, which
    // is cheaper than a SHA-256 of a few hundred bytes, and exact (no digest in between).
    const key = latin1(bytes);
    const known = this.#decoded.get(key);
    if (known !== undefined) return known;
    // Decode from a copy: the request's bytes may be a view into a larger socket buffer, which a
    // cached entry must not keep alive.
    const tx = decodeTx(bytes.slice(), this.lookup, this.ante.params);
    const cache = this.#decoded;
    if (cache.size >= DECODE_CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, tx);
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
