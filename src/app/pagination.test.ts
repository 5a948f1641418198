import { describe, expect, it } from 'vitest';
import { PageRequest } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import { ChainError } from '../errors/chain-error.js';
import { createCacheStore } from '../store/cache-store.js';
import type { KVReader } from '../store/types.js';
import { prefixRange } from '../store/range.js';
import { fromUtf8, utf8 } from '../util/bytes.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, pageOfList, paginate } from './pagination.js';

const PREFIX = utf8('p/');
const LETTERS = 'abcdefghij'.split('');

const empty: KVReader = {
  get: () => undefined,
  has: () => false,
  async *iterate() {},
};

/** Ten entries p/a .. p/j (value = upper-case letter), plus keys just outside the prefix. */
function store(count = LETTERS.length): KVReader {
  const s = createCacheStore(empty);
  for (const l of LETTERS.slice(0, count)) s.set(utf8(`p/${l}`), utf8(l.toUpperCase()));
  s.set(utf8('o/z'), utf8('outside'));
  s.set(utf8('p'), utf8('prefix itself without slash'));
  s.set(utf8('q/a'), utf8('outside'));
  return s;
}

/** One page; items are the key suffixes after the prefix. */
async function page(req: Partial<PageRequest> | undefined, s: KVReader = store()) {
  const res = await paginate(s, PREFIX, prefixRange(PREFIX), req === undefined ? undefined : PageRequest.fromPartial(req), (k, v) => ({
    key: fromUtf8(k.subarray(PREFIX.length)),
    value: fromUtf8(v),
  }));
  return { keys: res.items.map((i) => i.key), values: res.items.map((i) => i.value), next: fromUtf8(res.pagination.nextKey), total: res.pagination.total };
}

