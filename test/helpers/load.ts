// A steady flow of signed transfers from several accounts, for tests that crash nodes mid-flow.
// Each sender signs with its own locally tracked sequence, so no tx waits for another.
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
import { toHex } from '@cosmjs/encoding';
import { sha256 } from '@cosmjs/crypto';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { DENOM, type DevWallet } from './accounts.js';
import { encodeTx, signTx } from './txs.js';
import { queryClient } from './accounts.js';

export interface SentTx {
  readonly hash: string;
  readonly from: string;
  readonly amount: bigint;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class TransferLoad {
  readonly accepted: SentTx[] = [];
  /** Sent, but the node went away before answering: each may or may not have been committed. */
  readonly uncertain: SentTx[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private comet: CometClient | undefined;

  constructor(
    private readonly rpcUrl: string,
    private readonly chainId: string,
    private readonly senders: readonly DevWallet[],
    private readonly recipient: string,
    private readonly intervalMs = 100,
  ) {}

  async start(): Promise<void> {
    this.comet = await connectComet(this.rpcUrl);
    const q = await queryClient(this.rpcUrl);
    const accounts = await Promise.all(this.senders.map((s) => q.getSequence(s.address)));
    q.disconnect();
    this.running = true;
    this.loops = this.senders.map((s, i) => this.loop(s, accounts[i]?.accountNumber ?? 0n, BigInt(accounts[i]?.sequence ?? 0)));
  }

  private async loop(sender: DevWallet, accountNumber: bigint, firstSequence: bigint): Promise<void> {
    let sequence = firstSequence;
    let n = 0n;
    while (this.running) {
      const amount = 1000n + BigInt(sender.index) * 1_000_000n + n;
      const msg = {
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.encode({ fromAddress: sender.address, toAddress: this.recipient, amount: [{ denom: DENOM, amount: amount.toString() }] }).finish(),
      };
      const bytes = encodeTx(await signTx({ wallet: sender.wallet, chainId: this.chainId, accountNumber, sequence, messages: [msg] }));
      const hash = toHex(sha256(bytes)).toUpperCase();
      try {
        const res = await this.comet?.broadcastTxSync({ tx: bytes });
        if (res === undefined || res.code !== 0) return; // refused: this sender stops
        this.accepted.push({ hash, from: sender.address, amount });
        sequence++;
        n++;
      } catch {
        // Node gone: it may have taken the tx into its mempool (and passed it on) before it went.
        this.uncertain.push({ hash, from: sender.address, amount });
        return;
      }
      await sleep(this.intervalMs);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.comet?.disconnect();
  }
}
