import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CheckTxType,
  Request,
  ResponseApplySnapshotChunk_Result,
  ResponseCheckTx,
  ResponseCommit,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponseOfferSnapshot_Result,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseQuery,
  ResponseVerifyVoteExtension_VerifyStatus,
} from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from './application.js';
import { lookAheadWindow } from './connection.js';
import { encodeFrame, encodeUvarint } from './framing.js';
import { createAbciServer } from './server.js';
import type { AbciServer, AbciServerOptions } from './server.js';
import { createLogger, silentLogger } from '../util/logger.js';
import { connectAbci } from '../../test/helpers/abci-client.js';
import type { AbciTestClient } from '../../test/helpers/abci-client.js';

/** A fake app: CheckTx echoes the tx as data; the consensus calls do nothing. */
function fakeApp(overrides: Partial<AbciApplication> = {}): AbciApplication {
  return {
    info: () => Promise.resolve(ResponseInfo.fromPartial({ lastBlockHeight: 0n })),
    initChain: () => Promise.resolve(ResponseInitChain.fromPartial({})),
    query: (req) => Promise.resolve(ResponseQuery.fromPartial({ value: req.data })),
    checkTx: (req) => Promise.resolve(ResponseCheckTx.fromPartial({ data: req.tx })),
    prepareProposal: (req) => Promise.resolve(ResponsePrepareProposal.fromPartial({ txs: req.txs })),
    processProposal: () => Promise.resolve(ResponseProcessProposal.fromPartial({ status: 1 })),
    finalizeBlock: () => Promise.resolve(ResponseFinalizeBlock.fromPartial({})),
    commit: () => Promise.resolve(ResponseCommit.fromPartial({})),
    ...overrides,
  };
}

const checkTx = (tx: number): Request => Request.fromPartial({ checkTx: { tx: Uint8Array.of(tx) } });
const flush = Request.fromPartial({ flush: {} });
const echo = (message: string): Request => Request.fromPartial({ echo: { message } });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const handles = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return { tcpServer: counts['TCPServerWrap'] ?? 0, tcp: counts['TCPSocketWrap'] ?? 0, pipe: counts['PipeWrap'] ?? 0 };
};

/** Polls `pred` (bounded) so asynchronous handle teardown can finish; never a timing assertion. */
async function waitFor(pred: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
}
const same = (a: Record<string, number>, b: Record<string, number>): boolean => JSON.stringify(a) === JSON.stringify(b);

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function start(
  app: AbciApplication,
  opts: Partial<AbciServerOptions> = {},
): Promise<{ server: AbciServer; client: AbciTestClient; port: number }> {
  const server = createAbciServer(app, { logger: silentLogger, ...opts });
  cleanups.push(() => server.close());
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  const client = await connectAbci({ host: '127.0.0.1', port });
  cleanups.push(() => client.destroy());
  return { server, client, port };
}

describe('lookAheadWindow', () => {
  it('shows up to 512 queued requests behind the running one, again when 64 or fewer shown ones wait, never fewer than 16', () => {
    expect(lookAheadWindow(0, 0, 1000)).toEqual({ from: 1, to: 513 });
    expect(lookAheadWindow(400, 513, 1000)).toBeUndefined();
    expect(lookAheadWindow(449, 513, 1000)).toEqual({ from: 513, to: 1000 });
    expect(lookAheadWindow(0, 0, 16)).toBeUndefined();
    expect(lookAheadWindow(0, 0, 17)).toEqual({ from: 1, to: 17 });
  });
});

