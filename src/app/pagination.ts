// Cosmos-style pagination over a key-ordered range: by next_key or by offset, with optional count.
import type { PageRequest, PageResponse } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import { ErrInvalidRequest } from '../errors/sdk-errors.js';
import type { KeyRange, KVReader } from '../store/types.js';
import { concat, readUint64BE, uint64BE } from '../util/bytes.js';

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

export interface Page<T> {
  readonly items: T[];
  readonly pagination: PageResponse;
}

/**
 * Reads one page of the entries in `range`. `nextKey` in the response is the key suffix (after
 * the range's prefix) of the first entry not returned, as the SDK does.
 */
export async function paginate<T>(
  store: KVReader,
  prefix: Uint8Array,
  range: KeyRange,
  page: PageRequest | undefined,
  decode: (key: Uint8Array, value: Uint8Array) => T,
): Promise<Page<T>> {
  const limit = page === undefined || page.limit === 0n ? DEFAULT_PAGE_LIMIT : page.limit;
  if (limit > MAX_PAGE_LIMIT) throw ErrInvalidRequest(`pagination.limit ${limit} exceeds ${MAX_PAGE_LIMIT}`);
  const hasKey = page !== undefined && page.key.length > 0;
  if (hasKey && page.offset > 0n) throw ErrInvalidRequest('pagination: use either key or offset, not both');
  const reverse = page?.reverse === true;
  const start = hasKey ? concat(prefix, page.key) : undefined;
  const bounded: KeyRange = {
    ...range,
    reverse,
    ...(start !== undefined && !reverse ? { gte: start } : {}),
    ...(start !== undefined && reverse ? { lt: concat(start, Uint8Array.of(0)) } : {}),
  };
  const skip = hasKey ? 0n : (page?.offset ?? 0n);
  const countTotal = page?.countTotal === true && !hasKey;
  const items: T[] = [];
  let index = 0n;
  let nextKey: Uint8Array = new Uint8Array();
  for await (const [key, value] of store.iterate(bounded)) {
    if (index < skip) {
      index++;
      continue;
    }
    if (BigInt(items.length) === limit) {
      if (nextKey.length === 0) nextKey = key.subarray(prefix.length);
      if (!countTotal) break;
      index++;
      continue;
    }
    items.push(decode(key, value));
    index++;
  }
  return { items, pagination: { nextKey, total: countTotal ? index : 0n } };
}

/**
 * One page of a list already in memory (a small, filtered result). The next key is the 8-byte
 * big-endian index of the first item not returned; offset, limit, count_total and reverse work
 * as for stored ranges.
 */
export function pageOfList<T>(all: readonly T[], page: PageRequest | undefined): Page<T> {
  const limit = page === undefined || page.limit === 0n ? DEFAULT_PAGE_LIMIT : page.limit;
  if (limit > MAX_PAGE_LIMIT) throw ErrInvalidRequest(`pagination.limit ${limit} exceeds ${MAX_PAGE_LIMIT}`);
  const hasKey = page !== undefined && page.key.length > 0;
  if (hasKey && page.offset > 0n) throw ErrInvalidRequest('pagination: use either key or offset, not both');
  if (hasKey && page.key.length !== 8) throw ErrInvalidRequest('pagination.key is not a key this query returned');
  const ordered = page?.reverse === true ? [...all].reverse() : all;
  const start = hasKey ? readUint64BE(page.key) : (page?.offset ?? 0n);
  const from = start > BigInt(ordered.length) ? ordered.length : Number(start);
  const to = Math.min(ordered.length, from + Number(limit));
  const nextKey = to < ordered.length ? uint64BE(BigInt(to)) : new Uint8Array();
  const total = page?.countTotal === true && !hasKey ? BigInt(ordered.length) : 0n;
  return { items: ordered.slice(from, to), pagination: { nextKey, total } };
}
