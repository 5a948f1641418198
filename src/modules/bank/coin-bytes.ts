// A Coin's bytes, written in one pass: every transfer rewrites two balances, and cosmjs-types'
// writer cost an operation list and a copy per Coin. The same bytes as `Coin.encode(...).finish()`
// (the test beside compares them).
import { delimitedSize, ProtoWriter, utf8Size } from '../../util/proto-write.js';

const KEY_1_DELIMITED = 0x0a;
const KEY_2_DELIMITED = 0x12;

export function encodeCoin(denom: string, amount: string): Uint8Array {
  const denomLen = utf8Size(denom);
  const amountLen = utf8Size(amount);
  const w = new ProtoWriter(new Uint8Array((denomLen === 0 ? 0 : delimitedSize(denomLen)) + (amountLen === 0 ? 0 : delimitedSize(amountLen))));
  if (denomLen !== 0) w.stringField(KEY_1_DELIMITED, denom, denomLen);
  if (amountLen !== 0) w.stringField(KEY_2_DELIMITED, amount, amountLen);
  return w.done();
}
