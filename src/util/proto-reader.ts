// cosmjs-types' BinaryReader copies its whole input when it is constructed (`new Uint8Array(buf)`),
// so every top-level decode (an ABCI request frame, a tx and its body and auth info, a stored
// account) first copied the bytes it was handed, only to read them once. A FinalizeBlock frame of
// 2,000 transfers is about 600 KB; a CheckTx took five copies of a few hundred bytes each, every
// one an off-heap allocation for the garbage collector to sweep.
//
// readerOver(bytes) gives a decoder a reader over the bytes themselves (a decoder given a reader
// uses it as is). The decoded message's `bytes` fields are then views into `bytes` rather than
// into a private copy, so it is only for bytes that nobody changes afterwards: ABCI frames (whole
// socket chunks or copies, see FrameDecoder), the tx executor's own copy of a tx, stored values
// (read-only, see cache-store.ts).
import { BinaryReader } from 'cosmjs-types/binary';

export function readerOver(bytes: Uint8Array): BinaryReader {
  const reader = new BinaryReader();
  reader.buf = bytes;
  reader.len = bytes.length;
  return reader;
}
