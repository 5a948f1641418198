// The credit score formula, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { CreditHistory } from '../../generated/cybermiles/lending/v1/lending.js';
import { creditScore, STARTING_SCORE } from './score.js';

const h = (p: Partial<CreditHistory>): CreditHistory =>
  CreditHistory.fromPartial({ borrower: 'x', amountBorrowed: '0', amountRepaid: '0', amountDefaulted: '0', ...p });

describe('creditScore = clamp(0, 1000, 500 + min(500, 50 on_time + 20 late) - 150 defaulted - floor(250 min(defaulted_amount, borrowed) / borrowed))', () => {
  it('starts at 500 for a borrower without history (and with loans still running)', () => {
    expect(STARTING_SCORE).toBe(500n);
    expect(creditScore(h({}))).toBe(500n);
    expect(creditScore(h({ loansTaken: 3n, amountBorrowed: '9000' }))).toBe(500n);
  });

  it('earns 50 per loan repaid on time and 20 per late one, up to 500', () => {
    expect(creditScore(h({ repaidOnTime: 1n, amountBorrowed: '10' }))).toBe(550n);
    expect(creditScore(h({ repaidLate: 3n, amountBorrowed: '10' }))).toBe(560n);
    expect(creditScore(h({ repaidOnTime: 4n, repaidLate: 2n, amountBorrowed: '10' }))).toBe(740n);
    expect(creditScore(h({ repaidOnTime: 10n, amountBorrowed: '10' }))).toBe(1000n);
    expect(creditScore(h({ repaidOnTime: 40n, repaidLate: 9n, amountBorrowed: '10' }))).toBe(1000n);
  });

  it('loses 150 per default and up to 250 for the share of the borrowed amount that defaulted', () => {
    // A first loan defaulted with interest on top: the share is capped at 1.
    expect(creditScore(h({ loansTaken: 1n, defaulted: 1n, amountBorrowed: '1000', amountDefaulted: '1100' }))).toBe(100n);
    // One of two equal loans defaulted (its principal only): 500 + 50 - 150 - 125.
    expect(creditScore(h({ loansTaken: 2n, repaidOnTime: 1n, defaulted: 1n, amountBorrowed: '2000', amountDefaulted: '1000' }))).toBe(275n);
    // The share rounds down: 250 / 3 = 83.
    expect(creditScore(h({ defaulted: 1n, amountBorrowed: '3', amountDefaulted: '1' }))).toBe(267n);
    // Ten good loans and a small default still rate well: 1000 - 150 - floor(250 * 5 / 1005) = 849.
    expect(creditScore(h({ repaidOnTime: 10n, defaulted: 1n, amountBorrowed: '1005', amountDefaulted: '5' }))).toBe(849n);
  });

  it('never goes below 0', () => {
    expect(creditScore(h({ defaulted: 4n, amountBorrowed: '4', amountDefaulted: '4' }))).toBe(0n);
  });
});
