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

/** `decode` remembered per bytes object. A decoder that throws remembers nothing. */
export function memoDecoder<T>(decode: Decoder<T>): Decoder<T> {
  const known = new WeakMap<Uint8Array, { readonly value: T }>();
  return (bytes) => {
    const hit = known.get(bytes);
    if (hit !== undefined) return hit.value;
    const value = decode(bytes);
    known.set(bytes, { value });
    return value;
  };
}
