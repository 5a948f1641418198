// A fee-usage record's bytes, written in one pass: every free tx rewrites its payer's record, and
// the generated encoder built a @bufbuild BinaryWriter for two varints. The same bytes as
// `Usage.encode(...).finish()` (the test beside compares them).
import type { Usage } from '../../generated/cybermiles/fees/v1/fees.js';
import { fieldKey, int64Size, ProtoWriter, VARINT, varintSize } from '../../util/proto-write.js';

const WINDOW = fieldKey(1, VARINT);
const COUNT = fieldKey(2, VARINT);

export function encodeUsage(usage: Usage): Uint8Array {
  if (usage.window < 0n || BigInt.asUintN(64, usage.window) !== usage.window) throw new RangeError(`usage window ${usage.window} is not a uint64`);
  if (!Number.isInteger(usage.count) || usage.count < 0 || usage.count > 0xffffffff) throw new RangeError(`usage count ${usage.count} is not a uint32`);
  const w = new ProtoWriter(new Uint8Array((usage.window === 0n ? 0 : 1 + int64Size(usage.window)) + (usage.count === 0 ? 0 : 1 + varintSize(usage.count))));
  if (usage.window !== 0n) {
    w.byte(WINDOW);
    w.int64(usage.window);
  }
  if (usage.count !== 0) {
    w.byte(COUNT);
    w.varint(usage.count);
  }
  return w.done();
}
