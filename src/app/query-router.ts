// Routes abci_query paths to module query handlers. Errors carry gRPC-style status text in the log
// ("rpc error: code = NotFound desc = ..."), which is what CosmJS matches on.
import type { RequestQuery, ResponseQuery } from 'cosmjs-types/tendermint/abci/types';
import type { ChainError } from '../errors/chain-error.js';
import {
  ErrInvalidAddress,
  ErrInvalidCoins,
  ErrInvalidHeight,
  ErrInvalidRequest,
  ErrKeyNotFound,
  ErrNotFound,
  ErrTxDecode,
  ErrUnknownRequest,
} from '../errors/sdk-errors.js';
import type { Logger } from '../util/logger.js';
import type { QueryContext, QueryHandler } from './module.js';
import { isChainError } from './tx-result.js';

function grpcStatus(err: ChainError): string {
  if (ErrKeyNotFound.is(err) || ErrNotFound.is(err) || err.description.endsWith('not found')) return 'NotFound';
  if (ErrUnknownRequest.is(err)) return 'Unimplemented';
  if (ErrInvalidAddress.is(err) || ErrInvalidRequest.is(err) || ErrInvalidCoins.is(err) || ErrTxDecode.is(err) || ErrInvalidHeight.is(err)) {
    return 'InvalidArgument';
  }
  return 'Unknown';
}

export function queryError(err: ChainError, height: bigint): ResponseQuery {
  return {
    code: err.code,
    codespace: err.codespace,
    log: `rpc error: code = ${grpcStatus(err)} desc = ${err.message}`,
    info: '',
    index: 0n,
    key: new Uint8Array(),
    value: new Uint8Array(),
    height,
  };
}

export class QueryRouter {
  private readonly routes = new Map<string, QueryHandler>();

  constructor(private readonly logger: Logger) {}

  register(path: string, handler: QueryHandler): void {
    if (this.routes.has(path)) throw new Error(`query path ${path} registered twice`);
    this.routes.set(path, handler);
  }

  registerAll(routes: ReadonlyMap<string, QueryHandler>): void {
    for (const [path, h] of routes) this.register(path, h);
  }

  paths(): string[] {
    return [...this.routes.keys()].sort();
  }

  async query(req: RequestQuery, ctx: QueryContext): Promise<ResponseQuery> {
    const handler = this.routes.get(req.path);
    if (handler === undefined) return queryError(ErrUnknownRequest(`unknown query path ${req.path}`), ctx.height);
    try {
      const value = await handler(ctx, req.data);
      return { code: 0, codespace: '', log: '', info: '', index: 0n, key: new Uint8Array(), value, height: ctx.height };
    } catch (e) {
      if (isChainError(e)) return queryError(e, ctx.height);
      // Most often a request that does not decode; never a reason to stop the node.
      const message = e instanceof Error ? e.message : String(e);
      this.logger.warn('query failed', { path: req.path, error: message });
      return queryError(ErrInvalidRequest(`query ${req.path} failed: ${message}`), ctx.height);
    }
  }
}
