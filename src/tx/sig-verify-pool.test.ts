import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { isLowS, isValidPubKey, verifySecp256k1 } from './secp256k1.js';
import { SigVerifyPool, inlineVerifier, type SigCheck } from './sig-verify-pool.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF = N >> 1n;

function check(i: number, valid: boolean): SigCheck {
  const priv = createHash('sha256').update(`key ${i % 7}`).digest();
  const digest = createHash('sha256').update(`message ${i}`).digest();
  let signature = secp256k1.sign(digest, priv, { prehash: false, lowS: true });
  if (!valid) {
    signature = Uint8Array.from(signature);
    signature[3] = (signature[3] ?? 0) ^ 0xff;
  }
  return { signature, digest, pubKey: secp256k1.getPublicKey(priv, true) };
}

const pool = new SigVerifyPool(2);
afterAll(() => pool.close());

describe('SigVerifyPool', () => {
  it('answers as the inline check does, in order, for batches split across threads', async () => {
    const checks = Array.from({ length: 101 }, (_, i) => check(i, i % 5 !== 0));
    const expected = checks.map((c) => verifySecp256k1(c.signature, c.digest, c.pubKey));
    expect(await pool.verify(checks)).toEqual(expected);
    expect(await inlineVerifier.verify(checks)).toEqual(expected);
    expect(expected.filter((x) => !x)).toHaveLength(21);
  });

  it('says false (never throws) for a public key that is not a curve point', async () => {
    const c = check(1, true);
    const bad = { ...c, pubKey: new Uint8Array(33).fill(7) };
    expect(await pool.verify([bad, c])).toEqual([false, true]);
  });

  it('answers concurrent single checks', async () => {
    const checks = Array.from({ length: 10 }, (_, i) => check(i, i !== 4));
    const answers = await Promise.all(checks.map((c) => pool.verify([c])));
    expect(answers.map((a) => a[0])).toEqual(checks.map((_, i) => i !== 4));
    expect(await pool.verify([])).toEqual([]);
  });

  it('shares a job: the caller takes checks the worker has not reached, and no check is answered twice', async () => {
    const checks = Array.from({ length: 200 }, (_, i) => check(i, i % 7 !== 3));
    const expected = checks.map((c) => verifySecp256k1(c.signature, c.digest, c.pubKey));
    const job = pool.start(checks);
    // The caller takes the last checks at once, the worker has begun at the front.
    const taken = new Map<number, boolean>();
    for (let i = 199; i >= 150; i--) taken.set(i, job.take(i));
    const answers = await job.done;
    for (const [i, valid] of taken) expect(valid).toBe(expected[i]);
    answers.forEach((a, i) => {
      if (a !== undefined) expect(a).toBe(expected[i]);
    });
    // Every check was answered by the worker or taken by the caller (or both read the worker's answer).
    for (let i = 0; i < 200; i++) expect(answers[i] !== undefined || taken.has(i)).toBe(true);
    // Taking after the worker is through gives its answer.
    expect(checks.map((_, i) => job.take(i))).toEqual(expected);
  });

  it('does not keep a process alive when idle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cybermiles-pool-'));
    try {
      const module = fileURLToPath(new URL('./sig-verify-pool.ts', import.meta.url));
      const script = join(dir, 'idle.ts');
      writeFileSync(
        script,
        `import { SigVerifyPool } from ${JSON.stringify(module)};\n` +
          `const pool = new SigVerifyPool(2);\n` +
          `void pool.verify([]).then(() => console.log('done'));\n`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isLowS', () => {
  const sigWithS = (s: bigint): Uint8Array => {
    const sig = new Uint8Array(64).fill(0x11);
    sig.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
    return sig;
  };
  const reference = (s: bigint): boolean => s !== 0n && s <= HALF;

  it('agrees with the big-integer rule at the edges and on random values', () => {
    const edges = [0n, 1n, HALF - 1n, HALF, HALF + 1n, N - 1n, (1n << 256n) - 1n, 1n << 255n, (1n << 255n) - 1n];
    for (const s of edges) expect(isLowS(sigWithS(s)), s.toString(16)).toBe(reference(s));
    for (let i = 0; i < 500; i++) {
      const s = BigInt('0x' + createHash('sha256').update(`s ${i}`).digest('hex')) >> BigInt(i % 3);
      expect(isLowS(sigWithS(s))).toBe(reference(s));
    }
    expect(isLowS(new Uint8Array(63))).toBe(false);
  });
});

describe('isValidPubKey', () => {
  it('accepts a curve point (again from memory) and refuses others', () => {
    const key = secp256k1.getPublicKey(createHash('sha256').update('k').digest(), true);
    expect(isValidPubKey(key)).toBe(true);
    expect(isValidPubKey(key)).toBe(true);
    expect(isValidPubKey(new Uint8Array(33).fill(7))).toBe(false);
    expect(isValidPubKey(key.subarray(0, 32))).toBe(false);
  });
});
