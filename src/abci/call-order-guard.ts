// A guard on the order of consensus calls. CometBFT drives the app through
//   Info -> [InitChain, only if the app is at height 0] -> (Prepare/ProcessProposal* -> FinalizeBlock -> Commit)*
// on its consensus connection. Any other order means a bug (in the app, in the server, or two
// CometBFT nodes on one app), and it is better to halt than to fork: a violation throws, the
// server turns that into ResponseException, and CometBFT stops.
//
// Info (query connection) may come at any time; until the first InitChain or FinalizeBlock the
// guard learns the starting height from Info's `lastBlockHeight`. CheckTx, Query and the snapshot
// calls are not consensus calls and pass straight through.
import type { AbciApplication } from './application.js';
import type { Logger } from '../util/logger.js';

export type CallOrderPhase =
  /** Nothing known yet: waiting for Info to report the app's height. */
  | 'awaiting-info'
  /** The app reported height 0: InitChain must come before any block. */
  | 'awaiting-init-chain'
  /** Between blocks: proposals and FinalizeBlock for `nextHeight` may come. */
  | 'ready'
  /** FinalizeBlock(nextHeight) done: only Commit may come. */
  | 'finalized';

export interface CallOrderState {
  readonly phase: CallOrderPhase;
  /** Height of the next FinalizeBlock; undefined until known. */
  readonly nextHeight: bigint | undefined;
}

export type ConsensusCall =
  | 'InitChain'
  | 'PrepareProposal'
  | 'ProcessProposal'
  | 'ExtendVote'
  | 'VerifyVoteExtension'
  | 'FinalizeBlock'
  | 'Commit';

export class CallOrderError extends Error {
  override readonly name = 'CallOrderError';
  constructor(
    readonly call: ConsensusCall,
    readonly state: CallOrderState,
    readonly reason: string,
  ) {
    super(
      `ABCI call order violated: ${call} ${reason} ` +
        `(phase ${state.phase}, next height ${state.nextHeight?.toString() ?? 'unknown'})`,
    );
  }
}

export interface GuardedApplication extends AbciApplication {
  /** Current phase and expected height (a snapshot). */
  readonly state: CallOrderState;
  /**
   * Forgets the consensus position, e.g. when CometBFT's consensus connection closed (CometBFT
   * stopped or restarted). The next Info teaches the guard the height again.
   */
  reset(reason: string): void;
}

