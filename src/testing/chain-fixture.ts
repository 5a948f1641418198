// Test-only: an in-process CyberMiles app driven through ABCI requests with block times and block
// hashes chosen by the test, plus typed builders for the escrow and arbitration messages and
// queries. Invariants are checked after every block (a broken one makes FinalizeBlock throw).
import { PageRequest } from '../generated/cybermiles/base/v1/pagination.js';
import { createHash } from 'node:crypto';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import {
  RequestFinalizeBlock,
  RequestInitChain,
  RequestQuery,
  type CommitInfo,
  type ExecTxResult,
  type Misbehavior,
  type ResponseFinalizeBlock,
  type ResponseQuery,
} from 'cosmjs-types/tendermint/abci/types';
import { createApp, type Keepers } from '../app.js';
import type { CyberMilesApp } from '../app/abci-app.js';
import type { AppModule } from '../app/module.js';
import { type Arbiter, type Case, type Outcome, Params as ArbitrationParams } from '../generated/cybermiles/arbitration/v1/arbitration.js';
import * as aq from '../generated/cybermiles/arbitration/v1/query.js';
import * as atx from '../generated/cybermiles/arbitration/v1/tx.js';
import { type Order, Params as EscrowParams } from '../generated/cybermiles/escrow/v1/escrow.js';
import * as eq from '../generated/cybermiles/escrow/v1/query.js';
import * as etx from '../generated/cybermiles/escrow/v1/tx.js';
import { DEFAULT_ARBITRATION_PARAMS } from '../modules/arbitration/params.js';
import { moduleAddress, parseAddress } from '../modules/auth/address.js';
import { lockedBy } from '../modules/escrow/keeper.js';
import { DEFAULT_ESCROW_PARAMS } from '../modules/escrow/params.js';
import { Params as ReputationParams } from '../generated/cybermiles/reputation/v1/reputation.js';
import { DEFAULT_REPUTATION_PARAMS } from '../modules/reputation/params.js';
import { CommitStore } from '../store/commit-store.js';
import { silentLogger } from '../util/logger.js';
import { makeTempDir, removeDir, PERMISSIVE_FEES } from './app-fixture.js';
import { signTx, TEST_CHAIN_ID, TEST_DENOM, type TestWallet } from './tx-fixture.js';

export const CHAIN_GENESIS_SECONDS = 1_800_000_000n;
export const ESCROW_ADDRESS = moduleAddress('escrow');
export const ARBITRATION_ADDRESS = moduleAddress('arbitration');
const TX_GAS = 5_000_000n;

const E = '/cybermiles.escrow.v1.';
const A = '/cybermiles.arbitration.v1.';
const EQ = '/cybermiles.escrow.v1.Query/';
const AQ = '/cybermiles.arbitration.v1.Query/';

function any(typeUrl: string, value: Uint8Array): Any {
  return { typeUrl, value };
}

