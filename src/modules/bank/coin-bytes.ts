// A Coin's bytes, written in one pass: every transfer rewrites two balances, and cosmjs-types'
// writer cost an operation list and a copy per Coin. The same bytes as `Coin.encode(...).finish()`
// (the test beside compares them).
import { DELIMITED, delimitedSize, fieldKey, ProtoWriter, utf8Size } from '../../util/proto-write.js';

const DENOM = fieldKey(1, DELIMITED);
const AMOUNT = fieldKey(2, DELIMITED);

export function encodeCoin(denom: string, amount: string): Uint8Array {
  const denomLen = utf8Size(denom);
  const amountLen = utf8Size(amount);
  const w = new ProtoWriter(new Uint8Array((denomLen === 0 ? 0 : delimitedSize(denomLen)) + (amountLen === 0 ? 0 : delimitedSize(amountLen))));
  if (denomLen !== 0) w.stringField(DENOM, denom, denomLen);
  if (amountLen !== 0) w.stringField(AMOUNT, amount, amountLen);
  return w.done();
}