export function guardCallOrder(app: AbciApplication, logger: Logger): GuardedApplication {
  let phase: CallOrderPhase = 'awaiting-info';
  let nextHeight: bigint | undefined;
  /** True once InitChain or FinalizeBlock passed since the last reset; Info then no longer teaches. */
  let started = false;
  /** The consensus call currently running, if any. */
  let busy: ConsensusCall | undefined;
  /** Bumped by reset(), so a call that straddles a reset does not write stale state. */
  let epoch = 0;

  const snapshot = (): CallOrderState => ({ phase, nextHeight });

  const violation = (call: ConsensusCall, reason: string): never => {
    const err = new CallOrderError(call, snapshot(), reason);
    logger.error('ABCI call order violated', {
      call,
      reason,
      phase,
      nextHeight: nextHeight?.toString() ?? null,
    });
    throw err;
  };

  const requireHeight = (call: ConsensusCall, height: bigint): void => {
    if (phase === 'awaiting-info') violation(call, 'arrived before Info');
    if (phase === 'awaiting-init-chain') violation(call, 'arrived before InitChain');
    if (phase === 'finalized') violation(call, 'arrived after FinalizeBlock and before Commit');
    if (height !== nextHeight) violation(call, `is for height ${height}`);
  };

  async function step<T>(
    call: ConsensusCall,
    check: () => void,
    run: () => Promise<T>,
    after: (res: T) => void,
  ): Promise<T> {
    if (busy !== undefined) violation(call, `arrived while ${busy} was still running`);
    check();
    busy = call;
    const myEpoch = epoch;
    try {
      const res = await run();
      if (myEpoch === epoch) after(res);
      return res;
    } finally {
      if (myEpoch === epoch) busy = undefined;
    }
  }

  const guarded: GuardedApplication = {
    get state() {
      return snapshot();
    },

    reset(reason) {
      epoch++;
      phase = 'awaiting-info';
      nextHeight = undefined;
      started = false;
      busy = undefined;
      logger.info('ABCI call order guard reset', { reason });
    },

    async info(req) {
      const myEpoch = epoch;
      const res = await app.info(req);
      if (!started && myEpoch === epoch) {
        const h = res.lastBlockHeight;
        if (h < 0n) throw new Error(`Info reported a negative lastBlockHeight ${h}`);
        phase = h === 0n ? 'awaiting-init-chain' : 'ready';
        nextHeight = h === 0n ? undefined : h + 1n;
        logger.debug('ABCI call order guard learned height from Info', { lastBlockHeight: h });
      }
      return res;
    },

    initChain: (req) =>
      step(
        'InitChain',
        () => {
          if (phase === 'awaiting-info') violation('InitChain', 'arrived before Info');
          if (phase !== 'awaiting-init-chain') violation('InitChain', 'arrived but the app is past genesis');
        },
        () => app.initChain(req),
        () => {
          started = true;
          phase = 'ready';
          nextHeight = req.initialHeight > 0n ? req.initialHeight : 1n;
        },
      ),

    prepareProposal: (req) =>
      step(
        'PrepareProposal',
        () => requireHeight('PrepareProposal', req.height),
        () => app.prepareProposal(req),
        () => undefined,
      ),

    processProposal: (req) =>
      step(
        'ProcessProposal',
        () => requireHeight('ProcessProposal', req.height),
        () => app.processProposal(req),
        () => undefined,
      ),

    finalizeBlock: (req) =>
      step(
        'FinalizeBlock',
        () => requireHeight('FinalizeBlock', req.height),
        () => app.finalizeBlock(req),
        () => {
          started = true;
          phase = 'finalized';
        },
      ),

    commit: () =>
      step(
        'Commit',
        () => {
          if (phase !== 'finalized') violation('Commit', 'arrived without a FinalizeBlock before it');
        },
        () => app.commit(),
        () => {
          phase = 'ready';
          nextHeight = (nextHeight ?? 0n) + 1n;
        },
      ),

    query: (req) => app.query(req),
    checkTx: (req) => app.checkTx(req),
  };

  // Optional methods stay absent when the app lacks them, so the server answers neutrally.
  const { checkTxAhead, extendVote, verifyVoteExtension, listSnapshots, offerSnapshot, loadSnapshotChunk, applySnapshotChunk } =
    app;
  if (checkTxAhead) guarded.checkTxAhead = (txs) => checkTxAhead.call(app, txs);
  if (extendVote) {
    guarded.extendVote = (req) =>
      step(
        'ExtendVote',
        () => requireHeight('ExtendVote', req.height),
        () => extendVote.call(app, req),
        () => undefined,
      );
  }
  if (verifyVoteExtension) {
    guarded.verifyVoteExtension = (req) =>
      step(
        'VerifyVoteExtension',
        () => requireHeight('VerifyVoteExtension', req.height),
        () => verifyVoteExtension.call(app, req),
        () => undefined,
      );
  }
  if (listSnapshots) guarded.listSnapshots = () => listSnapshots.call(app);
  if (offerSnapshot) guarded.offerSnapshot = (req) => offerSnapshot.call(app, req);
  if (loadSnapshotChunk) guarded.loadSnapshotChunk = (req) => loadSnapshotChunk.call(app, req);
  if (applySnapshotChunk) guarded.applySnapshotChunk = (req) => applySnapshotChunk.call(app, req);
  return guarded;
}
