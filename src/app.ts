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
import { StakingKeeper } from './modules/staking/keeper.js';
import { stakingModule, stakingValidatorSet } from './modules/staking/module.js';
import { stakingBank } from './modules/staking/bank-adapter.js';
import type { StakingBank } from './modules/staking/expected-keepers.js';
import { DistributionKeeper, type DistributionBank } from './modules/distribution/keeper.js';
import { distributionModule } from './modules/distribution/module.js';
import { distributionBank } from './modules/distribution/bank-adapter.js';
import { SlashingKeeper } from './modules/slashing/keeper.js';
import { slashingModule } from './modules/slashing/module.js';

/**
 * Genesis order: auth first, so that accounts listed in genesis keep their account numbers;
 * bank then creates accounts (with the next numbers) for balances whose owner auth did not list;
 * fees only sets its parameters;
 * escrow and arbitration last: they create their module accounts and check their locked funds
 * against the balances bank has set;
 * lending after them, for the same reason (its module account takes the next account number);
 * reputation: it holds no funds, and its invariants only compare its own records;
 * staking then: genesis validators bond their self-bond from balances bank has set, and its two
 * pool accounts take the next account numbers (so nobody else's change);
 * distribution: it records the genesis supply (inflation's base) once bank has minted it,
 * and its account takes the next number;
 * slashing last: its params and the signing infos of validators staking has created (it holds
 * no funds and creates no accounts).
 */
export const GENESIS_ORDER = ['auth', 'bank', 'fees', 'escrow', 'arbitration', 'lending', 'reputation', 'staking', 'distribution', 'slashing'] as const;

/**
 * Begin-block order (before the block's txs): slashing only, as in the SDK, where slashing's
 * BeginBlock runs long before staking's EndBlock: double-sign evidence and the previous block's
 * missed votes jail and slash validators first, so that distribution's awards of this block and
 * staking's end-block ranking (after every other end-blocker) already see the jailed validators
 * out of the power index and remove them from CometBFT's set in this block's validator updates.
 */
export const BEGIN_BLOCK_ORDER = ['slashing'] as const;

/**
 * End-block order: escrow first, so that orders whose dispute window closed in this block are
 * released before arbitration's deadlines run; arbitration then activates silent acceptances,
 * penalises missed rulings (which may unwind an order through escrow) and returns bonds;
 * lending last: its defaults and expiries touch only its own account and the parties' balances,
 * and credit histories it updates are read (by [reputation]) from the committed state;
 * distribution: the block's awards (inflation, the fees collected in it) go to the set that
 * served the block, before anything changes that set;
 * staking last: it pays out matured unbonding entries; after it (in the app, not a module
 * end-blocker) the validator set is ranked and its changes go to CometBFT, so that every stake
 * change of the block counts.
 */
export const END_BLOCK_ORDER = ['escrow', 'arbitration', 'lending', 'distribution', 'staking'] as const;

export interface Keepers {
  readonly auth: AuthKeeper;
  readonly bank: BankKeeper;
  readonly escrow: EscrowKeeper;
  readonly arbitration: ArbitrationKeeper;
  readonly fees: FeesKeeper;
  readonly lending: LendingKeeper;
  readonly reputation: ReputationKeeper;
  readonly staking: StakingKeeper;
  readonly distribution: DistributionKeeper;
  readonly slashing: SlashingKeeper;
}

export function createKeepers(): Keepers & {
  escrowVault: ModuleVault;
  arbitrationVault: ModuleVault;
  lendingBank: LendingBank;
  stakingBank: StakingBank;
  distributionBank: DistributionBank;
} {
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
  const stakingPools = stakingBank(bank);
  const staking = new StakingKeeper(stakingPools);
  const distBank = distributionBank(bank);
  const distribution = new DistributionKeeper(distBank, staking);
  // Distribution pays a delegation's rewards before its stake changes, and records slashes (F1).
  staking.setHooks(distribution);
  // Slashing jails, slashes and unjails through staking.
  const slashing = new SlashingKeeper(staking);
  const fees = new FeesKeeper({
    balanceOf: (store, address) => bank.getBalance(store, address, 'ucmt'),
    // Quotas grow with the ucmt the account has delegated (over all validators).
    bondedOf: (store, address) => staking.delegatedTotal(store, address),
  });
  return {
    auth,
    bank,
    escrow,
    arbitration,
    fees,
    lending,
    reputation,
    staking,
    distribution,
    slashing,
    escrowVault,
    arbitrationVault,
    lendingBank,
    stakingBank: stakingPools,
    distributionBank: distBank,
  };
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
    ['staking', stakingModule(keepers.staking, keepers.stakingBank)],
    ['distribution', distributionModule(keepers.distribution, keepers.staking, keepers.distributionBank)],
    ['slashing', slashingModule(keepers.slashing)],
  ]);
  const modules = inOrder(byName, GENESIS_ORDER, 'GENESIS_ORDER');
  const beginBlockers = inOrder(byName, BEGIN_BLOCK_ORDER, 'BEGIN_BLOCK_ORDER');
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
  const validatorSet = stakingValidatorSet(keepers.staking);
  const app = new CyberMilesApp({ state, modules, beginBlockers, endBlockers, executor, queries, proposals, validatorSet }, opts);
  queries.register(
    SIMULATE_PATH,
    simulateHandler(executor, () => app.scratch(), () => app.nextBlock()),
  );
  return { app, keepers, modules };
}
