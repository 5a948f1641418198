// Wires the modules into one application. Module order is explicit, each with its reason.
import { CyberMilesApp, type AppOptions } from './app/abci-app.js';
import type { CommittedState } from './app/committed-state.js';
import type { AnyMsgHandler, AppModule } from './app/module.js';
import { QueryRouter } from './app/query-router.js';
import { SIMULATE_PATH, simulateHandler } from './app/simulate.js';
import { TxExecutor } from './app/tx-executor.js';
import { AuthKeeper } from './modules/auth/keeper.js';
import { authModule } from './modules/auth/module.js';
import { DEFAULT_AUTH_PARAMS } from './modules/auth/params.js';
import { BankKeeper } from './modules/bank/keeper.js';
import { bankModule } from './modules/bank/module.js';
import { ArbitrationKeeper } from './modules/arbitration/keeper.js';
import { arbitrationModule } from './modules/arbitration/module.js';
import { ARBITRATION_MODULE } from './modules/arbitration/expected-keepers.js';
import { moduleVault, type ModuleVault } from './modules/bank/module-vault.js';
import { EscrowKeeper } from './modules/escrow/keeper.js';
import { escrowModule } from './modules/escrow/module.js';
import { ESCROW_MODULE } from './modules/escrow/expected-keepers.js';
import { FeesKeeper } from './modules/fees/keeper.js';
import { LendingKeeper } from './modules/lending/keeper.js';
import { lendingModule } from './modules/lending/module.js';
import { LENDING_MODULE, type LendingBank } from './modules/lending/expected-keepers.js';
import { feesModule } from './modules/fees/module.js';
import { ReputationKeeper } from './modules/reputation/keeper.js';
import { reputationArbiterWeights, reputationModule } from './modules/reputation/module.js';
import type { BorrowerRecords } from './modules/reputation/expected-keepers.js';
import { quotaFeePolicy } from './modules/fees/policy.js';
import { feeProposalPolicy } from './modules/fees/proposal-policy.js';
import { SignatureCache } from './tx/signature-cache.js';

/**
 * Genesis order: auth first, so that accounts listed in genesis keep their account numbers;
 * bank then creates accounts (with the next numbers) for balances whose owner auth did not list;
 * fees only sets its parameters;
 * escrow and arbitration last: they create their module accounts and check their locked funds
 * against the balances bank has set;
 * lending after them, for the same reason (its module account takes the next account number);
 * reputation last: it holds no funds, and its invariants only compare its own records.
 */
export const GENESIS_ORDER = ['auth', 'bank', 'fees', 'escrow', 'arbitration', 'lending', 'reputation'] as const;

/**
 * End-block order: escrow first, so that orders whose dispute window closed in this block are
 * released before arbitration's deadlines run; arbitration then activates silent acceptances,
 * penalises missed rulings (which may unwind an order through escrow) and returns bonds;
 * lending last: its defaults and expiries touch only its own account and the parties' balances,
 * and credit histories it updates are read (by [reputation]) from the committed state.
 */
export const END_BLOCK_ORDER = ['escrow', 'arbitration', 'lending'] as const;

export interface Keepers {
  readonly auth: AuthKeeper;
  readonly bank: BankKeeper;
  readonly escrow: EscrowKeeper;
  readonly arbitration: ArbitrationKeeper;
  readonly fees: FeesKeeper;
  readonly lending: LendingKeeper;
  readonly reputation: ReputationKeeper;
}