describe('ABCI server', () => {
  it('answers Echo itself', async () => {
    const { client } = await start(fakeApp());
    const res = await client.call(echo('hello'));
    expect(res.echo?.message).toBe('hello');
  });

  it('runs requests one at a time and answers in request order even when a later one would finish first', async () => {
    const events: string[] = [];
    const firstStarted = deferred();
    const releaseFirst = deferred();
    const app = fakeApp({
      checkTx: async (req) => {
        const n = req.tx[0] ?? 0;
        events.push(`start ${n}`);
        if (n === 1) {
          firstStarted.resolve();
          await releaseFirst.promise;
        }
        events.push(`end ${n}`);
        return ResponseCheckTx.fromPartial({ data: req.tx });
      },
    });
    const { client } = await start(app);
    const pending = client.callBatch([checkTx(1), checkTx(2), flush, checkTx(3)]);
    await firstStarted.promise;
    // Let the event loop run: the server has request 2 in hand but must not start it.
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['start 1']);
    releaseFirst.resolve();
    const responses = await pending;
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(responses.map((r) => r.checkTx?.data[0] ?? (r.flush ? 'flush' : '?'))).toEqual([1, 2, 'flush', 3]);
  });

  it('answers Flush after every earlier response, for many requests in one write', async () => {
    const { client } = await start(fakeApp());
    const reqs: Request[] = [];
    for (let i = 0; i < 2000; i++) reqs.push(checkTx(i & 0xff));
    reqs.push(flush);
    const responses = await client.callBatch(reqs);
    expect(responses).toHaveLength(2001);
    responses.slice(0, 2000).forEach((r, i) => expect(r.checkTx?.data[0]).toBe(i & 0xff));
    expect(responses[2000]?.flush).toEqual({});
  });

  it('shows the app the new CheckTx requests queued behind the running one, and still runs each in order', async () => {
    const shown: number[][] = [];
    const ran: number[] = [];
    const hold = deferred();
    const started = deferred();
    const app = fakeApp({
      checkTx: async (req) => {
        const n = req.tx[0] ?? 0;
        ran.push(n);
        if (n === 1) {
          started.resolve();
          await hold.promise;
        }
        return ResponseCheckTx.fromPartial({ data: req.tx });
      },
      checkTxAhead: (txs) => shown.push(txs.map((t) => t[0] ?? 0)),
    });
    const { client } = await start(app);
    // The first CheckTx names the connection's role (mempool); a few queued ones are not shown.
    await client.callBatch([checkTx(0), checkTx(200), checkTx(201), flush]);
    expect(shown).toEqual([]);
    const recheck = (tx: number): Request => Request.fromPartial({ checkTx: { tx: Uint8Array.of(tx), type: CheckTxType.RECHECK } });
    const reqs = [checkTx(1)];
    for (let i = 2; i < 60; i++) reqs.push(i % 10 === 0 ? recheck(i) : checkTx(i));
    reqs.push(flush);
    const pending = client.callBatch(reqs);
    await started.promise;
    hold.resolve();
    const responses = await pending;
    // Shown behind request 1 (once, as the requests arrive in one write), each tx at most once,
    // rechecks left out; then every request ran in order.
    const expected = [];
    for (let i = 2; i < 60; i++) if (i % 10 !== 0) expected.push(i);
    expect(shown.flat()).toEqual(expected);
    expect(ran).toEqual([0, 200, 201, ...Array.from({ length: 59 }, (_, i) => i + 1)]);
    expect(responses.slice(0, 59).map((r) => r.checkTx?.data[0])).toEqual(Array.from({ length: 59 }, (_, i) => i + 1));
  });

  it('handles requests split at every byte across socket writes', async () => {
    const { client } = await start(fakeApp());
    const bytes = Buffer.concat([checkTx(7), echo('split'), flush].map((r) => encodeFrame(Request.encode(r).finish())));
    const pending = client.writeRaw(new Uint8Array(0), 3);
    for (let i = 0; i < bytes.length; i++) void client.writeRaw(bytes.subarray(i, i + 1), 0);
    const [a, b, c] = await pending;
    expect(a?.checkTx?.data).toEqual(Uint8Array.of(7));
    expect(b?.echo?.message).toBe('split');
    expect(c?.flush).toEqual({});
  });

  it('answers a throwing handler with ResponseException, logs the stack, and keeps the connection', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', write: (l) => lines.push(l) });
    const app = fakeApp({ query: () => Promise.reject(new Error('query exploded')) });
    const { client } = await start(app, { logger });
    const res = await client.call(Request.fromPartial({ query: { path: '/x' } }));
    expect(res.exception?.error).toBe('query exploded');
    expect((await client.call(echo('still here'))).echo?.message).toBe('still here');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', request: 'query' });
    expect(String(logged[0]?.['stack'])).toContain('query exploded');
  });

  it('answers an empty/unknown request with ResponseException', async () => {
    const { client } = await start(fakeApp());
    const [res] = await client.writeRaw(encodeFrame(new Uint8Array(0)), 1);
    expect(res?.exception?.error).toMatch(/no known field/);
  });

  it('gives neutral answers for optional methods the app lacks', async () => {
    const { client } = await start(fakeApp());
    const [list, offer, load, apply, verify] = await client.callBatch([
      Request.fromPartial({ listSnapshots: {} }),
      Request.fromPartial({ offerSnapshot: {} }),
      Request.fromPartial({ loadSnapshotChunk: {} }),
      Request.fromPartial({ applySnapshotChunk: {} }),
      Request.fromPartial({ verifyVoteExtension: {} }),
    ]);
    expect(list?.listSnapshots?.snapshots).toEqual([]);
    expect(offer?.offerSnapshot?.result).toBe(ResponseOfferSnapshot_Result.REJECT);
    expect(load?.loadSnapshotChunk?.chunk).toEqual(new Uint8Array(0));
    expect(apply?.applySnapshotChunk?.result).toBe(ResponseApplySnapshotChunk_Result.ABORT);
    expect(verify?.verifyVoteExtension?.status).toBe(ResponseVerifyVoteExtension_VerifyStatus.ACCEPT);
  });

  it('wires the call-order guard and resets it when the consensus connection closes', async () => {
    const { client, port } = await start(fakeApp());
    const [info, commitFirst, init, fin, finAgain] = await client.callBatch([
      Request.fromPartial({ info: {} }),
      Request.fromPartial({ commit: {} }),
      Request.fromPartial({ initChain: { initialHeight: 1n } }),
      Request.fromPartial({ finalizeBlock: { height: 1n } }),
      Request.fromPartial({ finalizeBlock: { height: 1n } }),
    ]);
    expect(info?.info?.lastBlockHeight).toBe(0n);
    expect(commitFirst?.exception?.error).toMatch(/call order violated: Commit/);
    expect(init?.initChain).toBeDefined();
    expect(fin?.finalizeBlock).toBeDefined();
    expect(finAgain?.exception?.error).toMatch(/FinalizeBlock arrived after FinalizeBlock/);
    // CometBFT "restarts" mid-block: new connections, Info, and the same height again.
    client.destroy();
    await client.closed;
    const again = await connectAbci({ host: '127.0.0.1', port });
    cleanups.push(() => again.destroy());
    // The server sees the old connection close asynchronously; until it resets the guard,
    // InitChain is refused (and refusals change nothing), so retry a bounded number of times.
    let init2 = await again.callBatch([Request.fromPartial({ info: {} }), Request.fromPartial({ initChain: {} })]);
    for (let i = 0; i < 100 && init2[1]?.exception; i++) {
      await new Promise((r) => setTimeout(r, 10));
      init2 = await again.callBatch([Request.fromPartial({ info: {} }), Request.fromPartial({ initChain: {} })]);
    }
    expect(init2[1]?.exception).toBeUndefined();
    const res = await again.callBatch([
      Request.fromPartial({ finalizeBlock: { height: 1n } }),
      Request.fromPartial({ commit: {} }),
      Request.fromPartial({ finalizeBlock: { height: 2n } }),
    ]);
    expect(res.map((r) => r.exception)).toEqual([undefined, undefined, undefined]);
  });

  it('closes a connection that announces an oversize frame', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', write: (l) => lines.push(l) });
    const { client } = await start(fakeApp(), { logger, maxMessageBytes: 1000 });
    await expect(client.writeRaw(encodeUvarint(2 ** 32 + 1), 1)).rejects.toThrow(/closed/);
    await client.closed;
    expect(lines.join('\n')).toMatch(/framing error/);
  });

  it('close() waits for a running handler, drops the rest, and leaves no open handles', async () => {
    let before = handles();
    await waitFor(() => {
      const now = handles();
      const stable = same(now, before);
      before = now;
      return stable && now.tcp === 0 && now.tcpServer === 0;
    });
    const started = deferred();
    const release = deferred();
    let finished = false;
    const app = fakeApp({
      checkTx: async (req) => {
        started.resolve();
        await release.promise;
        finished = true;
        return ResponseCheckTx.fromPartial({ data: req.tx });
      },
    });
    const server = createAbciServer(app, { logger: silentLogger });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const client = await connectAbci({ host: '127.0.0.1', port });
    const pending = client.callBatch([checkTx(1), checkTx(2)]).catch((e: unknown) => e);
    await started.promise;
    const closing = server.close();
    let closed = false;
    void closing.then(() => (closed = true));
    await client.closed;
    expect(closed).toBe(false); // still waiting for the handler
    release.resolve();
    await closing;
    expect(finished).toBe(true);
    expect(await pending).toBeInstanceOf(Error);
    await expect(server.close()).resolves.toBeUndefined(); // idempotent
    await expect(
      new Promise((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => (s.destroy(), resolve('connected')));
        s.once('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    await waitFor(() => same(handles(), before));
    expect(handles()).toEqual(before);
  });

  it('serves on a unix socket and replaces a stale socket file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'abci-unix-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'app.sock');
    // Leave a stale socket file behind: a process that listens and is killed.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(path)).toBe(true);

    const server = createAbciServer(fakeApp(), { logger: silentLogger });
    cleanups.push(() => server.close());
    expect(await server.listen({ path })).toEqual({ path });
    const client = await connectAbci({ path });
    cleanups.push(() => client.destroy());
    expect((await client.call(echo('unix'))).echo?.message).toBe('unix');
    client.destroy();
    await server.close();
    expect(existsSync(path)).toBe(false);
  });
});