async function refused(req: Partial<PageRequest>): Promise<ChainError> {
  try {
    await page(req);
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
  throw new Error('expected the page request to be refused');
}

describe('paginate: limits', () => {
  it('returns everything in the range, in key order, under the default limit', async () => {
    for (const req of [undefined, {}, { limit: 0n }]) {
      const p = await page(req);
      expect(p.keys).toEqual(LETTERS);
      expect(p.values).toEqual(LETTERS.map((l) => l.toUpperCase()));
      expect(p.next).toBe('');
      expect(p.total).toBe(0n);
    }
  });

  it('applies the default limit of 100 when none is given', async () => {
    const s = createCacheStore(empty);
    for (let i = 0; i < 150; i++) s.set(utf8(`p/${String(i).padStart(3, '0')}`), utf8('v'));
    const p = await page(undefined, s);
    expect(BigInt(p.keys.length)).toBe(DEFAULT_PAGE_LIMIT);
    expect(p.next).toBe('100');
  });

  it('accepts exactly the maximum limit and refuses one more (code 18)', async () => {
    expect((await page({ limit: MAX_PAGE_LIMIT })).keys).toEqual(LETTERS);
    const e = await refused({ limit: MAX_PAGE_LIMIT + 1n });
    expect({ codespace: e.codespace, code: e.code }).toEqual({ codespace: 'sdk', code: 18 });
    expect(e.message).toContain('pagination.limit');
  });

  it('returns an empty page for an empty range', async () => {
    expect(await page({ limit: 3n, countTotal: true }, store(0))).toEqual({ keys: [], values: [], next: '', total: 0n });
  });
});

describe('paginate: by key', () => {
  it('returns next_key as the suffix of the first entry not returned', async () => {
    const p = await page({ limit: 3n });
    expect(p.keys).toEqual(['a', 'b', 'c']);
    expect(p.next).toBe('d');
    const q = await page({ limit: 3n, key: utf8(p.next) });
    expect(q.keys).toEqual(['d', 'e', 'f']);
    expect(q.next).toBe('g');
  });

  it('leaves next_key empty when the page ends exactly at the last entry', async () => {
    const p = await page({ limit: 5n, key: utf8('f') });
    expect(p.keys).toEqual(['f', 'g', 'h', 'i', 'j']);
    expect(p.next).toBe('');
  });

  it('walks every entry exactly once, forwards', async () => {
    const seen: string[] = [];
    let key = '';
    let pages = 0;
    do {
      const p = await page({ limit: 4n, key: utf8(key) });
      seen.push(...p.keys);
      key = p.next;
      pages++;
    } while (key !== '');
    expect(seen).toEqual(LETTERS);
    expect(pages).toBe(3);
  });

  it('starts at the next existing key when the key is between entries', async () => {
    expect((await page({ limit: 2n, key: utf8('cc') })).keys).toEqual(['d', 'e']);
  });

  it('does not count the total when paging by key', async () => {
    expect((await page({ limit: 2n, key: utf8('c'), countTotal: true })).total).toBe(0n);
  });

  it('refuses key and offset together (code 18)', async () => {
    const e = await refused({ key: utf8('c'), offset: 1n });
    expect(e.code).toBe(18);
    expect(e.message).toContain('either key or offset');
  });
});

describe('paginate: by offset', () => {
  it('skips offset entries and still returns next_key', async () => {
    const p = await page({ offset: 2n, limit: 3n });
    expect(p.keys).toEqual(['c', 'd', 'e']);
    expect(p.next).toBe('f');
  });

  it('counts the total over the whole range, skipped and later entries included', async () => {
    expect((await page({ offset: 2n, limit: 3n, countTotal: true })).total).toBe(10n);
    expect((await page({ limit: 3n, countTotal: true })).total).toBe(10n);
    expect((await page({ countTotal: true })).total).toBe(10n);
  });

  it('returns an empty page past the end, with the total', async () => {
    expect(await page({ offset: 10n, limit: 3n, countTotal: true })).toEqual({ keys: [], values: [], next: '', total: 10n });
    expect((await page({ offset: 1000n })).keys).toEqual([]);
  });

  it('gives the same next_key as key pagination would continue from', async () => {
    const byOffset = await page({ offset: 3n, limit: 3n });
    const byKey = await page({ key: utf8('d'), limit: 3n });
    expect(byOffset).toEqual(byKey);
  });
});

describe('paginate: reverse', () => {
  it('returns entries in descending order with next_key for the following page', async () => {
    const p = await page({ limit: 3n, reverse: true });
    expect(p.keys).toEqual(['j', 'i', 'h']);
    expect(p.next).toBe('g');
    const q = await page({ limit: 3n, reverse: true, key: utf8(p.next) });
    expect(q.keys).toEqual(['g', 'f', 'e']);
    expect(q.next).toBe('d');
  });

  it('walks every entry exactly once, backwards', async () => {
    const seen: string[] = [];
    let key = '';
    do {
      const p = await page({ limit: 3n, reverse: true, key: utf8(key) });
      seen.push(...p.keys);
      key = p.next;
    } while (key !== '');
    expect(seen).toEqual([...LETTERS].reverse());
  });

  it('starts at the previous existing key when the key is between entries', async () => {
    expect((await page({ limit: 2n, reverse: true, key: utf8('cc') })).keys).toEqual(['c', 'b']);
  });

  it('combines with offset and count_total', async () => {
    const p = await page({ limit: 2n, reverse: true, offset: 1n, countTotal: true });
    expect(p.keys).toEqual(['i', 'h']);
    expect(p.next).toBe('g');
    expect(p.total).toBe(10n);
  });
});

describe('paginate: decode', () => {
  it('passes the full key (with prefix) and value to decode', async () => {
    const seen: string[] = [];
    await paginate(store(), PREFIX, prefixRange(PREFIX), PageRequest.fromPartial({ limit: 2n }), (k, v) => {
      seen.push(`${fromUtf8(k)}=${fromUtf8(v)}`);
      return null;
    });
    expect(seen).toEqual(['p/a=A', 'p/b=B']);
  });

  it('does not decode entries it only counts or skips', async () => {
    let calls = 0;
    await paginate(store(), PREFIX, prefixRange(PREFIX), PageRequest.fromPartial({ limit: 2n, offset: 3n, countTotal: true }), () => {
      calls++;
      return null;
    });
    expect(calls).toBe(2);
  });
});

describe('pageOfList', () => {
  const all = ['a', 'b', 'c', 'd', 'e'];
  it('pages by offset and by the next key it returns, forwards and backwards, with a total', () => {
    const first = pageOfList(all, PageRequest.fromPartial({ limit: 2n, countTotal: true }));
    expect(first.items).toEqual(['a', 'b']);
    expect(first.pagination.total).toBe(5n);
    const second = pageOfList(all, PageRequest.fromPartial({ limit: 2n, key: first.pagination.nextKey }));
    expect(second.items).toEqual(['c', 'd']);
    const last = pageOfList(all, PageRequest.fromPartial({ limit: 2n, key: second.pagination.nextKey }));
    expect(last.items).toEqual(['e']);
    expect(last.pagination.nextKey).toEqual(new Uint8Array());
    expect(pageOfList(all, PageRequest.fromPartial({ offset: 3n })).items).toEqual(['d', 'e']);
    expect(pageOfList(all, PageRequest.fromPartial({ offset: 9n })).items).toEqual([]);
    expect(pageOfList(all, PageRequest.fromPartial({ reverse: true, limit: 2n })).items).toEqual(['e', 'd']);
    expect(pageOfList(all, undefined).items).toEqual(all);
  });

  it('refuses a foreign key, key with offset, and a limit over the maximum', () => {
    expect(() => pageOfList(all, PageRequest.fromPartial({ key: Uint8Array.of(1, 2) }))).toThrow(/not a key this query returned/);
    expect(() => pageOfList(all, PageRequest.fromPartial({ key: new Uint8Array(8), offset: 1n }))).toThrow(/either key or offset/);
    expect(() => pageOfList(all, PageRequest.fromPartial({ limit: MAX_PAGE_LIMIT + 1n }))).toThrow(/exceeds/);
  });
});
