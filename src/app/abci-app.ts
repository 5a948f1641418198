// The state machine behind the ABCI server: genesis, CheckTx, proposals, FinalizeBlock, Commit,
// Query. State lives in three layers over the committed store: the pending block (FinalizeBlock
// until Commit), the check state (CheckTx, reset at every Commit), and per-tx layers over either.
import {
  ResponseProcessProposal_ProposalStatus,
  type Event,
  type ExecTxResult,
  type RequestCheckTx,
  type RequestFinalizeBlock,
  type RequestInfo,
  type RequestInitChain,
  type RequestPrepareProposal,
  type RequestProcessProposal,
  type RequestQuery,
  type ResponseCheckTx,
  type ResponseCommit,
  type ResponseFinalizeBlock,
  type ResponseInfo,
  type ResponseInitChain,
  type ResponsePrepareProposal,
  type ResponseProcessProposal,
  type ResponseQuery,
  type ValidatorUpdate,
} from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from '../abci/application.js';
import { packTxResult } from '../abci/finalize-block-encoding.js';
import './proto-alloc.js';
import './proto-strings.js';
import '../util/proto-int64.js';
import { EventManager } from '../events/event.js';
import { GasKVStore } from '../tx/gas-kv-store.js';
import { InfiniteGasMeter } from '../tx/gas.js';
import { ErrInvalidHeight, ErrInvalidRequest } from '../errors/sdk-errors.js';
import { GenesisError, asObject } from '../genesis/json.js';
import type { CacheStore, KVReader } from '../store/types.js';
import { fromUtf8, readUint64BE, uint64BE, utf8 } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { CHAIN_ID_KEY, LAST_BLOCK_TIME_KEY, MAX_BLOCK_GAS_KEY } from './app-keys.js';
import type { CommittedState } from './committed-state.js';
import type { AppModule, BlockCommit, BlockInfo, TxContext } from './module.js';
import { queryError, type QueryRouter } from './query-router.js';
import type { TxExecutor } from './tx-executor.js';
import { toExecTxResult } from './tx-result.js';
import { markIndexed, type IndexEvents } from '../events/index-events.js';

export const STORE_KEY_QUERY_PATH = '/store/key';
export const APP_NAME = 'cybermiles';
export const APP_PROTOCOL_VERSION = 1n;
/** Fewer signatures than this among queued CheckTx requests are left to the ante, inline. */
export const CHECK_AHEAD_MIN_BATCH = 16;

export interface AppOptions {
  readonly logger: Logger;
  readonly version: string;
  /** Check every module invariant after every block (tests and debugging; O(state)). */
  readonly checkInvariants: boolean;
  /**
   * TEST ONLY: propose the mempool's txs as they come, ignoring the fee policy's block rules, to
   * show that the other validators reject such proposals. Never set on a real validator.
   */
  readonly unsafeIgnoreProposalRules?: boolean;
  /** Index only these event attributes (see events/index-events.ts); every one when absent. */
  readonly indexEvents?: IndexEvents;
}

/** Builds and checks proposals (the fee policy's block rules). */
export interface ProposalPolicy {
  select(state: KVReader, txs: readonly Uint8Array[], maxTxBytes: bigint, maxBlockGas: bigint): Uint8Array[];
  /** Why the txs break the rules, or undefined. */
  check(state: KVReader, txs: readonly Uint8Array[], maxBlockGas: bigint): string | undefined;
}

export interface AppWiring {
  readonly state: CommittedState;
  /** In genesis order. */
  readonly modules: readonly AppModule[];
  /** Modules with a begin-blocker, in begin-block order. */
  readonly beginBlockers?: readonly AppModule[];
  /** Modules with an end-blocker, in end-block order. */
  readonly endBlockers: readonly AppModule[];
  readonly executor: TxExecutor;
  readonly queries: QueryRouter;
  readonly proposals: ProposalPolicy;
  /** Who decides CometBFT's validator set ([staking]); without it genesis.json's set stays. */
  readonly validatorSet?: ValidatorSetSource;
}