/** Escrow and arbitration messages as Anys, each field defaulted to its proto3 zero value. */
export const msg = {
  createOrder: (m: Partial<etx.MsgCreateOrder> & Pick<etx.MsgCreateOrder, 'buyer' | 'seller'>): Any =>
    any(E + 'MsgCreateOrder', etx.MsgCreateOrder.encode({ ...etx.MsgCreateOrder.fromPartial({}), ...m }).finish()),
  accept: (seller: string, orderId: bigint, deposit: bigint | string): Any =>
    any(E + 'MsgAcceptOrder', etx.MsgAcceptOrder.encode({ seller, orderId, deposit: deposit.toString() }).finish()),
  decline: (seller: string, orderId: bigint): Any => any(E + 'MsgDeclineOrder', etx.MsgDeclineOrder.encode({ seller, orderId }).finish()),
  cancel: (buyer: string, orderId: bigint): Any => any(E + 'MsgCancelOrder', etx.MsgCancelOrder.encode({ buyer, orderId }).finish()),
  ship: (seller: string, orderId: bigint, trackingHash: Uint8Array = new Uint8Array(32).fill(9)): Any =>
    any(E + 'MsgShipOrder', etx.MsgShipOrder.encode({ seller, orderId, trackingHash }).finish()),
  confirm: (buyer: string, orderId: bigint): Any => any(E + 'MsgConfirmReceipt', etx.MsgConfirmReceipt.encode({ buyer, orderId }).finish()),
  propose: (sender: string, orderId: bigint, sellerAmount: bigint | string): Any =>
    any(E + 'MsgProposeSettlement', etx.MsgProposeSettlement.encode({ sender, orderId, sellerAmount: sellerAmount.toString() }).finish()),
  acceptSettlement: (sender: string, orderId: bigint, sellerAmount: bigint | string): Any =>
    any(E + 'MsgAcceptSettlement', etx.MsgAcceptSettlement.encode({ sender, orderId, sellerAmount: sellerAmount.toString() }).finish()),
  dispute: (
    sender: string,
    orderId: bigint,
    reason = 'not as described',
    evidence: { hash?: Uint8Array; uri?: string; payload?: Uint8Array } = {},
  ): Any =>
    any(
      E + 'MsgRaiseDispute',
      etx.MsgRaiseDispute.encode({
        sender,
        orderId,
        reason,
        evidenceHash: evidence.hash ?? new Uint8Array(),
        evidenceUri: evidence.uri ?? '',
        evidencePayload: evidence.payload ?? new Uint8Array(),
      }).finish(),
    ),
  evidence: (sender: string, orderId: bigint, e: { hash?: Uint8Array; uri?: string; payload?: Uint8Array } = {}): Any =>
    any(
      E + 'MsgSubmitEvidence',
      etx.MsgSubmitEvidence.encode({
        sender,
        orderId,
        hash: e.hash ?? new Uint8Array(32).fill(5),
        uri: e.uri ?? 'ipfs://evidence',
        payload: e.payload ?? new Uint8Array(),
      }).finish(),
    ),
  register: (arbiter: string, bond: bigint | string, termsUri = 'ipfs://terms', termsHash: Uint8Array = new Uint8Array(32).fill(3)): Any =>
    any(A + 'MsgRegisterArbiter', atx.MsgRegisterArbiter.encode({ arbiter, bond: bond.toString(), termsHash, termsUri }).finish()),
  unbond: (arbiter: string): Any => any(A + 'MsgUnbondArbiter', atx.MsgUnbondArbiter.encode({ arbiter }).finish()),
  respond: (sender: string, caseId: bigint, accept: boolean): Any =>
    any(A + 'MsgRespondToArbiter', atx.MsgRespondToArbiter.encode({ sender, caseId, accept }).finish()),
  rule: (arbiter: string, caseId: bigint, outcome: Outcome, sellerAmount: bigint | string = '', reasoningUri = 'ipfs://reasons'): Any =>
    any(
      A + 'MsgRule',
      atx.MsgRule.encode({ arbiter, caseId, outcome, sellerAmount: sellerAmount.toString(), reasoningHash: new Uint8Array(32).fill(4), reasoningUri }).finish(),
    ),
};

export interface ChainOptions {
  /** ucmt each wallet account gets at genesis (accounts 0..n-1 of the wallet, in order). */
  readonly funds?: bigint;
  /** How many wallet accounts to fund (default: all). */
  readonly funded?: number;
  readonly escrowParams?: Partial<EscrowParams>;
  readonly arbitrationParams?: Partial<ArbitrationParams>;
  readonly reputationParams?: Partial<ReputationParams>;
  /** Replaces the generated app_state entirely (genesis import tests). */
  readonly appState?: Record<string, unknown>;
  readonly genesisSeconds?: bigint;
}

export function blockHashOf(height: bigint, salt = ''): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`block ${height} ${salt}`).digest());
}

/** One app over its own CommitStore in a temp dir; blocks at the times and hashes the test picks. */
export class TestChain {
  private readonly pendingSeq = new Map<string, bigint>();
  private readonly accountNumbers = new Map<string, bigint>();
  now: bigint;
  height = 0n;

  private constructor(
    readonly wallet: TestWallet,
    readonly dir: string,
    readonly store: CommitStore,
    readonly app: CyberMilesApp,
    readonly keepers: Keepers,
    readonly modules: readonly AppModule[],
    genesisSeconds: bigint,
  ) {
    this.now = genesisSeconds;
  }

  /** InitChain with the wallet's accounts funded, then an empty block 1 one second later. */
  static async start(wallet: TestWallet, opts: ChainOptions = {}): Promise<TestChain> {
    const dir = await makeTempDir();
    const store = await CommitStore.open(dir, { sync: false });
    const { app, keepers, modules } = createApp(store, { logger: silentLogger, version: 'test', checkInvariants: true });
    const genesisSeconds = opts.genesisSeconds ?? CHAIN_GENESIS_SECONDS;
    const chain = new TestChain(wallet, dir, store, app, keepers, modules, genesisSeconds);
    const appState = opts.appState ?? defaultAppState(wallet, opts);
    try {
      await app.initChain(
        RequestInitChain.fromPartial({
          chainId: TEST_CHAIN_ID,
          initialHeight: 1n,
          time: { seconds: genesisSeconds, nanos: 0 },
          consensusParams: { block: { maxBytes: 22_020_096n, maxGas: -1n } },
          appStateBytes: new TextEncoder().encode(JSON.stringify(appState)),
        }),
      );
      await chain.block([], { time: genesisSeconds + 1n });
    } catch (err) {
      // A test that expects the genesis to be refused gets no chain to close: leave nothing behind.
      await store.close();
      await removeDir(dir);
      throw err;
    }
    return chain;
  }

