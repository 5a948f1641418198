// One ABCI socket connection. CometBFT expects responses in request order, so requests are run
// strictly one at a time: the next handler starts only after the previous one settled. Responses
// are encoded as they complete and written in batches (one socket write when the request queue
// runs empty, at a Flush, or when the batch is large), which keeps per-message overhead low when
// CheckTx arrives thousands of times a second. A Flush is answered in sequence, so its response
// always follows every earlier response on the wire. On the mempool connection, new CheckTx
// requests queued behind the running one are shown to the app ahead (checkTxAhead), so it can
// verify their signatures on other threads meanwhile; they still run one at a time, in order.
import type { Socket } from 'node:net';
import { CheckTxType, Request, Response } from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from './application.js';
import { dispatchRequest, requestKind } from './dispatch.js';
import type { RequestKind } from './dispatch.js';
import { encodeFinalizeBlockResponse } from './finalize-block-encoding.js';
import { FrameDecoder, frameParts } from './framing.js';
import type { Logger } from '../util/logger.js';
import { readerOver } from '../util/proto-reader.js';

/** Which of CometBFT's four connections this is, inferred from the first real request. */
export type ConnectionRole = 'unknown' | 'consensus' | 'mempool' | 'query' | 'snapshot';

export interface ConnectionOptions {
  readonly id: number;
  readonly app: AbciApplication;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** Called once, after the socket closed and the running handler (if any) settled. */
  readonly onClosed?: (conn: AbciConnection) => void;
}

/** Write out when this many response bytes are pending, even if more requests are queued. */
const OUT_BATCH_BYTES = 64 * 1024;
/** Pause reading when this many decoded requests wait; resume at the low mark. */
const QUEUE_HIGH_WATER = 4096;
const QUEUE_LOW_WATER = 1024;
/**
 * CheckTx look-ahead (AbciApplication.checkTxAhead): when fewer than AHEAD_REFILL requests that
 * were already shown to the app wait before the next unseen one, and at least AHEAD_MIN unseen
 * ones are queued, up to AHEAD_MAX of them are decoded and their txs shown to the app.
 */
const AHEAD_REFILL = 64;
const AHEAD_MIN = 16;
const AHEAD_MAX = 512;

/**
 * Which queued requests to show next: [from, to) behind the one about to run (`head`), given
 * that those before `shownEnd` were shown already and `queued` requests are known; undefined when
 * enough shown ones are still waiting or too few new ones are queued.
 */
export function lookAheadWindow(head: number, shownEnd: number, queued: number): { from: number; to: number } | undefined {
  const from = Math.max(shownEnd, head + 1);
  if (from - head > AHEAD_REFILL) return undefined;
  const to = Math.min(queued, from + AHEAD_MAX);
  return to - from < AHEAD_MIN ? undefined : { from, to };
}

