import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { sha256 } from '../util/sha256.js';
import { signDocBytes, signDocDigest } from './sign-doc.js';

const reference = (bodyBytes: Uint8Array, authInfoBytes: Uint8Array, chainId: string, accountNumber: bigint): Buffer =>
  Buffer.from(SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber }).finish());

describe('sign doc', () => {
  it("writes exactly cosmjs-types' SignDoc bytes, edge cases included, and hashes them", () => {
    const cases: [Uint8Array, Uint8Array, string, bigint][] = [
      [new Uint8Array(0), new Uint8Array(0), '', 0n],
      [randomBytes(300), randomBytes(100), 'cybermiles-devnet', 0n],
      [randomBytes(1), randomBytes(200), 'ünïcødé', 1n],
      [randomBytes(5000), randomBytes(3000), 'x'.repeat(300), (1n << 64n) - 1n],
      [randomBytes(120), new Uint8Array(0), 'bench', 2n ** 53n + 1n],
    ];
    for (let i = 0; i < 500; i++) cases.push([randomBytes(i * 3), randomBytes(i), `chain-${i}`, BigInt(i * 7919)]);
    for (const [body, auth, chainId, n] of cases) {
      const expected = reference(body, auth, chainId, n);
      expect(Buffer.from(signDocBytes(body, auth, chainId, n)).equals(expected)).toBe(true);
      expect(Buffer.from(signDocDigest(body, auth, chainId, n), 'latin1').equals(Buffer.from(sha256(expected)))).toBe(true);
    }
  });
});
