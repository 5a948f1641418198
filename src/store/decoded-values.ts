// Decoded state values remembered by the identity of their bytes. A value read from state is the
// same Uint8Array object every time until it is written again: the cache layers hand out their
// own copies, a tx layer's write() moves that object up to the block layer, Commit puts it in the
// committed-value cache, and later blocks read it from there. So a module decoding an account, a
// balance or a params record can remember the result per bytes object and decode each written
// value once instead of on every read. Keyed weakly: an entry lives as long as its bytes do.
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

export function memoDecoder<T>(decode: Decoder<T>): MemoDecoder<T> {
  const known = new WeakMap<Uint8Array, { readonly value: T }>();
  const memo = (bytes: Uint8Array): T => {
    const hit = known.get(bytes);
    if (hit !== undefined) return hit.value;
    const value = decode(bytes);
    known.set(bytes, { value });
    return value;
  };
  memo.remember = (bytes: Uint8Array, value: T): void => {
    known.set(bytes, { value });
  };
  return memo;
}
