// SHA-256 for the tx path: Node's one-shot crypto.hash (Node >= 20.12) is about twice as fast as
// createHash for inputs of a few hundred bytes.
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
const oneShot = (crypto as { hash?: OneShotHash }).hash;

/** SHA-256 of `data`, as a plain Uint8Array of its own (not a view of a pooled slab). */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(oneShot !== undefined ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest());
}
