import { describe, expect, it } from 'vitest';
import { ChainError } from '../../errors/chain-error.js';
import { ErrInvalidCoins } from '../../errors/sdk-errors.js';
import { coinsEqual, formatCoins, MAX_AMOUNT, parseAmount, parseCoins, sumCoins, toCoin, validateDenom, type Amount } from './coins.js';

/** Runs `f`, which must throw ErrInvalidCoins (sdk/10); returns the error's message. */
function invalidCoins(f: () => unknown): string {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ChainError);
  expect(ErrInvalidCoins.is(caught)).toBe(true);
  const err = caught as ChainError;
  expect(err.codespace).toBe('sdk');
  expect(err.code).toBe(10);
  return err.message;
}

const c = (amount: string, denom = 'ucmt') => ({ denom, amount });

describe('validateDenom', () => {
  it.each(['ucmt', 'CMT', 'abc', 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2', 'a:b.c_d-e/f', 'a'.repeat(128)])(
    'accepts %s',
    (denom) => {
      expect(() => validateDenom(denom)).not.toThrow();
    },
  );

  it.each(['', 'ab', '1abc', '/abc', 'uc mt', 'ucmt!', 'a'.repeat(129), 'ücmt'])('refuses %j with ErrInvalidCoins', (denom) => {
    invalidCoins(() => validateDenom(denom));
  });

  it('names the field in the message', () => {
    expect(invalidCoins(() => validateDenom('x', 'fee.amount[0].denom'))).toContain('fee.amount[0].denom');
  });
});

describe('parseAmount', () => {
  it('parses whole numbers, including zero and leading zeros', () => {
    expect(parseAmount('0')).toBe(0n);
    expect(parseAmount('1')).toBe(1n);
    expect(parseAmount('000123')).toBe(123n);
    expect(parseAmount('1000000000000000000000000')).toBe(10n ** 24n);
  });

  it('refuses negative amounts, saying so', () => {
    expect(invalidCoins(() => parseAmount('-1'))).toContain('negative');
    expect(invalidCoins(() => parseAmount('-0'))).toContain('negative');
  });

  it.each(['', ' 1', '1 ', '+1', '1.5', '1e3', '0x10', 'ten', '١٢', '1_000'])('refuses non-digits %j', (amount) => {
    expect(invalidCoins(() => parseAmount(amount))).toContain('not a whole number');
  });

  it('accepts exactly 2^256 - 1 and refuses 2^256', () => {
    expect(MAX_AMOUNT).toBe(2n ** 256n - 1n);
    expect(parseAmount((2n ** 256n - 1n).toString())).toBe(MAX_AMOUNT);
    expect(invalidCoins(() => parseAmount((2n ** 256n).toString()))).toContain('overflows 256 bits');
  });

  it('refuses huge strings by length before converting them', () => {
    // 2^256 has 78 digits, so any 79-digit value overflows; a megabyte of nines is refused cheaply.
    expect(invalidCoins(() => parseAmount('1' + '0'.repeat(78)))).toContain('overflows');
    expect(invalidCoins(() => parseAmount('9'.repeat(78)))).toContain('overflows');
    expect(invalidCoins(() => parseAmount('9'.repeat(1_000_000)))).toContain('overflows');
  });

  it('treats leading zeros of a 78-digit-or-less value as a number, but a longer string as overflow', () => {
    // A 79-character string is refused even when its value is small: the length check comes first.
    expect(invalidCoins(() => parseAmount('0'.repeat(78) + '1'))).toContain('overflows');
  });

  it('names the field', () => {
    expect(invalidCoins(() => parseAmount('x', 'amount[3].amount'))).toContain('amount[3].amount');
  });
});

describe('parseCoins', () => {
  it('parses sorted, unique, positive coins', () => {
    expect(parseCoins([c('5', 'atom'), c('7', 'ucmt')], 'amount')).toEqual([
      { denom: 'atom', amount: 5n },
      { denom: 'ucmt', amount: 7n },
    ]);
  });

  it('refuses an empty list unless allowEmpty', () => {
    expect(invalidCoins(() => parseCoins([], 'amount'))).toContain('amount is empty');
    expect(parseCoins([], 'amount', { allowEmpty: true })).toEqual([]);
  });

  it('refuses zero unless allowZero', () => {
    expect(invalidCoins(() => parseCoins([c('0')], 'amount'))).toContain('not positive');
    expect(parseCoins([c('0')], 'fee', { allowZero: true })).toEqual([{ denom: 'ucmt', amount: 0n }]);
  });

  it('refuses negative and non-digit amounts, naming the index', () => {
    expect(invalidCoins(() => parseCoins([c('1', 'atom'), c('-1')], 'amount'))).toContain('amount[1].amount');
    expect(invalidCoins(() => parseCoins([c('1.0')], 'amount'))).toContain('amount[0].amount');
  });

  it('refuses an overflowing amount', () => {
    expect(invalidCoins(() => parseCoins([c((2n ** 256n).toString())], 'amount'))).toContain('overflows');
    expect(parseCoins([c(MAX_AMOUNT.toString())], 'amount')).toEqual([{ denom: 'ucmt', amount: MAX_AMOUNT }]);
  });

  it('refuses unsorted denoms', () => {
    expect(invalidCoins(() => parseCoins([c('1', 'ucmt'), c('1', 'atom')], 'amount'))).toContain('sorted and unique');
  });

  it('refuses duplicate denoms', () => {
    expect(invalidCoins(() => parseCoins([c('1'), c('2')], 'amount'))).toContain('sorted and unique');
  });

  it('sorts by code unit (byte) order: upper case before lower case', () => {
    expect(() => parseCoins([c('1', 'CMT'), c('1', 'cmt')], 'amount')).not.toThrow();
    invalidCoins(() => parseCoins([c('1', 'cmt'), c('1', 'CMT')], 'amount'));
  });

  it('refuses an invalid denom, naming it', () => {
    expect(invalidCoins(() => parseCoins([c('1', 'x')], 'amount'))).toContain('amount[0].denom');
  });
});

describe('sumCoins', () => {
  it('sums equal denoms and sorts the result', () => {
    const a: Amount[] = [
      { denom: 'ucmt', amount: 3n },
      { denom: 'atom', amount: 1n },
    ];
    const b: Amount[] = [
      { denom: 'btc', amount: 2n },
      { denom: 'ucmt', amount: 4n },
    ];
    expect(sumCoins([a, b])).toEqual([
      { denom: 'atom', amount: 1n },
      { denom: 'btc', amount: 2n },
      { denom: 'ucmt', amount: 7n },
    ]);
  });

  it('returns an empty list for no lists or empty lists', () => {
    expect(sumCoins([])).toEqual([]);
    expect(sumCoins([[], []])).toEqual([]);
  });

  it('does not cap at 256 bits (callers bound their inputs)', () => {
    expect(sumCoins([[{ denom: 'ucmt', amount: MAX_AMOUNT }], [{ denom: 'ucmt', amount: 1n }]])).toEqual([{ denom: 'ucmt', amount: 2n ** 256n }]);
  });
});

describe('coinsEqual', () => {
  const x: Amount[] = [
    { denom: 'atom', amount: 1n },
    { denom: 'ucmt', amount: 2n },
  ];
  it('compares denoms and amounts in order', () => {
    expect(coinsEqual(x, [...x])).toBe(true);
    expect(coinsEqual([], [])).toBe(true);
    expect(coinsEqual(x, [{ denom: 'atom', amount: 1n }])).toBe(false);
    expect(coinsEqual(x, [{ denom: 'atom', amount: 1n }, { denom: 'ucmt', amount: 3n }])).toBe(false);
    expect(coinsEqual(x, [{ denom: 'atom', amount: 1n }, { denom: 'uosmo', amount: 2n }])).toBe(false);
    expect(coinsEqual(x, [...x].reverse())).toBe(false);
  });
});

describe('formatCoins and toCoin', () => {
  it('formats as the SDK does: amount then denom, comma separated', () => {
    expect(formatCoins([])).toBe('');
    expect(formatCoins([{ denom: 'ucmt', amount: 5n }])).toBe('5ucmt');
    expect(formatCoins([{ denom: 'atom', amount: 1n }, { denom: 'ucmt', amount: MAX_AMOUNT }])).toBe(`1atom,${MAX_AMOUNT}ucmt`);
  });

  it('round-trips through toCoin and parseCoins', () => {
    const amounts: Amount[] = [{ denom: 'atom', amount: 1n }, { denom: 'ucmt', amount: MAX_AMOUNT }];
    expect(parseCoins(amounts.map(toCoin), 'amount')).toEqual(amounts);
  });
});
