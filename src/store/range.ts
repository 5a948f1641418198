// KeyRange validation and small helpers shared by the committed store and the cache layers.
import type { KeyRange } from './types.js';

/** Throws a clear error for a malformed range; returns the effective limit (Infinity when unset). */
export function checkRange(range: KeyRange): number {
  if (range.gte !== undefined && !(range.gte instanceof Uint8Array)) {
    throw new TypeError('KeyRange.gte must be a Uint8Array');
  }
  if (range.lt !== undefined && !(range.lt instanceof Uint8Array)) {
    throw new TypeError('KeyRange.lt must be a Uint8Array');
  }
  if (range.limit === undefined) return Infinity;
  if (!Number.isInteger(range.limit) || range.limit < 0) {
    throw new RangeError(`KeyRange.limit must be a non-negative integer, got ${String(range.limit)}`);
  }
  return range.limit;
}

/** The same bounds and direction without the limit (for a parent whose entries may be hidden). */
export function withoutLimit(range: KeyRange): KeyRange {
  return {
    ...(range.gte !== undefined ? { gte: range.gte } : {}),
    ...(range.lt !== undefined ? { lt: range.lt } : {}),
    ...(range.reverse !== undefined ? { reverse: range.reverse } : {}),
  };
}

/** Every key with `prefix` as its first bytes: `{ gte: prefix, lt: prefixEnd(prefix) }`. */
export function prefixRange(prefix: Uint8Array, opts: { reverse?: boolean; limit?: number } = {}): KeyRange {
  const end = prefixEnd(prefix);
  return {
    gte: prefix,
    ...(end !== undefined ? { lt: end } : {}),
    ...(opts.reverse !== undefined ? { reverse: opts.reverse } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  };
}

/** The smallest key greater than every key starting with `prefix`; undefined when there is none (all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const b = end[i] as number;
    if (b < 0xff) {
      end[i] = b + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
