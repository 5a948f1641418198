// Four validators (power 10 each) on loopback, transfers flowing through node 0, and the faults a
// network meets: a validator killed and restarted, one frozen (SIGSTOP) and resumed, two of four
// stopped (no quorum: the chain must halt, not fork) and restarted, and all four stopped and
// started again. After each, every node has the same block and app hash at every height.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENOM, devWallet, queryClient, supplyAndBalances, type DevWallet } from './helpers/accounts.js';
import { rpcGet } from './helpers/cometbft.js';
import { TransferLoad, type SentTx } from './helpers/load.js';
import { PLENTY_OF_FREE_TXS, TestNetwork } from './helpers/testnet.js';

const GENESIS_BALANCE = 1_000_000_000_000n;
const ALL = [0, 1, 2, 3] as const;

interface ConsensusState {
  round_state: {
    'height/round/step': string;
    height_vote_set: { round: number; prevotes_bit_array: string; precommits_bit_array: string }[];
  };
}

/** Where node `rpcUrl`'s consensus is: the height and round it works on, and each round's precommit power. */
async function consensusAt(rpcUrl: string): Promise<{ height: number; round: number; precommits: { power: number; total: number }[] }> {
  const s = await rpcGet<ConsensusState>(rpcUrl, 'consensus_state');
  const [height, round] = s.round_state['height/round/step'].split('/').map(Number);
  const precommits = s.round_state.height_vote_set.map((v) => {
    const m = / (\d+)\/(\d+) = /.exec(v.precommits_bit_array);
    return { power: Number(m?.[1] ?? 0), total: Number(m?.[2] ?? 0) };
  });
  return { height: height ?? 0, round: round ?? 0, precommits };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a 4-validator testnet under faults', () => {
  let net: TestNetwork;
  let senders: DevWallet[];
  let recipient: DevWallet;
  let load: TransferLoad | undefined;
  const accepted: SentTx[] = [];

  beforeAll(async () => {
    net = await TestNetwork.create({ validators: 4, blockInterval: '300ms', appStatePatch: PLENTY_OF_FREE_TXS });
    try {
      await net.start();
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${net.logTails()}`);
    }
    senders = await Promise.all([3, 4, 5, 6].map((i) => devWallet(i)));
    recipient = await devWallet(7);
    load = new TransferLoad(net.node(0).rpcUrl, net.chainId, senders, recipient.address, 250);
    await load.start();
  });

  afterAll(async () => {
    await load?.stop();
    await net?.destroy();
  });

  /** Transfers accepted so far keep arriving (the load is alive). */
  async function expectLoadFlowing(): Promise<void> {
    const before = load?.accepted.length ?? 0;
    await expect.poll(() => load?.accepted.length ?? 0, { timeout: 30_000, interval: 200 }).toBeGreaterThan(before);
  }

  it('starts with four validators in the genesis, and every node has the same app hash at every height', async () => {
    const validators = await rpcGet<{ validators: { voting_power: string }[] }>(net.node(0).rpcUrl, 'validators');
    expect(validators.validators.map((v) => v.voting_power)).toEqual(['10', '10', '10', '10']);
    await net.waitForHeight(5);
    const shared = await net.expectAgreement([...ALL]);
    expect(shared).toBeGreaterThanOrEqual(5);
    const hashes = await Promise.all(ALL.map((i) => net.appHashAt(i, 4)));
    expect(new Set(hashes).size).toBe(1);
    await expectLoadFlowing();
  });

  it('goes on when one validator is SIGKILLed; restarted, it catches up and agrees', async () => {
    await net.ensureAllRunning();
    await net.crash(3);
    expect(net.node(3).running()).toBe(false);
    await net.advance(4, { nodes: [0, 1, 2] });
    await expectLoadFlowing();

    await net.restart(3);
    const top = Math.max(...(await net.heights([0, 1, 2])));
    await net.waitForHeight(top + 1, { nodes: [...ALL] });
    expect(await net.expectAgreement([...ALL])).toBeGreaterThan(top);
  });

  it('goes on while one validator is frozen (SIGSTOP); resumed, it catches up', async () => {
    await net.ensureAllRunning();
    const frozenAt = await net.node(1).height();
    net.pause(1);
    const target = await net.advance(5, { nodes: [0, 2, 3] });
    expect(target).toBeGreaterThanOrEqual(frozenAt + 5);
    net.resume(1);
    await net.waitForHeight(target + 1, { nodes: [...ALL] });
    await net.expectAgreement([...ALL]);
  });

  it('halts without forking when two of four stop; restarted, the chain resumes', async () => {
    await net.ensureAllRunning();
    await Promise.all([net.stop(2), net.stop(3)]);
    const atStop = Math.max(...(await net.heights([0, 1])));
    // 20 of 40 voting power is left: no block can get the precommits of more than 2/3 of it. One
    // block may still be committed: the one nodes 2 and 3 precommitted before they stopped, if
    // nodes 0 and 1 (slow on a loaded machine) had not yet processed those votes. Nothing after it.
    const waiting = async (): Promise<number[] | undefined> => {
      const latest = await net.heights([0, 1]);
      const states = await Promise.all([0, 1].map((i) => consensusAt(net.node(i).rpcUrl)));
      return latest[0] === latest[1] && states.every((s) => s.height === (latest[0] ?? 0) + 1) ? latest : undefined;
    };
    // Settled: both nodes on the same latest block, working on the next, and still so 3 s later.
    let heights: number[] | undefined;
    for (const deadline = Date.now() + 60_000; heights === undefined; ) {
      const first = await waiting().catch(() => undefined);
      await sleep(3000); // ten block intervals: plenty of time for a block, if one could be made
      const second = await waiting().catch(() => undefined);
      if (first !== undefined && second !== undefined && first[0] === second[0]) heights = second;
      else if (Date.now() > deadline) throw new Error(`nodes 0 and 1 did not settle within 60 s (${String(first)} then ${String(second)})`);
    }
    expect(heights[0]).toBeLessThanOrEqual(atStop + 1);
    await sleep(3000);
    expect(await waiting()).toEqual(heights);
    for (const i of [0, 1]) {
      for (const r of (await consensusAt(net.node(i).rpcUrl)).precommits) expect(r.power * 3).toBeLessThanOrEqual(r.total * 2);
    }
    await net.expectAgreement([0, 1]);
    // The load's txs still pass CheckTx on node 0 and wait in its mempool.
    await expectLoadFlowing();

    await net.start([2, 3]);
    await net.advance(3, { nodes: [...ALL], timeoutMs: 90_000 });
    await net.expectAgreement([...ALL]);
  });

  it('resumes from its state when all four stop and start again, with every committed transfer', async () => {
    await net.ensureAllRunning();
    await load?.stop();
    accepted.push(...(load?.accepted ?? []), ...(load?.uncertain ?? []));
    load = undefined;
    expect(accepted.length).toBeGreaterThan(0);
    const top = await net.expectAgreement([...ALL]);
    const before = await net.blockMetas(0, 1, top);

    await Promise.all(ALL.map((i) => net.stop(i)));
    expect(net.running()).toEqual([]);
    await net.start();
    await net.waitForHeight(top + 3, { nodes: [...ALL], timeoutMs: 90_000 });
    await net.expectAgreement([...ALL]);
    expect(await net.blockMetas(2, 1, top)).toEqual(before);

    // Every transfer the chain committed is in the same state on every node: the recipient got
    // exactly the sum of the committed amounts, each sender's sequence counts its committed txs.
    const q = await queryClient(net.node(1).rpcUrl);
    const committed: SentTx[] = [];
    const failed: string[] = [];
    const blocksWithTxs = new Set<number>();
    try {
      for (const t of accepted) {
        const found = await q.getTx(t.hash);
        // Still in a mempool when all four stopped (gone with it), or never taken by a node that
        // went away while answering.
        if (found === null) continue;
        if (found.code !== 0) failed.push(`${t.hash}: ${found.code} ${found.rawLog}`);
        committed.push(t);
        blocksWithTxs.add(found.height);
      }
    } finally {
      q.disconnect();
    }
    expect(failed).toEqual([]);
    expect(committed.length).toBeGreaterThan(0);
    expect(blocksWithTxs.size).toBeGreaterThan(1);
    const received = committed.reduce((s, t) => s + t.amount, 0n);
    for (const i of ALL) {
      const qi = await queryClient(net.node(i).rpcUrl);
      try {
        expect(BigInt((await qi.getBalance(recipient.address, DENOM)).amount)).toBe(GENESIS_BALANCE + received);
        for (const s of senders) {
          const mine = committed.filter((t) => t.from === s.address);
          expect((await qi.getSequence(s.address)).sequence).toBe(mine.length);
        }
      } finally {
        qi.disconnect();
      }
      const { supply, sum } = await supplyAndBalances(net.node(i).rpcUrl);
      expect(sum).toBe(supply);
    }
  });
});
