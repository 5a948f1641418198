import { describe, expect, it } from 'vitest';
import {
  RequestExtendVote,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestPrepareProposal,
  RequestProcessProposal,
  ResponseCheckTx,
  ResponseCommit,
  ResponseExtendVote,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseQuery,
} from 'cosmjs-types/tendermint/abci/types';
import type { AbciApplication } from './application.js';
import { CallOrderError, guardCallOrder } from './call-order-guard.js';
import { createLogger, silentLogger } from '../util/logger.js';

function fakeApp(lastBlockHeight: bigint, calls: string[] = []): AbciApplication {
  return {
    info: () => Promise.resolve(ResponseInfo.fromPartial({ lastBlockHeight })),
    initChain: () => (calls.push('InitChain'), Promise.resolve(ResponseInitChain.fromPartial({}))),
    query: () => Promise.resolve(ResponseQuery.fromPartial({})),
    checkTx: () => Promise.resolve(ResponseCheckTx.fromPartial({})),
    prepareProposal: () => (calls.push('PrepareProposal'), Promise.resolve(ResponsePrepareProposal.fromPartial({}))),
    processProposal: () => (calls.push('ProcessProposal'), Promise.resolve(ResponseProcessProposal.fromPartial({}))),
    finalizeBlock: () => (calls.push('FinalizeBlock'), Promise.resolve(ResponseFinalizeBlock.fromPartial({}))),
    commit: () => (calls.push('Commit'), Promise.resolve(ResponseCommit.fromPartial({}))),
  };
}

const info = RequestInfo.fromPartial({});
const fin = (height: bigint) => RequestFinalizeBlock.fromPartial({ height });
const prep = (height: bigint) => RequestPrepareProposal.fromPartial({ height });
const proc = (height: bigint) => RequestProcessProposal.fromPartial({ height });

