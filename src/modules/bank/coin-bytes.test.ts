import { describe, expect, it } from 'vitest';
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { randomBelow } from '../../testing/random.js';
import { encodeCoin } from './coin-bytes.js';

const below = randomBelow(12);
const text = (n: number, alphabet: string): string => Array.from({ length: n }, () => alphabet[below(alphabet.length)]).join('');

describe('encodeCoin', () => {
  it("writes exactly cosmjs-types' bytes, ASCII or not, empty fields omitted alike", () => {
    const pairs: [string, string][] = [
      ['', ''],
      ['ucmt', ''],
      ['', '0'],
      ['ucmt', '1'],
      ['ibc/' + 'A'.repeat(64), (2n ** 256n - 1n).toString()],
      ['dénom', '12'],
      ['😀', '7'],
    ];
    for (let i = 0; i < 3000; i++) pairs.push([text(below(140), below(5) === 0 ? 'aé€😀/' : 'abcxyz/019'), text(below(90), '0123456789')]);
    for (const [denom, amount] of pairs) {
      expect(Array.from(encodeCoin(denom, amount))).toEqual(Array.from(Coin.encode({ denom, amount }).finish()));
    }
  });
});