  address(i: number): string {
    return this.wallet.at(i).address;
  }

  /**
   * FinalizeBlock + Commit at the next height. Time defaults to one second after the last block;
   * `lastCommit` (the previous block's votes) and `misbehavior` (evidence) default to none.
   */
  async block(
    txs: readonly Uint8Array[] = [],
    opts: { time?: bigint; hash?: Uint8Array; lastCommit?: CommitInfo; misbehavior?: Misbehavior[] } = {},
  ): Promise<ResponseFinalizeBlock> {
    const height = this.height + 1n;
    const time = opts.time ?? this.now + 1n;
    const res = await this.app.finalizeBlock(
      RequestFinalizeBlock.fromPartial({
        height,
        time: { seconds: time, nanos: 0 },
        hash: opts.hash ?? blockHashOf(height),
        txs: [...txs],
        ...(opts.lastCommit === undefined ? {} : { decidedLastCommit: opts.lastCommit }),
        misbehavior: opts.misbehavior ?? [],
      }),
    );
    await this.app.commit();
    this.height = height;
    this.now = time;
    this.pendingSeq.clear();
    return res;
  }

  /** A tx of wallet account `signer` with the next sequence (several per block are fine). */
  async tx(signer: number, messages: readonly Any[]): Promise<Uint8Array> {
    const account = this.wallet.at(signer);
    const committed = this.keepers.auth.getAccount(this.store, parseAddress(account.address));
    if (committed === undefined) throw new Error(`account ${signer} (${account.address}) does not exist`);
    this.accountNumbers.set(account.address, committed.accountNumber);
    const sequence = this.pendingSeq.get(account.address) ?? committed.sequence;
    this.pendingSeq.set(account.address, sequence + 1n);
    return signTx(this.wallet, {
      messages,
      signers: [{ account, accountNumber: committed.accountNumber, sequence }],
      gasLimit: TX_GAS,
    });
  }

  /** One block holding one tx of `signer` with `messages`; returns that tx's result. */
  async exec(signer: number, messages: Any | readonly Any[], opts: { time?: bigint; hash?: Uint8Array } = {}): Promise<ExecTxResult> {
    const list = Array.isArray(messages) ? (messages as readonly Any[]) : [messages as Any];
    const res = await this.block([await this.tx(signer, list)], opts);
    const r = res.txResults[0];
    if (r === undefined) throw new Error('no tx result');
    return r;
  }

  /** Like exec, but fails the test (with the log) unless the tx succeeded. */
  async ok(signer: number, messages: Any | readonly Any[], opts: { time?: bigint; hash?: Uint8Array } = {}): Promise<ExecTxResult> {
    const r = await this.exec(signer, messages, opts);
    if (r.code !== 0) throw new Error(`tx of account ${signer} failed: ${r.codespace}/${r.code} ${r.log}`);
    return r;
  }

  balance(address: string): bigint {
    return this.keepers.bank.getBalance(this.store, parseAddress(address), TEST_DENOM);
  }

  balances(addresses: readonly string[]): bigint[] {
    return addresses.map((a) => this.balance(a));
  }

  supply(): bigint {
    return this.keepers.bank.getSupply(this.store, TEST_DENOM);
  }

  escrowBalance(): bigint {
    return this.balance(ESCROW_ADDRESS);
  }

  arbitrationBalance(): bigint {
    return this.balance(ARBITRATION_ADDRESS);
  }

  /** The sum of lockedBy over all committed orders. */
  async lockedByOrders(): Promise<bigint> {
    let sum = 0n;
    for await (const o of this.keepers.escrow.iterateOrders(this.store)) sum += lockedBy(o);
    return sum;
  }

  /** The sum of all arbiters' bonds. */
  async bonds(): Promise<bigint> {
    let sum = 0n;
    for await (const a of this.keepers.arbitration.iterateArbiters(this.store)) sum += BigInt(a.bond);
    return sum;
  }

