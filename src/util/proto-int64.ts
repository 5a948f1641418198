// cosmjs-types 0.11's BinaryWriter.int64() (and uint64(), the same function) writes wrong bytes for
// every value from 2^31 to 2^32 - 1: its int64FromString returns the low 32 bits as a signed
// integer, and writeVarint64, seeing no high bits, writes a negative low word as one garbage byte
// padded to the computed length. 2^31 comes out as `00 00 00 00 00` and reads back as 0; 2^31 + 2^30
// reads back as 0 too. Below 2^31 and from 2^32 up the bytes are right.
//
// In this app that would have stored an account whose sequence (or number) reached 2^31 with the
// wrong value (a sequence of 0 again: its old signatures replayable), and answered CheckTx with a
// wrong gas_wanted for a gas limit in that range. Here the 64 bits are split with BigInt and
// written as unsigned words; every other value encodes exactly as before (the test beside compares
// them, and reads every value back). Installed once, when a module that encodes state loads.
import { BinaryWriter } from 'cosmjs-types/binary';
import { int64Length, writeVarint64 } from 'cosmjs-types/varint';

type Push = (fn: typeof writeVarint64, len: number, val: { lo: number; hi: number }) => BinaryWriter;

function int64(this: BinaryWriter, value: string | number | bigint): BinaryWriter {
  const v = BigInt.asUintN(64, BigInt(value));
  const lo = Number(v & 0xffffffffn);
  const hi = Number(v >> 32n);
  return (this as unknown as { _push: Push })._push(writeVarint64, int64Length(lo, hi), { lo, hi });
}

export function installProtoInt64Fix(): void {
  if (BinaryWriter.prototype.int64 !== int64) BinaryWriter.prototype.int64 = int64;
}

installProtoInt64Fix();