export function createKeepers(): Keepers & { escrowVault: ModuleVault; arbitrationVault: ModuleVault; lendingBank: LendingBank } {
  const auth = new AuthKeeper();
  const bank = new BankKeeper(auth);
  const escrowVault = moduleVault(bank, ESCROW_MODULE);
  const arbitrationVault = moduleVault(bank, ARBITRATION_MODULE);
  const escrow = new EscrowKeeper(escrowVault);
  // Lending holds offers and collateral in its account, and moves principal and repayments
  // straight between the parties.
  const lendingBank: LendingBank = {
    ...moduleVault(bank, LENDING_MODULE),
    transfer: (ctx, from, to, amount) => bank.send(ctx, from, to, [{ denom: 'ucmt', amount }]),
  };
  const lending = new LendingKeeper(lendingBank);
  // Reputation reads escrow's orders (who may review what) and lending's credit histories: a
  // borrower with repaid or defaulted loans shows lending's score (0..1000) on its 0..5 scale.
  const borrowerRecords: BorrowerRecords = {
    borrowerRecord(store, address) {
      const h = lending.history(store, address);
      const repaidLoans = h.repaidOnTime + h.repaidLate;
      if (repaidLoans === 0n && h.defaulted === 0n) return undefined;
      return { repaidLoans, defaultedLoans: h.defaulted, score: lending.scoreOf(store, address) * 5000n };
    },
  };
  const reputation = new ReputationKeeper(escrow, borrowerRecords);
  // Arbiters are drawn with weight bond × (0.5 + reputation score / 5).
  const arbitration = new ArbitrationKeeper(arbitrationVault, escrow, reputationArbiterWeights(reputation));
  // Escrow calls arbitration when a dispute is raised; arbitration calls escrow to pay out.
  escrow.setHooks(arbitration);
  // Escrow tells reputation of closed orders (trades, lost disputes); arbitration of rulings and
  // missed deadlines. Hooks, so that neither depends on reputation.
  escrow.setOrderHooks(reputation);
  arbitration.setHooks(reputation);
  const fees = new FeesKeeper({
    balanceOf: (store, address) => bank.getBalance(store, address, 'ucmt'),
    // No staking yet: quotas do not grow with stake until [staking] provides bonded amounts.
    bondedOf: () => 0n,
  });
  return { auth, bank, escrow, arbitration, fees, lending, reputation, escrowVault, arbitrationVault, lendingBank };
}

function inOrder(byName: ReadonlyMap<string, AppModule>, names: readonly string[], what: string): AppModule[] {
  return names.map((name) => {
    const m = byName.get(name);
    if (m === undefined) throw new Error(`module ${name} is in ${what} but not wired`);
    return m;
  });
}

export function createApp(
  state: CommittedState,
  opts: AppOptions,
): { app: CyberMilesApp; keepers: Keepers; modules: readonly AppModule[] } {
  const keepers = createKeepers();
  const byName = new Map<string, AppModule>([
    ['auth', authModule(keepers.auth)],
    ['bank', bankModule(keepers.bank)],
    ['fees', feesModule(keepers.fees)],
    ['escrow', escrowModule(keepers.escrow, keepers.escrowVault)],
    ['arbitration', arbitrationModule(keepers.arbitration, keepers.escrow, keepers.arbitrationVault)],
    ['lending', lendingModule(keepers.lending, keepers.lendingBank)],
    ['reputation', reputationModule(keepers.reputation)],
  ]);
  const modules = inOrder(byName, GENESIS_ORDER, 'GENESIS_ORDER');
  const endBlockers = inOrder(byName, END_BLOCK_ORDER, 'END_BLOCK_ORDER');

  const handlers = new Map<string, AnyMsgHandler>();
  for (const m of modules) {
    for (const h of m.msgHandlers) {
      if (handlers.has(h.typeUrl)) throw new Error(`message ${h.typeUrl} registered twice`);
      handlers.set(h.typeUrl, h);
    }
  }
  const executor = new TxExecutor((typeUrl) => handlers.get(typeUrl), {
    auth: keepers.auth,
    feePolicy: quotaFeePolicy(keepers.fees, keepers.bank),
    params: DEFAULT_AUTH_PARAMS,
    sigCache: new SignatureCache(),
  });

  const queries = new QueryRouter(opts.logger);
  for (const m of modules) queries.registerAll(m.queries);
  const proposals = feeProposalPolicy(keepers.fees, (tx) => executor.decode(tx));
  const app = new CyberMilesApp({ state, modules, endBlockers, executor, queries, proposals }, opts);
  queries.register(
    SIMULATE_PATH,
    simulateHandler(executor, () => app.scratch(), () => app.nextBlock()),
  );
  return { app, keepers, modules };
}
