import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { encodeUvarint } from '../abci/framing.js';
import { randomBelow } from '../testing/random.js';
import './proto-int64.js';

/** Protobuf's varint of the 64-bit two's complement of `v`, by the ABCI framing's plain BigInt encoder. */
const varint = (v: bigint): number[] => Array.from(encodeUvarint(BigInt.asUintN(64, v)));

describe('BinaryWriter.int64 / uint64 (proto-int64.ts)', () => {
  const below = randomBelow(3);
  const values: bigint[] = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 31n + 2n ** 30n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n, 2n ** 64n - 1n, -1n, -(2n ** 63n)];
  for (let i = 0; i < 2000; i++) values.push(BigInt.asUintN(64, (BigInt(below(2 ** 30)) << BigInt(below(40))) + BigInt(below(1000))));

  it('writes the plain varint of every value, from 2^31 to 2^32 - 1 included', () => {
    for (const v of values) {
      const unsigned = BigInt.asUintN(64, v);
      expect(Array.from(BinaryWriter.create().uint64(unsigned).finish())).toEqual(varint(v));
      expect(Array.from(BinaryWriter.create().int64(BigInt.asIntN(64, v)).finish())).toEqual(varint(v));
      expect(new BinaryReader(BinaryWriter.create().uint64(unsigned).finish()).uint64()).toBe(unsigned);
    }
  });

  it('takes numbers and decimal strings as before', () => {
    expect(Array.from(BinaryWriter.create().uint64(3_000_000_000).finish())).toEqual(varint(3_000_000_000n));
    expect(Array.from(BinaryWriter.create().int64('-5').finish())).toEqual(varint(-5n));
  });

  it('round-trips an account whose sequence is past 2^31 (read back as 0 before)', () => {
    const acc = BaseAccount.fromPartial({ address: 'cosmos1x', accountNumber: 3n, sequence: 2n ** 31n + 7n });
    expect(BaseAccount.decode(BaseAccount.encode(acc).finish()).sequence).toBe(2n ** 31n + 7n);
  });
});
