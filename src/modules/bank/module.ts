// bank module adapter: wires the keeper's messages, queries, genesis and invariants.
import { eraseMsgHandler, type AppModule } from '../../app/module.js';
import { exportBankGenesis, initBankGenesis } from './genesis.js';
import { totalSupplyInvariant } from './invariants.js';
import type { BankKeeper } from './keeper.js';
import { msgMultiSendHandler } from './msg-multi-send.js';
import { msgSendHandler } from './msg-send.js';
import { bankQueries } from './queries.js';

export function bankModule(bank: BankKeeper): AppModule {
  return {
    name: 'bank',
    msgHandlers: [eraseMsgHandler(msgSendHandler(bank)), eraseMsgHandler(msgMultiSendHandler(bank))],
    queries: bankQueries(bank),
    invariants: [totalSupplyInvariant(bank)],
    initGenesis: (store, state) => initBankGenesis(bank, store, state),
    exportGenesis: (store) => exportBankGenesis(bank, store),
  };
}