/** CometBFT's validator set from the app: InitChain's answer and FinalizeBlock's changes. */
export interface ValidatorSetSource {
  /** The set at genesis; empty means "keep genesis.json's validators". */
  genesisValidators(store: KVReader): Promise<ValidatorUpdate[]>;
  /** Runs after every end-blocker: the changes since the set last reported (power 0 removes). */
  endBlock(ctx: TxContext): Promise<ValidatorUpdate[]>;
}

export class CyberMilesApp implements AbciApplication {
  private chainId = '';
  private maxBlockGas = -1n;
  private lastBlockTime = { seconds: 0n, nanos: 0 };
  /** The first Info (the handshake) is logged at info level, later ones (RPC polling) at debug. */
  private infoLogged = false;
  private checkState: CacheStore;
  /** InitChain's writes, committed together with the first block. */
  private pendingGenesis: CacheStore | undefined;
  private readonly log: Logger;

  constructor(
    private readonly w: AppWiring,
    private readonly opts: AppOptions,
  ) {
    this.log = opts.logger.child({ module: 'app' });
    this.checkState = w.state.branch();
    this.loadAppKeys(w.state);
  }

  private loadAppKeys(store: KVReader): void {
    const chainId = store.get(CHAIN_ID_KEY);
    if (chainId !== undefined) this.chainId = fromUtf8(chainId);
    const gas = store.get(MAX_BLOCK_GAS_KEY);
    if (gas !== undefined) this.maxBlockGas = BigInt.asIntN(64, readUint64BE(gas));
    const time = store.get(LAST_BLOCK_TIME_KEY);
    if (time !== undefined) this.lastBlockTime = Timestamp.decode(time);
  }

  /** The block CheckTx and simulation pretend to run in: the next one. */
  nextBlock(): BlockInfo {
    return {
      chainId: this.chainId,
      height: this.w.state.lastHeight + 1n,
      timeSeconds: this.lastBlockTime.seconds,
      timeNanos: this.lastBlockTime.nanos,
      hash: new Uint8Array(32),
    };
  }

  /** A throwaway layer over the check state, for simulation. */
  scratch(): CacheStore {
    return this.checkState.branch();
  }

  async info(req: RequestInfo): Promise<ResponseInfo> {
    // CometBFT's handshake asks once; RPC clients polling abci_info ask many times a second.
    const fields = { cometbft: req.version, height: this.w.state.lastHeight, appHash: this.w.state.lastAppHash };
    if (this.infoLogged) this.log.debug('info', fields);
    else this.log.info('info', fields);
    this.infoLogged = true;
    return {
      data: APP_NAME,
      version: this.opts.version,
      appVersion: APP_PROTOCOL_VERSION,
      lastBlockHeight: this.w.state.lastHeight,
      lastBlockAppHash: this.w.state.lastAppHash,
    };
  }

  async initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    const genesis = this.w.state.branch();
    this.chainId = req.chainId;
    this.maxBlockGas = req.consensusParams?.block?.maxGas ?? -1n;
    genesis.set(CHAIN_ID_KEY, utf8(req.chainId));
    genesis.set(MAX_BLOCK_GAS_KEY, uint64BE(BigInt.asUintN(64, this.maxBlockGas)));
    this.lastBlockTime = { seconds: req.time?.seconds ?? 0n, nanos: req.time?.nanos ?? 0 };
    genesis.set(LAST_BLOCK_TIME_KEY, Timestamp.encode(this.lastBlockTime).finish());

    const text = req.appStateBytes.length === 0 ? '{}' : fromUtf8(req.appStateBytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new GenesisError(`app_state is not JSON: ${(e as Error).message}`);
    }
    const appState = asObject(parsed, 'app_state');
    const known = new Set(this.w.modules.map((m) => m.name));
    for (const key of Object.keys(appState)) if (!known.has(key)) throw new GenesisError(`app_state.${key}: no such module`);
    for (const m of this.w.modules) await m.initGenesis(genesis, appState[m.name]);
    await this.assertInvariants(genesis, 'genesis');

