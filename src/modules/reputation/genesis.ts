// reputation genesis, in the proto3 JSON of cybermiles.reputation.v1.GenesisState. Reviews bring
// their index entries and pair counts with them; scores and traders are written as given, and the
// invariants (run on genesis) check that review counts agree.
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisError } from '../../genesis/json.js';
import { GenesisState } from '../../generated/cybermiles/reputation/v1/genesis.js';
import { Role, Side } from '../../generated/cybermiles/reputation/v1/reputation.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { roleReviewedBy, SCORED_ROLES, type ReputationKeeper } from './keeper.js';
import { reputationParams } from './params.js';

export async function initReputationGenesis(k: ReputationKeeper, store: KVStore, state: unknown): Promise<void> {
  const g = parseGenesis(GenesisState.fromJSON, state, 'reputation');
  initParams(store, reputationParams, g.params, 'reputation');
  const roles = SCORED_ROLES as readonly Role[];
  try {
    for (const r of g.reviews) {
      if (r.side !== Side.SIDE_BUYER && r.side !== Side.SIDE_SELLER) throw new GenesisError(`review of order ${r.orderId} has no side`);
      if (r.role !== roleReviewedBy(r.side)) throw new GenesisError(`review of order ${r.orderId} by the ${Side[r.side]} must score ${Role[roleReviewedBy(r.side)]}`);
      k.importReview(store, r);
    }
    for (const s of g.scores) {
      if (!roles.includes(s.role)) throw new GenesisError(`score of ${s.address} must be of role seller, buyer or arbiter`);
      if (k.getScore(store, s.address, s.role) !== undefined) throw new GenesisError(`${s.address} has two ${Role[s.role]} scores`);
      k.setScore(store, s);
    }
    for (const t of g.traders) {
      if (k.getTrader(store, t.address) !== undefined) throw new GenesisError(`trader ${t.address} listed twice`);
      k.setTrader(store, t);
    }
  } catch (e) {
    if (e instanceof GenesisError) throw new GenesisError(`app_state.reputation: ${e.message}`);
    throw new GenesisError(`app_state.reputation: ${(e as Error).message}`);
  }
}

export async function exportReputationGenesis(k: ReputationKeeper, store: KVReader): Promise<unknown> {
  const reviews = [];
  for await (const r of k.iterateReviews(store)) reviews.push(r);
  const scores = [];
  for await (const s of k.iterateScores(store)) scores.push(s);
  const traders = [];
  for await (const t of k.iterateTraders(store)) traders.push(t);
  return GenesisState.toJSON({ params: k.params(store), reviews, scores, traders });
}
