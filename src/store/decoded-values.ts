// Decoded state values remembered by the identity of their bytes. A value read from state is the
// same Uint8Array object every time until it is written again: the cache layers hand out their
// own copies, a tx layer's write() moves that object up to the block layer, Commit puts it in the
// committed-value cache, and later blocks read it from there. So a module decoding an account, a
// balance or a params record can remember the result per bytes object and decode each written
// value once instead of on every read. The value lives on the bytes object (see DECODED), so it
// lives exactly as long as they do.
//
// The decoded values are shared between readers: they must be immutable (readonly types, never
// mutated), which is what every caller's type says.

export type Decoder<T> = (bytes: Uint8Array) => T;

export interface MemoDecoder<T> {
  /** `decode(bytes)`, remembered per bytes object. A decoder that throws remembers nothing. */
  (bytes: Uint8Array): T;
  /**
   * Records what `bytes` decode to, for bytes just encoded from `value` by their writer and
   * handed over to the store (store/bytes.ts handOver): the write's own later reads then skip
   * the decode. `value` must be exactly what decoding `bytes` gives.
   */
  remember(bytes: Uint8Array, value: T): void;
}

/**
 * Where a decoded value lives: a non-enumerable symbol-keyed slot on the bytes object itself,
 * naming the decoder that made it. (A WeakMap keyed by the bytes cost 2-3 µs a set, most of it
 * in growing and collecting its ephemeron table; a Map keyed by object identity, bounded, cost
 * more still; the slot costs about nothing, dies with its bytes and, being non-enumerable and
 * symbol-keyed, is invisible to byte comparisons, serialisation and test equality.)
 */
const DECODED = Symbol('cybermiles.decoded');

interface Slot {
  readonly by: object;
  readonly value: unknown;
}

type WithSlot = Uint8Array & { [DECODED]?: Slot };

export function memoDecoder<T>(decode: Decoder<T>): MemoDecoder<T> {
  const keep = (bytes: Uint8Array, value: T): void => {
    Object.defineProperty(bytes, DECODED, { value: { by: memo, value }, writable: true, configurable: true, enumerable: false });
  };
  const memo = (bytes: Uint8Array): T => {
    const slot = (bytes as WithSlot)[DECODED];
    if (slot !== undefined && slot.by === memo) return slot.value as T;
    const value = decode(bytes);
    keep(bytes, value);
    return value;
  };
  memo.remember = keep;
  return memo;
}
