// Fills distribution's DistributionBank from the bank keeper.
import { FEE_COLLECTOR } from '../../tx/fee-policy.js';
import { moduleAddress, parseAddress } from '../auth/address.js';
import type { BankKeeper } from '../bank/keeper.js';
import { DISTRIBUTION_MODULE, type DistributionBank } from './keeper.js';

export function distributionBank(bank: BankKeeper, denom = 'ucmt'): DistributionBank {
  const self = parseAddress(moduleAddress(DISTRIBUTION_MODULE));
  const collector = parseAddress(moduleAddress(FEE_COLLECTOR));
  return {
    supply: (store) => bank.getSupply(store, denom),
    burned: (store) => bank.burned(store, denom),
    mint: (ctx, amount) => bank.mint(ctx, DISTRIBUTION_MODULE, self, [{ denom, amount }]),
    collectFees: (ctx) => {
      const fees = bank.getBalance(ctx.store, collector, denom);
      if (fees > 0n) bank.sendFromModule(ctx, FEE_COLLECTOR, self, [{ denom, amount: fees }]);
      return fees;
    },
    pay: (ctx, to, amount) => bank.sendFromModule(ctx, DISTRIBUTION_MODULE, to, [{ denom, amount }]),
    balance: (store) => bank.getBalance(store, self, denom),
    ensureAccount: (store) => bank.ensureModuleAccount(store, DISTRIBUTION_MODULE),
  };
}
