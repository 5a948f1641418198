import { describe, expect, it } from 'vitest';
import { RequestQuery } from 'cosmjs-types/tendermint/abci/types';
import { registerError } from '../errors/chain-error.js';
import {
  ErrInsufficientFunds,
  ErrInvalidAddress,
  ErrInvalidCoins,
  ErrInvalidHeight,
  ErrInvalidRequest,
  ErrKeyNotFound,
  ErrNotFound,
  ErrTxDecode,
  ErrUnauthorized,
  ErrUnknownRequest,
} from '../errors/sdk-errors.js';
import type { KVReader } from '../store/types.js';
import { createLogger, silentLogger } from '../util/logger.js';
import type { QueryContext, QueryHandler } from './module.js';
import { queryError, QueryRouter } from './query-router.js';

const noStore: KVReader = {
  get: () => undefined,
  has: () => false,
  async *iterate() {},
};
const ctx: QueryContext = { store: noStore, height: 42n };
const req = (path: string, data = new Uint8Array()) => RequestQuery.fromPartial({ path, data });

function routerWith(path: string, handler: QueryHandler, logger = silentLogger): QueryRouter {
  const r = new QueryRouter(logger);
  r.register(path, handler);
  return r;
}

describe('QueryRouter routing', () => {
  it('calls the handler for its path with the request bytes and the context', async () => {
    const seen: Array<{ data: number[]; height: bigint }> = [];
    const r = routerWith('/x.Query/Echo', async (c, data) => {
      seen.push({ data: [...data], height: c.height });
      return Uint8Array.of(9, ...data);
    });
    const res = await r.query(req('/x.Query/Echo', Uint8Array.of(1, 2)), ctx);
    expect(res).toMatchObject({ code: 0, codespace: '', log: '', height: 42n, value: Uint8Array.of(9, 1, 2) });
    expect(seen).toEqual([{ data: [1, 2], height: 42n }]);
  });

  it('answers an unknown path with code 6 and gRPC status Unimplemented', async () => {
    const res = await new QueryRouter(silentLogger).query(req('/nope.Query/Missing'), ctx);
    expect(res).toMatchObject({ code: 6, codespace: 'sdk', height: 42n });
    expect(res.value).toHaveLength(0);
    expect(res.log).toMatch(/^rpc error: code = Unimplemented desc = /);
    expect(res.log).toContain('/nope.Query/Missing');
  });

  it('refuses a path registered twice', () => {
    const r = routerWith('/a', async () => new Uint8Array());
    expect(() => r.register('/a', async () => new Uint8Array())).toThrow('registered twice');
    expect(() => r.registerAll(new Map([['/a', async () => new Uint8Array()]]))).toThrow('registered twice');
  });

  it('lists its paths sorted', () => {
    const r = new QueryRouter(silentLogger);
    r.registerAll(
      new Map<string, QueryHandler>([
        ['/b', async () => new Uint8Array()],
        ['/a', async () => new Uint8Array()],
      ]),
    );
    r.register('/c', async () => new Uint8Array());
    expect(r.paths()).toEqual(['/a', '/b', '/c']);
  });
});

describe('QueryRouter errors', () => {
  const ErrModuleThing = registerError('querytest', 7, 'module thing failed');

  it.each([
    ['NotFound', ErrKeyNotFound],
    ['NotFound', ErrNotFound],
    ['Unimplemented', ErrUnknownRequest],
    ['InvalidArgument', ErrInvalidAddress],
    ['InvalidArgument', ErrInvalidRequest],
    ['InvalidArgument', ErrInvalidCoins],
    ['InvalidArgument', ErrTxDecode],
    ['InvalidArgument', ErrInvalidHeight],
    ['Unknown', ErrInsufficientFunds],
    ['Unknown', ErrUnauthorized],
    ['Unknown', ErrModuleThing],
  ] as const)('maps a thrown ChainError to gRPC status %s, keeping its code and codespace', async (status, def) => {
    const r = routerWith('/q', async () => {
      throw def('the detail');
    });
    const res = await r.query(req('/q'), ctx);
    expect(res).toMatchObject({ code: def.code, codespace: def.codespace, height: 42n });
    expect(res.log).toBe(`rpc error: code = ${status} desc = the detail: ${def.description}`);
    expect(res.value).toHaveLength(0);
  });

  it('turns a plain Error from a handler into InvalidArgument (code 18), logged, not a crash', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const r = routerWith(
      '/q',
      async () => {
        throw new RangeError('index out of range: 7 + 10 > 8');
      },
      logger,
    );
    const res = await r.query(req('/q', Uint8Array.of(0xff)), ctx);
    expect(res).toMatchObject({ code: 18, codespace: 'sdk', height: 42n });
    expect(res.log).toMatch(/^rpc error: code = InvalidArgument desc = query \/q failed: index out of range/);
    expect(lines.some((l) => l.includes('query failed') && l.includes('"level":"warn"'))).toBe(true);
  });

  it('survives a handler that throws a non-Error value', async () => {
    const r = routerWith('/q', async () => {
      throw 'a string, not an Error';
    });
    const res = await r.query(req('/q'), ctx);
    expect(res.code).toBe(18);
    expect(res.log).toContain('rpc error: code = InvalidArgument');
  });

  it('builds error responses with queryError', () => {
    expect(queryError(ErrKeyNotFound('account x not found'), 7n)).toEqual({
      code: 22,
      codespace: 'sdk',
      log: 'rpc error: code = NotFound desc = account x not found: key not found',
      info: '',
      index: 0n,
      key: new Uint8Array(),
      value: new Uint8Array(),
      height: 7n,
    });
  });
});
