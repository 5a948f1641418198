// bank invariants: the supply of each denom equals the sum of all balances of it.
import type { Invariant } from '../../app/module.js';
import type { KVReader } from '../../store/types.js';
import type { BankKeeper } from './keeper.js';

export function totalSupplyInvariant(bank: BankKeeper): Invariant {
  return {
    name: 'bank/total-supply',
    async check(store: KVReader) {
      const sums = new Map<string, bigint>();
      for await (const { coin } of bank.iterateBalances(store)) sums.set(coin.denom, (sums.get(coin.denom) ?? 0n) + coin.amount);
      const problems: string[] = [];
      const supplied = new Set<string>();
      for await (const s of bank.iterateSupply(store)) {
        supplied.add(s.denom);
        const sum = sums.get(s.denom) ?? 0n;
        if (sum !== s.amount) problems.push(`${s.denom}: supply ${s.amount}, sum of balances ${sum}`);
      }
      for (const [denom, sum] of sums) if (!supplied.has(denom)) problems.push(`${denom}: no supply, sum of balances ${sum}`);
      return problems.length === 0 ? undefined : problems.join('; ');
    },
  };
}
