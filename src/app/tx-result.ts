// Turning a tx outcome into the ABCI result CometBFT stores and indexes.
import type { Event, ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { ChainError } from '../errors/chain-error.js';

export interface TxOutcome {
  readonly code: number;
  readonly codespace: string;
  readonly log: string;
  readonly data: Uint8Array;
  readonly gasWanted: bigint;
  readonly gasUsed: bigint;
  readonly events: Event[];
}

/** A ChainError is refused input; anything else is a bug, which the caller rethrows. */
export function failure(err: ChainError, gasWanted: bigint, gasUsed: bigint, events: Event[] = []): TxOutcome {
  return { code: err.code, codespace: err.codespace, log: err.message, data: new Uint8Array(), gasWanted, gasUsed, events };
}

export function toExecTxResult(o: TxOutcome): ExecTxResult {
  return {
    code: o.code,
    codespace: o.codespace,
    log: o.log,
    data: o.data,
    info: '',
    gasWanted: o.gasWanted,
    gasUsed: o.gasUsed,
    events: o.events,
  };
}

export function isChainError(e: unknown): e is ChainError {
  return e instanceof ChainError;
}
