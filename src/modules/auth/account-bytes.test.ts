import { describe, expect, it } from 'vitest';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { randomBelow } from '../../testing/random.js';
import { encodeBaseAccountAny, pubKeyIn } from './account-bytes.js';
import { decodeAccount, encodeAccount, type Account } from './keeper.js';

const below = randomBelow(11);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => below(256));
const text = (n: number, alphabet: string): string => Array.from({ length: n }, () => alphabet[below(alphabet.length)]).join('');
const U64: readonly bigint[] = [0n, 1n, 127n, 128n, 16_383n, 16_384n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
const u64 = (): bigint => (below(2) === 0 ? (U64[below(U64.length)] as bigint) : BigInt(below(2 ** 30)) << BigInt(below(34)));

function randomAccount(): Account {
  const keyLen = [33, 33, 33, 0, 1, 65, 200][below(7)] as number;
  return {
    address: below(10) === 0 ? (below(2) === 0 ? '' : text(below(40), 'aé€😀z')) : 'cmt1' + text(below(60), 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'),
    accountNumber: u64(),
    sequence: u64(),
    pubKey: below(4) === 0 ? undefined : bytes(keyLen),
    module: undefined,
  };
}

/** What setAccount stored before: three cosmjs-types messages, each with its own writer. */
const reference = (acc: Account): number[] => Array.from(Any.encode(encodeAccount(acc)).finish());

describe('encodeBaseAccountAny', () => {
  it("writes exactly cosmjs-types' bytes for 5,000 random accounts", () => {
    for (let i = 0; i < 5000; i++) {
      const acc = randomAccount();
      expect(Array.from(encodeBaseAccountAny(acc))).toEqual(reference(acc));
    }
  });

  it('covers the edge cases: no key, an empty key, everything at its default, negative numbers', () => {
    const cases: Account[] = [
      { address: '', accountNumber: 0n, sequence: 0n, pubKey: undefined, module: undefined },
      { address: '', accountNumber: 0n, sequence: 0n, pubKey: new Uint8Array(0), module: undefined },
      { address: 'cmt1x', accountNumber: 0n, sequence: 5n, pubKey: new Uint8Array(0), module: undefined },
      { address: 'cmt1x', accountNumber: -1n, sequence: -(2n ** 63n), pubKey: bytes(33), module: undefined },
    ];
    for (const acc of cases) expect(Array.from(encodeBaseAccountAny(acc))).toEqual(reference(acc));
  });

  it('reads back as the account it was written from', () => {
    for (let i = 0; i < 500; i++) {
      const acc = randomAccount();
      const back = decodeAccount(Any.decode(encodeBaseAccountAny(acc)));
      expect(back.address).toBe(acc.address);
      expect(back.accountNumber).toBe(acc.accountNumber);
      expect(back.sequence).toBe(acc.sequence);
      expect(back.pubKey === undefined ? undefined : Array.from(back.pubKey)).toEqual(acc.pubKey === undefined ? undefined : Array.from(acc.pubKey));
    }
  });

  it('finds the public key inside the bytes it wrote (pubKeyIn), edge cases included', () => {
    const edge: Account[] = [
      { address: '', accountNumber: 0n, sequence: 0n, pubKey: new Uint8Array(0), module: undefined },
      { address: 'cmt1x', accountNumber: -1n, sequence: -(2n ** 63n), pubKey: bytes(33), module: undefined },
      { address: 'cmt1x', accountNumber: 7n, sequence: 0n, pubKey: undefined, module: undefined },
    ];
    for (const acc of [...edge, ...Array.from({ length: 500 }, () => randomAccount())]) {
      const encoded = encodeBaseAccountAny(acc);
      const found = pubKeyIn(encoded, acc);
      expect(found === undefined ? undefined : Array.from(found)).toEqual(acc.pubKey === undefined ? undefined : Array.from(acc.pubKey));
      if (found !== undefined) expect(found.buffer).toBe(encoded.buffer);
    }
  });
});
