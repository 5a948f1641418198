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
import { ARBITRATION_MODULE, bondWeights } from './modules/arbitration/expected-keepers.js';
import { moduleVault, type ModuleVault } from './modules/bank/module-vault.js';
import { EscrowKeeper } from './modules/escrow/keeper.js';
import { escrowModule } from './modules/escrow/module.js';
import { ESCROW_MODULE } from './modules/escrow/expected-keepers.js';
import { FeesKeeper } from './modules/fees/keeper.js';
import { feesModule } from './modules/fees/module.js';
import { quotaFeePolicy } from './modules/fees/policy.js';
import { feeProposalPolicy } from './modules/fees/proposal-policy.js';
import { SignatureCache } from './tx/signature-cache.js';

/**
 * Genesis order: auth first, so that accounts listed in genesis keep their account numbers;
 * bank then creates accounts (with the next numbers) for balances whose owner auth did not list;
 * fees only sets its parameters;
 * escrow and arbitration last: they create their module accounts and check their locked funds
 * against the balances bank has set.
 */
export const GENESIS_ORDER = ['auth', 'bank', 'fees', 'escrow', 'arbitration'] as const;

/**
 * End-block order: escrow first, so that orders whose dispute window closed in this block are
 * released before arbitration's deadlines run; arbitration then activates silent acceptances,
 * penalises missed rulings (which may unwind an order through escrow) and returns bonds.
 */
export const END_BLOCK_ORDER = ['escrow', 'arbitration'] as const;

export interface Keepers {
  readonly auth: AuthKeeper;
  readonly bank: BankKeeper;
  readonly escrow: EscrowKeeper;
  readonly arbitration: ArbitrationKeeper;
  readonly fees: FeesKeeper;
}

export function createKeepers(): Keepers & { escrowVault: ModuleVault; arbitrationVault: ModuleVault } {
  const auth = new AuthKeeper();
  const bank = new BankKeeper(auth);
  const escrowVault = moduleVault(bank, ESCROW_MODULE);
  const arbitrationVault = moduleVault(bank, ARBITRATION_MODULE);
  const escrow = new EscrowKeeper(escrowVault);
  const arbitration = new ArbitrationKeeper(arbitrationVault, escrow, bondWeights);
  // Escrow calls arbitration when a dispute is raised; arbitration calls escrow to pay out.
  escrow.setHooks(arbitration);
  const fees = new FeesKeeper({
    balanceOf: (store, address) => bank.getBalance(store, address, 'ucmt'),
    // No staking yet: quotas do not grow with stake until [staking] provides bonded amounts.
    bondedOf: () => 0n,
  });
  return { auth, bank, escrow, arbitration, fees, escrowVault, arbitrationVault };
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
