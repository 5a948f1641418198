import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { decryptEvidence, encryptEvidence } from './evidence-crypto.js';

describe('evidence encryption', () => {
  const priv = secp256k1.utils.randomSecretKey();
  const pub = secp256k1.getPublicKey(priv, true);
  const text = new TextEncoder().encode('the parcel was empty');

  it('round-trips for the arbiter, with a fresh ephemeral key each time', () => {
    const a = encryptEvidence(pub, text);
    const b = encryptEvidence(pub, text);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(decryptEvidence(priv, a)).toEqual(text);
    expect(decryptEvidence(priv, b)).toEqual(text);
  });

  it('cannot be opened by another key or after tampering', () => {
    const sealed = encryptEvidence(pub, text);
    expect(() => decryptEvidence(secp256k1.utils.randomSecretKey(), sealed)).toThrow();
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => decryptEvidence(priv, tampered)).toThrow();
    expect(() => decryptEvidence(priv, sealed.subarray(0, 20))).toThrow(/not a cybermiles evidence payload/);
  });
});
