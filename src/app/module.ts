// What a module gives the app: message handlers, query handlers, genesis, block hooks, invariants.
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { CommitInfo, Misbehavior } from 'cosmjs-types/tendermint/abci/types';
import type { EventManager } from '../events/event.js';
import type { KVReader, KVStore } from '../store/types.js';
import type { GasMeter } from '../tx/gas.js';

export type ExecMode = 'check' | 'recheck' | 'simulate' | 'finalize' | 'genesis';

export interface BlockInfo {
  readonly chainId: string;
  readonly height: bigint;
  /** Block time from the header: seconds and nanoseconds since the Unix epoch. */
  readonly timeSeconds: bigint;
  readonly timeNanos: number;
  /** The block's hash (FinalizeBlock); zeros where no block exists yet (CheckTx, simulation). */
  readonly hash: Uint8Array;
}

export interface TxContext {
  readonly store: KVStore;
  readonly block: BlockInfo;
  readonly events: EventManager;
  readonly gas: GasMeter;
  readonly mode: ExecMode;
}

export interface MsgHandler<T> {
  readonly typeUrl: string;
  /** The module name for the `message.module` event attribute. */
  readonly module: string;
  decode(bytes: Uint8Array): T;
  /** The addresses that must sign, in order. */
  signers(msg: T): readonly string[];
  /** Stateless checks: throw a ChainError naming the bad field. */
  validate(msg: T): void;
  /** Executes the message; returns its response as an Any for TxMsgData. */
  handle(ctx: TxContext, msg: T): Promise<Any>;
}

/** A handler with its message type erased, so handlers of many types live in one router. */
export interface AnyMsgHandler {
  readonly typeUrl: string;
  readonly module: string;
  decode(bytes: Uint8Array): unknown;
  signers(msg: unknown): readonly string[];
  validate(msg: unknown): void;
  handle(ctx: TxContext, msg: unknown): Promise<Any>;
}

export function eraseMsgHandler<T>(h: MsgHandler<T>): AnyMsgHandler {
  return {
    typeUrl: h.typeUrl,
    module: h.module,
    decode: (bytes) => h.decode(bytes),
    signers: (msg) => h.signers(msg as T),
    validate: (msg) => h.validate(msg as T),
    handle: (ctx, msg) => h.handle(ctx, msg as T),
  };
}

export interface QueryContext {
  readonly store: KVReader;
  readonly height: bigint;
}

/** Decodes the request bytes and returns the encoded response; throws ChainError on bad input. */
export type QueryHandler = (ctx: QueryContext, request: Uint8Array) => Promise<Uint8Array>;

export interface Invariant {
  readonly name: string;
  /** Returns a description of the broken invariant, or undefined when it holds. */
  check(store: KVReader): Promise<string | undefined>;
}

/** What FinalizeBlock tells of consensus: who signed the previous block, who misbehaved. */
export interface BlockCommit {
  readonly lastCommit: CommitInfo | undefined;
  readonly misbehavior: readonly Misbehavior[];
}

export interface AppModule {
  readonly name: string;
  readonly msgHandlers: readonly AnyMsgHandler[];
  /** Full gRPC-style paths, e.g. "/cosmos.bank.v1beta1.Query/Balance". */
  readonly queries: ReadonlyMap<string, QueryHandler>;
  readonly invariants: readonly Invariant[];
  initGenesis(store: KVStore, state: unknown): Promise<void>;
  exportGenesis(store: KVReader): Promise<unknown>;
  /** Runs before the block's txs; its events go to FinalizeBlock's events. */
  beginBlock?(ctx: TxContext, commit: BlockCommit): Promise<void>;
  /** Runs after the block's txs; its events go to FinalizeBlock's events. */
  endBlock?(ctx: TxContext): Promise<void>;
}
