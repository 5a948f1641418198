// Ordered iteration over one key prefix of the LevelDB, in growing `nextv` batches (small first,
// so a `limit: 1` lookup does not read a thousand entries, then up to 1024 per native call).
// The prefix is stripped from yielded keys. A LevelDB iterator reads from an implicit snapshot
// taken when it is created, so one iteration sees one consistent state.
import type { ClassicLevel } from 'classic-level';
import { compareBytes, concat } from '../util/bytes.js';
import { checkRange, prefixEnd } from './range.js';
import type { KeyRange } from './types.js';

const FIRST_BATCH = 16;
const MAX_BATCH = 1024;

export async function* iteratePrefix(
  db: ClassicLevel<Uint8Array, Uint8Array>,
  prefix: Uint8Array,
  range: KeyRange,
): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
  const limit = checkRange(range);
  if (limit === 0) return;
  const gte = concat(prefix, range.gte ?? new Uint8Array(0));
  const lt = range.lt !== undefined ? concat(prefix, range.lt) : prefixEnd(prefix);
  if (lt === undefined) throw new Error('iteratePrefix: prefix must not be all 0xff bytes');
  if (compareBytes(gte, lt) >= 0) return;
  const it = db.iterator({
    gte,
    lt,
    reverse: range.reverse === true,
    limit: limit === Infinity ? -1 : limit,
  });
  const strip = prefix.length;
  try {
    let size = FIRST_BATCH;
    for (;;) {
      const batch = await it.nextv(size);
      if (batch.length === 0) return;
      for (const [key, value] of batch) yield [key.subarray(strip), value];
      if (size < MAX_BATCH) size *= 2;
    }
  } finally {
    await it.close();
  }
}
