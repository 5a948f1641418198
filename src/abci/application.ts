// What the ABCI server needs from the state machine: one async method per ABCI 2.0 request.
// Echo and Flush are answered by the server itself.
import type {
  RequestApplySnapshotChunk,
  RequestCheckTx,
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestLoadSnapshotChunk,
  RequestOfferSnapshot,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestQuery,
  RequestVerifyVoteExtension,
  ResponseApplySnapshotChunk,
  ResponseCheckTx,
  ResponseCommit,
  ResponseExtendVote,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponseListSnapshots,
  ResponseLoadSnapshotChunk,
  ResponseOfferSnapshot,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseQuery,
  ResponseVerifyVoteExtension,
} from 'cosmjs-types/tendermint/abci/types';

export interface AbciApplication {
  info(req: RequestInfo): Promise<ResponseInfo>;
  initChain(req: RequestInitChain): Promise<ResponseInitChain>;
  query(req: RequestQuery): Promise<ResponseQuery>;
  checkTx(req: RequestCheckTx): Promise<ResponseCheckTx>;
  prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal>;
  processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal>;
  finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock>;
  commit(): Promise<ResponseCommit>;
  /**
   * Optional, a hint: the txs of CheckTx (new, not recheck) requests queued on the mempool
   * connection behind the one about to run, in order. Each still comes through checkTx, in
   * order; the app may start work on them ahead (off its main thread) but must answer exactly as
   * it would without the hint.
   */
  checkTxAhead?(txs: readonly Uint8Array[]): void;
  /** Optional; the server answers with empty/neutral responses when absent. */
  extendVote?(req: RequestExtendVote): Promise<ResponseExtendVote>;
  verifyVoteExtension?(req: RequestVerifyVoteExtension): Promise<ResponseVerifyVoteExtension>;
  listSnapshots?(): Promise<ResponseListSnapshots>;
  offerSnapshot?(req: RequestOfferSnapshot): Promise<ResponseOfferSnapshot>;
  loadSnapshotChunk?(req: RequestLoadSnapshotChunk): Promise<ResponseLoadSnapshotChunk>;
  applySnapshotChunk?(req: RequestApplySnapshotChunk): Promise<ResponseApplySnapshotChunk>;
}