function roleOf(kind: RequestKind): ConnectionRole | undefined {
  switch (kind) {
    case 'echo':
    case 'flush':
      return undefined;
    case 'checkTx':
      return 'mempool';
    case 'info':
    case 'query':
      return 'query';
    case 'listSnapshots':
    case 'offerSnapshot':
    case 'loadSnapshotChunk':
    case 'applySnapshotChunk':
      return 'snapshot';
    default:
      return 'consensus';
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class AbciConnection {
  readonly id: number;
  readonly closed: Promise<void>;
  #role: ConnectionRole = 'unknown';
  readonly #socket: Socket;
  readonly #app: AbciApplication;
  readonly #logger: Logger;
  readonly #decoder: FrameDecoder;
  readonly #onClosed: ((conn: AbciConnection) => void) | undefined;

  /** Unprocessed requests, #queue[#qHead..]: frames, or requests decoded early for the look-ahead. */
  #queue: (Uint8Array | Request | undefined)[] = [];
  #qHead = 0;
  /** #queue[..#aheadEnd] has been through the CheckTx look-ahead. */
  #aheadEnd = 0;
  #running = false;
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #writeBlocked = false;
  #readPaused = false;
  #socketClosed = false;
  #finished = false;
  #resolveClosed: () => void = () => undefined;

  constructor(socket: Socket, opts: ConnectionOptions) {
    this.id = opts.id;
    this.#socket = socket;
    this.#app = opts.app;
    this.#logger = opts.logger.child({ conn: opts.id });
    this.#decoder = new FrameDecoder({ maxMessageBytes: opts.maxMessageBytes });
    this.#onClosed = opts.onClosed;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    socket.setNoDelay(true); // request/response ping-pong: never wait for Nagle
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#logger.warn('ABCI connection error', { role: this.#role, code: err.code ?? null, err });
    });
    socket.on('close', () => {
      this.#socketClosed = true;
      this.#queue = [];
      this.#qHead = 0;
      this.#aheadEnd = 0;
      this.#out = [];
      this.#logger.info('ABCI connection closed', { role: this.#role });
      this.#maybeFinish();
    });
  }

  /** Closed, or destroyed and about to close: nothing more is written. */
  get #gone(): boolean {
    return this.#socketClosed || this.#socket.destroyed;
  }

  get role(): ConnectionRole {
    return this.#role;
  }

  /** Closes the socket at once; queued requests are dropped, a running handler is awaited by `closed`. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#logger.error('ABCI framing error; closing connection', { role: this.#role, err });
      this.destroy();
      return;
    }
    for (const frame of frames) this.#queue.push(frame);
    this.#updateFlow();
    if (!this.#running && frames.length > 0) {
      this.#drain().catch((err: unknown) => {
        this.#logger.error('ABCI connection loop failed; closing connection', { err });
        this.destroy();
      });
    }
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#qHead < this.#queue.length && !this.#gone) {
        this.#lookAhead();
        const frame = this.#queue[this.#qHead] as Uint8Array | Request;
        this.#queue[this.#qHead++] = undefined;
        const res = await this.#handle(frame);
        if (this.#gone) break;
        this.#append(res);
        if (res.flush !== undefined || this.#qHead === this.#queue.length || this.#outBytes >= OUT_BATCH_BYTES) {
          this.#writeOut();
        }
        this.#compactQueue();
        this.#updateFlow();
      }
    } finally {
      this.#running = false;
      this.#compactQueue();
      this.#maybeFinish();
    }
  }

  /**
   * Shows the app the txs of new CheckTx requests queued ahead (see AHEAD_REFILL), on the mempool
   * connection. Their frames are decoded here once and kept decoded in the queue; a frame that
   * does not decode is left for #handle to report in its turn.
   */
  #lookAhead(): void {
    const app = this.#app;
    if (app.checkTxAhead === undefined || this.#role !== 'mempool') return;
    // Behind the request about to run (#queue[#qHead]), which runs as it is.
    const window = lookAheadWindow(this.#qHead, this.#aheadEnd, this.#queue.length);
    if (window === undefined) return;
    const { from, to } = window;
    const txs: Uint8Array[] = [];
    for (let i = from; i < to; i++) {
      const frame = this.#queue[i];
      if (!(frame instanceof Uint8Array)) continue;
      let req: Request;
      try {
        req = Request.decode(readerOver(frame));
      } catch {
        continue;
      }
      this.#queue[i] = req;
      if (req.checkTx !== undefined && req.checkTx.type !== CheckTxType.RECHECK) txs.push(req.checkTx.tx);
    }
    this.#aheadEnd = to;
    if (txs.length > 0) app.checkTxAhead(txs);
  }

  async #handle(frame: Uint8Array | Request): Promise<Response> {
    let req: Request;
    if (frame instanceof Uint8Array) {
      try {
        req = Request.decode(readerOver(frame));
      } catch (err) {
        this.#logger.error('ABCI request could not be decoded', { role: this.#role, bytes: frame.length, err });
        return { exception: { error: `malformed request: ${errorMessage(err)}` } };
      }
    } else {
      req = frame;
    }
    const kind = requestKind(req);
    if (kind !== undefined && this.#role !== 'consensus') this.#identify(kind);
    try {
      return await dispatchRequest(this.#app, req);
    } catch (err) {
      // A throwing handler is a bug: CometBFT halts on ResponseException, which is what we want.
      this.#logger.error('ABCI handler failed', {
        request: kind ?? 'unknown',
        role: this.#role,
        err,
        stack: err instanceof Error ? (err.stack ?? null) : null,
      });
      return { exception: { error: errorMessage(err) } };
    }
  }

  /** The first real request names the role; a consensus request anywhere makes it 'consensus'. */
  #identify(kind: RequestKind): void {
    const role = roleOf(kind);
    if (role === undefined || role === this.#role) return;
    if (this.#role !== 'unknown' && role !== 'consensus') return;
    this.#role = role;
    this.#logger.info('ABCI connection identified', { role, request: kind });
  }

  #append(res: Response): void {
    let bytes: Uint8Array;
    try {
      // FinalizeBlock's answer is large (every tx's events); it has an encoder of its own.
      bytes = res.finalizeBlock !== undefined ? encodeFinalizeBlockResponse(res.finalizeBlock) : Response.encode(res).finish();
    } catch (err) {
      this.#logger.error('ABCI response could not be encoded', {
        err,
        stack: err instanceof Error ? (err.stack ?? null) : null,
      });
      const error = `response could not be encoded: ${errorMessage(err)}`;
      bytes = Response.encode({ exception: { error } }).finish();
    }
    const [prefix, body] = frameParts(bytes);
    this.#out.push(prefix, body);
    this.#outBytes += prefix.length + body.length;
  }

  #writeOut(): void {
    if (this.#out.length === 0) return;
    const data = Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    if (!this.#socket.write(data) && !this.#writeBlocked) {
      this.#writeBlocked = true;
      this.#socket.once('drain', () => {
        this.#writeBlocked = false;
        this.#updateFlow();
      });
    }
  }

  /** Pauses reading while CometBFT does not read our responses or too many requests wait. */
  #updateFlow(): void {
    if (this.#gone) return;
    const queued = this.#queue.length - this.#qHead;
    if (!this.#readPaused && (this.#writeBlocked || queued >= QUEUE_HIGH_WATER)) {
      this.#readPaused = true;
      this.#socket.pause();
    } else if (this.#readPaused && !this.#writeBlocked && queued <= QUEUE_LOW_WATER) {
      this.#readPaused = false;
      this.#socket.resume();
    }
  }

  #compactQueue(): void {
    if (this.#qHead === this.#queue.length) {
      this.#queue = [];
      this.#qHead = 0;
      this.#aheadEnd = 0;
    } else if (this.#qHead > 1024 && this.#qHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#qHead);
      this.#aheadEnd = Math.max(0, this.#aheadEnd - this.#qHead);
      this.#qHead = 0;
    }
  }

  #maybeFinish(): void {
    if (this.#finished || !this.#socketClosed || this.#running) return;
    this.#finished = true;
    this.#resolveClosed();
    this.#onClosed?.(this);
  }
}
