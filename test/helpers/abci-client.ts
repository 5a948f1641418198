// A minimal raw ABCI socket client for tests: sends Requests, returns Responses in order.
// Useful to drive an ABCI server (or the whole app) without CometBFT.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Request, Response } from 'cosmjs-types/tendermint/abci/types';
import { FrameDecoder, encodeFrame } from '../../src/abci/framing.js';

export type AbciClientAddress = { readonly host: string; readonly port: number } | { readonly path: string };

export interface AbciTestClient {
  /** Sends one request and resolves with the response that answers it (responses come in order). */
  call(req: Request): Promise<Response>;
  /** Sends many requests in one socket write; resolves with their responses in order. */
  callBatch(reqs: readonly Request[]): Promise<Response[]>;
  /** Queues `count` response slots and writes raw bytes (for framing tests). */
  writeRaw(bytes: Uint8Array, expectedResponses: number): Promise<Response[]>;
  /** Resolves when the server closed the connection (or it was destroyed). */
  readonly closed: Promise<void>;
  destroy(): void;
}

export async function connectAbci(addr: AbciClientAddress): Promise<AbciTestClient> {
  const socket: Socket = 'path' in addr ? connect({ path: addr.path }) : connect({ host: addr.host, port: addr.port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder();
  const waiting: { resolve: (r: Response) => void; reject: (e: Error) => void }[] = [];
  let closedErr: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      const w = waiting.shift();
      if (w === undefined) throw new Error('unexpected ABCI response');
      w.resolve(Response.decode(frame));
    }
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closedErr = new Error('ABCI connection closed');
      for (const w of waiting.splice(0)) w.reject(closedErr);
      resolve();
    });
  });
  const expect = (n: number): Promise<Response[]> =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<Response>((resolve, reject) => {
            if (closedErr) reject(closedErr);
            else waiting.push({ resolve, reject });
          }),
      ),
    );
  const writeRaw = (bytes: Uint8Array, n: number): Promise<Response[]> => {
    const p = expect(n);
    socket.write(bytes);
    return p;
  };
  const callBatch = (reqs: readonly Request[]): Promise<Response[]> =>
    writeRaw(Buffer.concat(reqs.map((r) => encodeFrame(Request.encode(r).finish()))), reqs.length);
  return {
    call: async (req) => {
      const [res] = await callBatch([req]);
      if (res === undefined) throw new Error('no response');
      return res;
    },
    callBatch,
    writeRaw,
    closed,
    destroy: () => socket.destroy(),
  };
}
