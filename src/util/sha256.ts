// SHA-256 on Node's one-shot crypto.hash (Node >= 20.12), about twice as fast as createHash for
// inputs of a few hundred bytes: for the state trie (paths and node hashes) and the tx path (sign
// docs).
//
// As bytes, a digest is a Buffer of its own outside the heap: a malloc, an ArrayBuffer and a later
// sweep, which cost more than the hashing (util/slab.ts). As a latin1 string (one code unit per
// byte) it is an ordinary small heap object, which a cache can use as a key as it is, and a Slab
// turns into bytes without an allocation of their own. The hot paths take the string.
import * as crypto from 'node:crypto';

type OneShot = {
  (algorithm: string, data: Uint8Array, outputEncoding: 'buffer'): Buffer;
  (algorithm: string, data: Uint8Array, outputEncoding: 'latin1'): string;
};
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of `data`, in a buffer of its own. */
export const sha256: (data: Uint8Array) => Uint8Array =
  oneShot !== undefined ? (data) => oneShot('sha256', data, 'buffer') : (data) => crypto.createHash('sha256').update(data).digest();

/** SHA-256 of `data` as a latin1 string. */
export const sha256Latin1: (data: Uint8Array) => string =
  oneShot !== undefined ? (data) => oneShot('sha256', data, 'latin1') : (data) => crypto.createHash('sha256').update(data).digest().toString('latin1');
