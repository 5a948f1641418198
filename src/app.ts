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
import { zeroFeePolicy } from './tx/fee-policy.js';
import { SignatureCache } from './tx/signature-cache.js';

/**
 * Genesis order: auth first, so that accounts listed in genesis keep their account numbers;
 * bank then creates accounts (with the next numbers) for balances whose owner auth did not list.
 */
export const GENESIS_ORDER = ['auth', 'bank'] as const;

export interface Keepers {
  readonly auth: AuthKeeper;
  readonly bank: BankKeeper;
}

export function createKeepers(): Keepers {
  const auth = new AuthKeeper();
  return { auth, bank: new BankKeeper(auth) };
}

export function createApp(
  state: CommittedState,
  opts: AppOptions,
): { app: CyberMilesApp; keepers: Keepers; modules: readonly AppModule[] } {
  const keepers = createKeepers();
  const byName = new Map<string, AppModule>([
    ['auth', authModule(keepers.auth)],
    ['bank', bankModule(keepers.bank)],
  ]);
  const modules = GENESIS_ORDER.map((name) => {
    const m = byName.get(name);
    if (m === undefined) throw new Error(`module ${name} is in GENESIS_ORDER but not wired`);
    return m;
  });

  const handlers = new Map<string, AnyMsgHandler>();
  for (const m of modules) {
    for (const h of m.msgHandlers) {
      if (handlers.has(h.typeUrl)) throw new Error(`message ${h.typeUrl} registered twice`);
      handlers.set(h.typeUrl, h);
    }
  }
  const executor = new TxExecutor((typeUrl) => handlers.get(typeUrl), {
    auth: keepers.auth,
    feePolicy: zeroFeePolicy(keepers.bank),
    params: DEFAULT_AUTH_PARAMS,
    sigCache: new SignatureCache(),
  });

  const queries = new QueryRouter(opts.logger);
  for (const m of modules) queries.registerAll(m.queries);
  const app = new CyberMilesApp({ state, modules, executor, queries }, opts);
  queries.register(
    SIMULATE_PATH,
    simulateHandler(executor, () => app.scratch(), () => app.nextBlock()),
  );
  return { app, keepers, modules };
}
