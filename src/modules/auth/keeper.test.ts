import { describe, expect, it } from 'vitest';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { randomBelow } from '../../testing/random.js';
import { decodeAccount, encodeAccount, type Account } from './keeper.js';

const ADDRESS = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';

function randomAccount(below: (n: number) => number): Account {
  const big = (): bigint => (below(4) === 0 ? 0n : BigInt(below(1_000_000)) * BigInt(1 + below(1_000_000)));
  return {
    address: below(5) === 0 ? 'a' : ADDRESS,
    accountNumber: big(),
    sequence: big(),
    pubKey: below(3) === 0 ? undefined : Uint8Array.from({ length: 33 }, () => below(256)),
    module: below(4) === 0 ? { name: below(2) === 0 ? '' : 'bonded_tokens_pool', permissions: below(2) === 0 ? [] : ['burner', 'staking'] } : undefined,
  };
}

describe('account encoding', () => {
  it('decodes back to the account, numbers and sequences from 2^31 to 2^32 - 1 included (see proto-int64.ts)', () => {
    const below = randomBelow(11);
    for (let i = 0; i < 500; i++) {
      const acc = randomAccount(below);
      expect(decodeAccount(Any.decode(Any.encode(encodeAccount(acc)).finish()))).toEqual(acc);
    }
    const edge = { address: ADDRESS, accountNumber: 2n ** 31n, sequence: 2n ** 32n - 1n, pubKey: undefined, module: undefined };
    expect(decodeAccount(Any.decode(Any.encode(encodeAccount(edge)).finish()))).toEqual(edge);
  });
});
