// lending genesis, in the proto3 JSON of cybermiles.lending.v1.GenesisState. Import rebuilds the
// indexes and queues from the records; the invariants (run after genesis) check that the lending
// account holds what the records lock and that histories match the loans.
import { ChainError } from '../../errors/chain-error.js';
import { GenesisError } from '../../genesis/json.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState } from '../../generated/cybermiles/lending/v1/genesis.js';
import { LoanStatus, OfferStatus, RequestStatus, type CreditHistory, type Loan, type LoanRequest, type Offer } from '../../generated/cybermiles/lending/v1/lending.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { parseAddress } from '../auth/address.js';
import { parseAmount } from '../bank/coins.js';
import type { LendingBank } from './expected-keepers.js';
import type { LendingKeeper } from './keeper.js';
import { lendingParams } from './params.js';

const MAX_TIME = 1n << 62n;

function check(path: string, ok: boolean, what: string): void {
  if (!ok) throw new GenesisError(`${path}: ${what}`);
}

function amount(path: string, s: string): bigint {
  try {
    return parseAmount(s, path);
  } catch (e) {
    throw new GenesisError(e instanceof ChainError ? e.message : String(e));
  }
}

function address(path: string, s: string): void {
  try {
    parseAddress(s, path);
  } catch (e) {
    throw new GenesisError(e instanceof ChainError ? e.message : String(e));
  }
}

function time(path: string, t: bigint): void {
  check(path, t >= 0n && t < MAX_TIME, `time ${t} out of range`);
}

function validateOffer(path: string, o: Offer): void {
  check(`${path}.id`, o.id > 0n, 'must be positive');
  address(`${path}.lender`, o.lender);
  check(`${path}.amount`, amount(`${path}.amount`, o.amount) > 0n, 'must be positive');
  check(`${path}.status`, o.status >= OfferStatus.OFFER_STATUS_OPEN && o.status <= OfferStatus.OFFER_STATUS_EXPIRED, 'unknown status');
  check(`${path}.min_credit_score`, o.minCreditScore <= 1000, 'must be at most 1000');
  time(`${path}.expires_at`, o.expiresAt);
}

function validateRequest(path: string, r: LoanRequest): void {
  check(`${path}.id`, r.id > 0n, 'must be positive');
  address(`${path}.borrower`, r.borrower);
  check(`${path}.amount`, amount(`${path}.amount`, r.amount) > 0n, 'must be positive');
  amount(`${path}.collateral`, r.collateral);
  check(`${path}.status`, r.status >= RequestStatus.REQUEST_STATUS_OPEN && r.status <= RequestStatus.REQUEST_STATUS_EXPIRED, 'unknown status');
  time(`${path}.expires_at`, r.expiresAt);
}

function validateLoan(path: string, l: Loan): void {
  check(`${path}.id`, l.id > 0n, 'must be positive');
  address(`${path}.lender`, l.lender);
  address(`${path}.borrower`, l.borrower);
  check(path, l.lender !== l.borrower, 'lender and borrower must differ');
  for (const f of ['principal', 'collateral', 'principalOutstanding', 'interestOwed', 'principalRepaid', 'interestPaid', 'owedAtDefault', 'collateralToLender', 'collateralReturned'] as const) {
    amount(`${path}.${f}`, l[f]);
  }
  check(`${path}.status`, l.status >= LoanStatus.LOAN_STATUS_ACTIVE && l.status <= LoanStatus.LOAN_STATUS_DEFAULTED, 'unknown status');
  check(path, l.dueAt <= l.graceEndsAt && l.startedAt <= l.dueAt && l.accruedThrough >= l.startedAt, 'times out of order');
  time(`${path}.grace_ends_at`, l.graceEndsAt);
  if (l.status === LoanStatus.LOAN_STATUS_ACTIVE) check(`${path}.principal_outstanding`, BigInt(l.principalOutstanding) > 0n, 'an active loan owes principal');
}

function validateHistory(path: string, h: CreditHistory): void {
  address(`${path}.borrower`, h.borrower);
  for (const f of ['amountBorrowed', 'amountRepaid', 'amountDefaulted'] as const) amount(`${path}.${f}`, h[f]);
}

function unique(path: string, ids: readonly bigint[]): void {
  const seen = new Set<bigint>();
  for (const id of ids) {
    check(path, !seen.has(id), `id ${id} appears twice`);
    seen.add(id);
  }
}

export async function initLendingGenesis(k: LendingKeeper, bank: LendingBank, store: KVStore, state: unknown): Promise<void> {
  bank.ensureAccount(store);
  const g = parseGenesis(GenesisState.fromJSON, state, 'lending');
  initParams(store, lendingParams, g.params, 'lending');
  const P = 'app_state.lending';
  g.offers.forEach((o, i) => validateOffer(`${P}.offers[${i}]`, o));
  g.requests.forEach((r, i) => validateRequest(`${P}.requests[${i}]`, r));
  g.loans.forEach((l, i) => validateLoan(`${P}.loans[${i}]`, l));
  g.histories.forEach((h, i) => validateHistory(`${P}.histories[${i}]`, h));
  unique(`${P}.offers`, g.offers.map((o) => o.id));
  unique(`${P}.requests`, g.requests.map((r) => r.id));
  unique(`${P}.loans`, g.loans.map((l) => l.id));
  const borrowers = new Set<string>();
  for (const h of g.histories) {
    check(`${P}.histories`, !borrowers.has(h.borrower), `borrower ${h.borrower} appears twice`);
    borrowers.add(h.borrower);
  }
  const next = (given: bigint, ids: readonly bigint[]): bigint => ids.reduce((n, id) => (id >= n ? id + 1n : n), given === 0n ? 1n : given);
  for (const o of g.offers) k.importOffer(store, o);
  for (const r of g.requests) k.importRequest(store, r);
  for (const l of g.loans) k.importLoan(store, l);
  for (const h of g.histories) k.importHistory(store, h);
  k.setNextIds(store, {
    offer: next(g.nextOfferId, g.offers.map((o) => o.id)),
    request: next(g.nextRequestId, g.requests.map((r) => r.id)),
    loan: next(g.nextLoanId, g.loans.map((l) => l.id)),
  });
}

export async function exportLendingGenesis(k: LendingKeeper, store: KVReader): Promise<unknown> {
  const offers: Offer[] = [];
  const requests: LoanRequest[] = [];
  const loans: Loan[] = [];
  const histories: CreditHistory[] = [];
  for await (const o of k.iterateOffers(store)) offers.push(o);
  for await (const r of k.iterateRequests(store)) requests.push(r);
  for await (const l of k.iterateLoans(store)) loans.push(l);
  for await (const h of k.iterateHistories(store)) histories.push(h);
  return GenesisState.toJSON({
    params: k.params(store),
    offers,
    requests,
    loans,
    histories,
    nextOfferId: k.nextOfferId(store),
    nextRequestId: k.nextRequestId(store),
    nextLoanId: k.nextLoanId(store),
  });
}
