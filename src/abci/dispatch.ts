// Maps one decoded ABCI request to the application and wraps the answer in a Response.
// Echo and Flush are answered here; optional methods the app lacks get neutral answers:
//
//   ExtendVote          -> empty vote extension (only sent when vote extensions are enabled)
//   VerifyVoteExtension -> ACCEPT (an app without extensions has nothing to check)
//   ListSnapshots       -> no snapshots (peers asking us for snapshots get none)
//   OfferSnapshot       -> REJECT: "not this snapshot, try others". ABORT would end state sync
//                          with an error; REJECT lets a misconfigured state-syncing node keep
//                          discovering and log "Snapshot rejected" for each offer instead.
//   LoadSnapshotChunk   -> empty chunk (never asked, as we list no snapshots)
//   ApplySnapshotChunk  -> ABORT (never reached, as every offer is rejected; if it were,
//                          aborting is the only safe answer for an app that cannot restore)
import {
  ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
  ResponseVerifyVoteExtension_VerifyStatus,
} from 'cosmjs-types/tendermint/abci/types';
import type { Request, Response } from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from './application.js';

export type RequestKind = keyof Request;

export class UnknownRequestError extends Error {
  override readonly name = 'UnknownRequestError';
  constructor() {
    super('ABCI request has no known field set (unsupported request type)');
  }
}

/** The oneof field set in `req`, most frequent first; undefined for an empty/unknown request. */
export function requestKind(req: Request): RequestKind | undefined {
  if (req.checkTx !== undefined) return 'checkTx';
  if (req.flush !== undefined) return 'flush';
  if (req.query !== undefined) return 'query';
  if (req.processProposal !== undefined) return 'processProposal';
  if (req.prepareProposal !== undefined) return 'prepareProposal';
  if (req.finalizeBlock !== undefined) return 'finalizeBlock';
  if (req.commit !== undefined) return 'commit';
  if (req.extendVote !== undefined) return 'extendVote';
  if (req.verifyVoteExtension !== undefined) return 'verifyVoteExtension';
  if (req.info !== undefined) return 'info';
  if (req.echo !== undefined) return 'echo';
  if (req.initChain !== undefined) return 'initChain';
  if (req.listSnapshots !== undefined) return 'listSnapshots';
  if (req.offerSnapshot !== undefined) return 'offerSnapshot';
  if (req.loadSnapshotChunk !== undefined) return 'loadSnapshotChunk';
  if (req.applySnapshotChunk !== undefined) return 'applySnapshotChunk';
  return undefined;
}

const FLUSH: Response = { flush: {} };

/** Catches a handler that resolved with nothing (an empty Response would stop CometBFT obscurely). */
function present<T>(kind: RequestKind, value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error(`ABCI handler for ${kind} returned no response`);
  return value;
}

/** Runs `req` against `app`. Rejects when the handler throws or the request is unknown. */
export async function dispatchRequest(app: AbciApplication, req: Request): Promise<Response> {
  if (req.checkTx !== undefined) {
    return { checkTx: present('checkTx', await app.checkTx(req.checkTx)) };
  }
  if (req.flush !== undefined) return FLUSH;
  if (req.query !== undefined) {
    return { query: present('query', await app.query(req.query)) };
  }
  if (req.processProposal !== undefined) {
    return { processProposal: present('processProposal', await app.processProposal(req.processProposal)) };
  }
  if (req.prepareProposal !== undefined) {
    return { prepareProposal: present('prepareProposal', await app.prepareProposal(req.prepareProposal)) };
  }
  if (req.finalizeBlock !== undefined) {
    return { finalizeBlock: present('finalizeBlock', await app.finalizeBlock(req.finalizeBlock)) };
  }
  if (req.commit !== undefined) {
    return { commit: present('commit', await app.commit()) };
  }
  if (req.extendVote !== undefined) {
    return {
      extendVote: app.extendVote
        ? present('extendVote', await app.extendVote(req.extendVote))
        : { voteExtension: new Uint8Array(0) },
    };
  }
  if (req.verifyVoteExtension !== undefined) {
    return {
      verifyVoteExtension: app.verifyVoteExtension
        ? present('verifyVoteExtension', await app.verifyVoteExtension(req.verifyVoteExtension))
        : { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT },
    };
  }
  if (req.info !== undefined) {
    return { info: present('info', await app.info(req.info)) };
  }
  if (req.echo !== undefined) return { echo: { message: req.echo.message } };
  if (req.initChain !== undefined) {
    return { initChain: present('initChain', await app.initChain(req.initChain)) };
  }
  if (req.listSnapshots !== undefined) {
    return {
      listSnapshots: app.listSnapshots ? present('listSnapshots', await app.listSnapshots()) : { snapshots: [] },
    };
  }
  if (req.offerSnapshot !== undefined) {
    return {
      offerSnapshot: app.offerSnapshot
        ? present('offerSnapshot', await app.offerSnapshot(req.offerSnapshot))
        : { result: ResponseOfferSnapshot_Result.REJECT },
    };
  }
  if (req.loadSnapshotChunk !== undefined) {
    return {
      loadSnapshotChunk: app.loadSnapshotChunk
        ? present('loadSnapshotChunk', await app.loadSnapshotChunk(req.loadSnapshotChunk))
        : { chunk: new Uint8Array(0) },
    };
  }
  if (req.applySnapshotChunk !== undefined) {
    return {
      applySnapshotChunk: app.applySnapshotChunk
        ? present('applySnapshotChunk', await app.applySnapshotChunk(req.applySnapshotChunk))
        : { result: ResponseApplySnapshotChunk_Result.ABORT, refetchChunks: [], rejectSenders: [] },
    };
  }
  throw new UnknownRequestError();
}
