// slashing invariant: each signing info's missed counter is the number of missed indexes kept for
// it, all inside the window.
import type { Invariant } from '../../app/module.js';
import type { SlashingKeeper } from './keeper.js';
import { slashingRules } from './params.js';

export function missedBlocksInvariant(k: SlashingKeeper): Invariant {
  return {
    name: 'slashing/missed-blocks',
    async check(store) {
      const window = slashingRules(store).window;
      for await (const { cons, info } of k.iterateSigningInfos(store)) {
        const missed = await k.missedIndexes(store, cons);
        if (BigInt(missed.length) !== info.missedBlocksCounter) return `${info.address} counts ${info.missedBlocksCounter} missed blocks, ${missed.length} are kept`;
        if (missed.some((i) => i >= window)) return `${info.address} has a missed index outside the window of ${window}`;
      }
      return undefined;
    },
  };
}