  order(id: bigint): Order {
    const o = this.keepers.escrow.getOrder(this.store, id);
    if (o === undefined) throw new Error(`order ${id} not found`);
    return o;
  }

  case(id: bigint): Case {
    const c = this.keepers.arbitration.getCase(this.store, id);
    if (c === undefined) throw new Error(`case ${id} not found`);
    return c;
  }

  arbiter(address: string): Arbiter | undefined {
    return this.keepers.arbitration.getArbiter(this.store, address);
  }

  query(path: string, data: Uint8Array): Promise<ResponseQuery> {
    return this.app.query(RequestQuery.fromPartial({ path, data, height: 0n, prove: false }));
  }

  /** Every module's exportGenesis over the committed state, keyed by module name. */
  async exportAppState(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const m of this.modules) out[m.name] = await m.exportGenesis(this.store);
    return out;
  }

  async close(): Promise<void> {
    await this.store.close();
    await removeDir(this.dir);
  }
}

export function defaultAppState(wallet: TestWallet, opts: ChainOptions): Record<string, unknown> {
  const funds = opts.funds ?? 1_000_000_000n;
  const n = opts.funded ?? wallet.accounts.length;
  return {
    bank: { balances: wallet.accounts.slice(0, n).map((a) => ({ address: a.address, coins: [{ denom: TEST_DENOM, amount: funds.toString() }] })) },
    fees: PERMISSIVE_FEES,
    escrow: { params: EscrowParams.toJSON({ ...DEFAULT_ESCROW_PARAMS, ...opts.escrowParams }) },
    arbitration: { params: ArbitrationParams.toJSON({ ...DEFAULT_ARBITRATION_PARAMS, ...opts.arbitrationParams }) },
    reputation: { params: ReputationParams.toJSON({ ...DEFAULT_REPUTATION_PARAMS, ...opts.reputationParams }) },
  };
}

/** The response of the tx's first message, decoded with `codec`. */
export function msgResponse<T>(r: ExecTxResult, codec: { decode(b: Uint8Array): T }): T {
  const first = TxMsgData.decode(r.data).msgResponses[0];
  if (first === undefined) throw new Error('tx has no message response');
  return codec.decode(first.value);
}

/** Query builders and decoders for escrow and arbitration. */
export const queries = {
  order: (c: TestChain, orderId: bigint) => c.query(EQ + 'Order', eq.QueryOrderRequest.encode({ orderId }).finish()),
  ordersByBuyer: (c: TestChain, buyer: string, pagination?: Partial<PageRequest>) =>
    c.query(EQ + 'OrdersByBuyer', eq.QueryOrdersByBuyerRequest.encode({ buyer, pagination: page(pagination) }).finish()),
  ordersBySeller: (c: TestChain, seller: string, pagination?: Partial<PageRequest>) =>
    c.query(EQ + 'OrdersBySeller', eq.QueryOrdersBySellerRequest.encode({ seller, pagination: page(pagination) }).finish()),
  escrowParams: (c: TestChain) => c.query(EQ + 'Params', eq.QueryParamsRequest.encode({}).finish()),
  arbiter: (c: TestChain, address: string) => c.query(AQ + 'Arbiter', aq.QueryArbiterRequest.encode({ address }).finish()),
  arbiters: (c: TestChain, pagination?: Partial<PageRequest>) =>
    c.query(AQ + 'Arbiters', aq.QueryArbitersRequest.encode({ pagination: page(pagination) }).finish()),
  case: (c: TestChain, caseId: bigint) => c.query(AQ + 'Case', aq.QueryCaseRequest.encode({ caseId }).finish()),
  casesByArbiter: (c: TestChain, arbiter: string, pagination?: Partial<PageRequest>) =>
    c.query(AQ + 'CasesByArbiter', aq.QueryCasesByArbiterRequest.encode({ arbiter, pagination: page(pagination) }).finish()),
  arbitrationParams: (c: TestChain) => c.query(AQ + 'Params', aq.QueryParamsRequest.encode({}).finish()),
};

function page(p: Partial<PageRequest> | undefined): PageRequest | undefined {
  if (p === undefined) return undefined;
  return { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false, ...p };
}

/** Decoders for successful query responses (throw with the log otherwise). */
export function decodeQuery<T>(res: ResponseQuery, codec: { decode(b: Uint8Array): T }): T {
  if (res.code !== 0) throw new Error(`query failed: ${res.codespace}/${res.code} ${res.log}`);
  return codec.decode(res.value);
}

export { aq as arbitrationQuery, eq as escrowQuery };
