// Evidence for an arbiter's eyes only: ECIES to the arbiter's account key (secp256k1), so the
// chain stores ciphertext and only the arbiter can read it. Ephemeral ECDH, HKDF-SHA256,
// AES-256-GCM. Format: version (1) | ephemeral compressed pubkey (33) | nonce (12) | ciphertext+tag.
import { gcm } from '@noble/ciphers/aes.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';

const VERSION = 1;
const INFO = new TextEncoder().encode('cybermiles evidence v1');

function keyFor(shared: Uint8Array, ephemeral: Uint8Array): Uint8Array {
  return hkdf(sha256, shared.subarray(1), ephemeral, INFO, 32);
}

export function encryptEvidence(arbiterPubKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const ephemeralPriv = secp256k1.utils.randomSecretKey();
  const ephemeral = secp256k1.getPublicKey(ephemeralPriv, true);
  const key = keyFor(secp256k1.getSharedSecret(ephemeralPriv, arbiterPubKey, true), ephemeral);
  const nonce = new Uint8Array(randomBytes(12));
  const sealed = gcm(key, nonce).encrypt(plaintext);
  const out = new Uint8Array(1 + 33 + 12 + sealed.length);
  out[0] = VERSION;
  out.set(ephemeral, 1);
  out.set(nonce, 34);
  out.set(sealed, 46);
  return out;
}

/** Throws when the payload was not sealed for this key or was altered. */
export function decryptEvidence(arbiterPrivKey: Uint8Array, payload: Uint8Array): Uint8Array {
  if (payload.length < 46 + 16 || payload[0] !== VERSION) throw new Error('not a cybermiles evidence payload');
  const ephemeral = payload.subarray(1, 34);
  const key = keyFor(secp256k1.getSharedSecret(arbiterPrivKey, ephemeral, true), ephemeral);
  return gcm(key, payload.subarray(34, 46)).decrypt(payload.subarray(46));
}