    const appHash = await this.w.state.stage(genesis.changes(), req.initialHeight);
    this.pendingGenesis = genesis;
    this.checkState = genesis.branch();
    this.log.info('init chain', { chainId: req.chainId, initialHeight: req.initialHeight, appHash });
    const validators = (await this.w.validatorSet?.genesisValidators(genesis)) ?? [];
    return { validators, appHash };
  }

  async checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    const mode = req.type === 1 ? 'recheck' : 'check';
    // A signature not verified ahead (checkTxAhead) is verified inline by the ante.
    const o = await this.w.executor.execute(this.checkState, req.tx, this.nextBlock(), mode);
    if (o.code !== 0) this.log.debug('check tx refused', { code: o.code, codespace: o.codespace, log: o.log });
    // No data: CometBFT's broadcast_tx_sync shows it as hex, which CosmJS reads as base64.
    return { code: o.code, data: new Uint8Array(), log: o.log, info: '', gasWanted: o.gasWanted, gasUsed: o.gasUsed, events: [], codespace: o.codespace };
  }

  /**
   * CheckTx requests queued behind the one running (see AbciApplication.checkTxAhead): their
   * signatures are verified on worker threads while the main thread checks the txs before them.
   * Only signers at their account's current sequence (one tx of a burst from one account), and
   * only when there are enough to be worth a round trip to a worker.
   */
  checkTxAhead(txs: readonly Uint8Array[]): void {
    void this.w.executor.verifyAhead(this.checkState, txs, this.chainId, { currentSequenceOnly: true, minBatch: CHECK_AHEAD_MIN_BATCH });
  }

  async prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal> {
    if (this.opts.unsafeIgnoreProposalRules === true) {
      // Test-only misbehaviour (see AppOptions): take the mempool's txs as they come.
      const txs: Uint8Array[] = [];
      let bytes = 0;
      for (const tx of req.txs) {
        bytes += tx.length + 8;
        if (BigInt(bytes) > req.maxTxBytes) break;
        txs.push(tx);
      }
      return { txs };
    }
    return { txs: this.w.proposals.select(this.w.state, req.txs, req.maxTxBytes, this.maxBlockGas) };
  }

  async processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal> {
    const broken = this.w.proposals.check(this.w.state, req.txs, this.maxBlockGas);
    if (broken !== undefined) {
      this.log.warn('rejecting proposal', { height: req.height, proposer: req.proposerAddress, reason: broken });
      return { status: ResponseProcessProposal_ProposalStatus.REJECT };
    }
    return { status: ResponseProcessProposal_ProposalStatus.ACCEPT };
  }

  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    const block: BlockInfo = {
      chainId: this.chainId,
      height: req.height,
      timeSeconds: req.time?.seconds ?? 0n,
      timeNanos: req.time?.nanos ?? 0,
      hash: req.hash,
    };
    const store = this.pendingGenesis ?? this.w.state.branch();
    const beginEvents = await this.beginBlock(store, block, { lastCommit: req.decidedLastCommit, misbehavior: req.misbehavior });
    // Signatures not seen in CheckTx (a block from another proposer, a replay, a node catching
    // up) are verified on worker threads, against the state before the block, in chunks while the
    // block runs; a tx whose signature the worker has not reached yet verifies it on this thread
    // (TxExecutor.verifyAhead).
    void this.w.executor.verifyAhead(store, req.txs, this.chainId);
    // Each result is encoded as soon as its tx has run (packed-tx-result.ts), with the node's
    // index flags: the block keeps bytes, not event objects, until it answers.
    const only = this.opts.indexEvents;
    const txResults: ExecTxResult[] = [];
    for (const tx of req.txs) txResults.push(packTxResult(toExecTxResult(await this.w.executor.execute(store, tx, block, 'finalize')), only));
    const { events, validatorUpdates } = await this.endBlock(store, block);
    store.set(LAST_BLOCK_TIME_KEY, Timestamp.encode({ seconds: block.timeSeconds, nanos: block.timeNanos }).finish());
    await this.assertInvariants(store, `block ${req.height}`);
    const appHash = await this.w.state.stage(store.changes(), req.height);
    this.lastBlockTime = { seconds: block.timeSeconds, nanos: block.timeNanos };
    const failed = txResults.filter((r) => r.code !== 0).length;
    this.log.info('finalized block', { height: req.height, txs: req.txs.length, failed, appHash });
    const blockEvents = [...beginEvents, ...events];
    return { events: only === undefined ? blockEvents : markIndexed(blockEvents, only), txResults, validatorUpdates, appHash };
  }

  /** Module begin-blockers in the app's order; any error here is a bug and halts the node. */
  private async beginBlock(store: CacheStore, block: BlockInfo, commit: BlockCommit): Promise<Event[]> {
    const events = new EventManager();
    const gas = new InfiniteGasMeter();
    for (const m of this.w.beginBlockers ?? []) {
      await m.beginBlock?.({ store: new GasKVStore(store, gas), block, events, gas, mode: 'finalize' }, commit);
    }
    return events.events();
  }

  /** Module end-blockers in the app's order; any error here is a bug and halts the node. */
  private async endBlock(store: CacheStore, block: BlockInfo): Promise<{ events: Event[]; validatorUpdates: ValidatorUpdate[] }> {
    const events = new EventManager();
    const gas = new InfiniteGasMeter();
    for (const m of this.w.endBlockers) {
      await m.endBlock?.({ store: new GasKVStore(store, gas), block, events, gas, mode: 'finalize' });
    }
    const validatorUpdates =
      (await this.w.validatorSet?.endBlock({ store: new GasKVStore(store, gas), block, events, gas, mode: 'finalize' })) ?? [];
    return { events: events.events(), validatorUpdates };
  }

  async commit(): Promise<ResponseCommit> {
    await this.w.state.commit();
    this.pendingGenesis = undefined;
    this.checkState = this.w.state.branch();
    return { retainHeight: 0n };
  }

  async query(req: RequestQuery): Promise<ResponseQuery> {
    const height = this.w.state.lastHeight;
    if (req.height !== 0n && req.height !== height) {
      return queryError(ErrInvalidHeight(`historical queries are not supported: asked for ${req.height}, latest is ${height}`), height);
    }
    if (req.path === STORE_KEY_QUERY_PATH) return this.queryKey(req, height);
    if (req.prove) {
      return queryError(ErrInvalidRequest(`proofs are served for ${STORE_KEY_QUERY_PATH} only, not ${req.path}`), height);
    }
    return this.w.queries.query(req, { store: this.w.state, height });
  }

  /** A raw state key, with a proof against the app hash when asked (see README). */
  private async queryKey(req: RequestQuery, height: bigint): Promise<ResponseQuery> {
    const base = { code: 0, codespace: '', log: '', info: '', index: 0n, key: req.data, height };
    if (!req.prove) return { ...base, value: this.w.state.get(req.data) ?? new Uint8Array() };
    // prove() waits for a Commit in flight and pins its own root: the answer carries the height of
    // that root, which may be one past the height read when the query arrived.
    const { value, proof, height: proven } = await this.w.state.prove(req.data);
    return { ...base, height: proven, value: value ?? new Uint8Array(), proofOps: proof, log: value === undefined ? 'does not exist' : 'exists' };
  }

  private async assertInvariants(store: KVReader, where: string): Promise<void> {
    if (!this.opts.checkInvariants && where !== 'genesis') return;
    for (const m of this.w.modules) {
      for (const inv of m.invariants) {
        const broken = await inv.check(store);
        if (broken !== undefined) {
          this.log.error('invariant broken', { invariant: inv.name, where, broken });
          throw new Error(`invariant ${inv.name} broken at ${where}: ${broken}`);
        }
      }
    }
  }
}
