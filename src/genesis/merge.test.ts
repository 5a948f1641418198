import { describe, expect, it } from 'vitest';
import { mergeAppState } from './merge.js';

describe('mergeAppState', () => {
  it('merges objects key by key and replaces everything else', () => {
    const base = { bank: { balances: [1, 2], params: { a: 1, b: 2 } }, auth: { accounts: [] } };
    const merged = mergeAppState(base, { bank: { balances: [3], params: { b: 9 } }, escrow: { params: { x: 1 } } });
    expect(merged).toEqual({ bank: { balances: [3], params: { a: 1, b: 9 } }, auth: { accounts: [] }, escrow: { params: { x: 1 } } });
    expect(base.bank.params.b).toBe(2);
  });
});