describe('call order guard', () => {
  it('accepts the normal lifecycle from genesis, with several proposal rounds', async () => {
    const calls: string[] = [];
    const g = guardCallOrder(fakeApp(0n, calls), silentLogger);
    expect(g.state).toEqual({ phase: 'awaiting-info', nextHeight: undefined });
    await g.info(info);
    expect(g.state).toEqual({ phase: 'awaiting-init-chain', nextHeight: undefined });
    await g.initChain(RequestInitChain.fromPartial({ initialHeight: 1n }));
    for (let h = 1n; h <= 3n; h++) {
      await g.prepareProposal(prep(h));
      await g.processProposal(proc(h));
      await g.processProposal(proc(h)); // a later round
      await g.info(info); // Info may come at any time and no longer teaches
      await g.finalizeBlock(fin(h));
      expect(g.state.phase).toBe('finalized');
      await g.commit();
    }
    expect(g.state).toEqual({ phase: 'ready', nextHeight: 4n });
    expect(calls.filter((c) => c === 'Commit')).toHaveLength(3);
  });

  it('starts at initialHeight from InitChain', async () => {
    const g = guardCallOrder(fakeApp(0n), silentLogger);
    await g.info(info);
    await g.initChain(RequestInitChain.fromPartial({ initialHeight: 5n }));
    await expect(g.finalizeBlock(fin(1n))).rejects.toThrow(CallOrderError);
    await g.finalizeBlock(fin(5n));
    await g.commit();
    expect(g.state.nextHeight).toBe(6n);
  });

  it('learns a non-zero start height from Info and needs no InitChain', async () => {
    const g = guardCallOrder(fakeApp(7n), silentLogger);
    await g.info(info);
    expect(g.state).toEqual({ phase: 'ready', nextHeight: 8n });
    await expect(g.initChain(RequestInitChain.fromPartial({}))).rejects.toThrow(/past genesis/);
    await expect(g.finalizeBlock(fin(7n))).rejects.toThrow(/height 7/);
    await g.finalizeBlock(fin(8n));
    await g.commit();
  });

  it('rejects consensus calls before Info', async () => {
    const g = guardCallOrder(fakeApp(0n), silentLogger);
    await expect(g.initChain(RequestInitChain.fromPartial({}))).rejects.toThrow(/before Info/);
    await expect(g.finalizeBlock(fin(1n))).rejects.toThrow(/before Info/);
  });

  it('rejects blocks before InitChain and InitChain twice', async () => {
    const g = guardCallOrder(fakeApp(0n), silentLogger);
    await g.info(info);
    await expect(g.finalizeBlock(fin(1n))).rejects.toThrow(/before InitChain/);
    await expect(g.prepareProposal(prep(1n))).rejects.toThrow(/before InitChain/);
    await g.initChain(RequestInitChain.fromPartial({}));
    await expect(g.initChain(RequestInitChain.fromPartial({}))).rejects.toThrow(CallOrderError);
  });

  it('rejects FinalizeBlock twice, Commit without FinalizeBlock, wrong heights, InitChain after blocks', async () => {
    const calls: string[] = [];
    const g = guardCallOrder(fakeApp(0n, calls), silentLogger);
    await g.info(info);
    await g.initChain(RequestInitChain.fromPartial({}));
    await expect(g.commit()).rejects.toThrow(/without a FinalizeBlock/);
    await expect(g.finalizeBlock(fin(2n))).rejects.toThrow(/height 2/);
    await g.finalizeBlock(fin(1n));
    await expect(g.finalizeBlock(fin(1n))).rejects.toThrow(/before Commit/);
    await expect(g.processProposal(proc(2n))).rejects.toThrow(/before Commit/);
    await g.commit();
    await expect(g.commit()).rejects.toThrow(/without a FinalizeBlock/);
    await expect(g.prepareProposal(prep(1n))).rejects.toThrow(/height 1/);
    await expect(g.initChain(RequestInitChain.fromPartial({}))).rejects.toThrow(CallOrderError);
    // Rejected calls never reached the app.
    expect(calls).toEqual(['InitChain', 'FinalizeBlock', 'Commit']);
  });

  it('rejects a consensus call that overlaps another one', async () => {
    let release: () => void = () => undefined;
    const app = fakeApp(3n);
    app.finalizeBlock = () =>
      new Promise((resolve) => {
        release = () => resolve(ResponseFinalizeBlock.fromPartial({}));
      });
    const g = guardCallOrder(app, silentLogger);
    await g.info(info);
    const first = g.finalizeBlock(fin(4n));
    await expect(g.commit()).rejects.toThrow(/while FinalizeBlock was still running/);
    release();
    await first;
    await g.commit();
  });

  it('does not advance when the app handler throws', async () => {
    const app = fakeApp(0n);
    app.finalizeBlock = () => Promise.reject(new Error('boom'));
    const g = guardCallOrder(app, silentLogger);
    await g.info(info);
    await g.initChain(RequestInitChain.fromPartial({}));
    await expect(g.finalizeBlock(fin(1n))).rejects.toThrow('boom');
    expect(g.state).toEqual({ phase: 'ready', nextHeight: 1n });
  });

  it('relearns from Info after reset (CometBFT restarted mid-block)', async () => {
    const g = guardCallOrder(fakeApp(0n), silentLogger);
    await g.info(info);
    await g.initChain(RequestInitChain.fromPartial({}));
    await g.finalizeBlock(fin(1n));
    g.reset('consensus connection closed');
    expect(g.state.phase).toBe('awaiting-info');
    await g.info(info); // the app still reports height 0: genesis again
    await g.initChain(RequestInitChain.fromPartial({}));
    await g.finalizeBlock(fin(1n));
    await g.commit();
  });

  it('passes optional methods through only when the app has them', async () => {
    const g = guardCallOrder(fakeApp(0n), silentLogger);
    expect(g.extendVote).toBeUndefined();
    expect(g.listSnapshots).toBeUndefined();
    const app = fakeApp(1n);
    app.extendVote = () => Promise.resolve(ResponseExtendVote.fromPartial({ voteExtension: Uint8Array.of(1) }));
    const g2 = guardCallOrder(app, silentLogger);
    await g2.info(info);
    await expect(g2.extendVote?.(RequestExtendVote.fromPartial({ height: 5n }))).rejects.toThrow(/height 5/);
    const res = await g2.extendVote?.(RequestExtendVote.fromPartial({ height: 2n }));
    expect(res?.voteExtension).toEqual(Uint8Array.of(1));
  });

  it('logs violations at error level', async () => {
    const lines: string[] = [];
    const g = guardCallOrder(fakeApp(0n), createLogger({ level: 'error', write: (l) => lines.push(l) }));
    await expect(g.commit()).rejects.toThrow(CallOrderError);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'error', call: 'Commit' });
  });
});
