// escrow genesis, in the proto3 JSON of cybermiles.escrow.v1.GenesisState.
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState } from '../../generated/cybermiles/escrow/v1/genesis.js';
import type { Evidence } from '../../generated/cybermiles/escrow/v1/escrow.js';
import type { KVReader, KVStore } from '../../store/types.js';
import type { ModuleVault } from '../bank/module-vault.js';
import type { EscrowKeeper } from './keeper.js';
import { escrowParams } from './params.js';

export async function initEscrowGenesis(k: EscrowKeeper, vault: ModuleVault, store: KVStore, state: unknown): Promise<void> {
  vault.ensureAccount(store);
  const g = parseGenesis(GenesisState.fromJSON, state, 'escrow');
  initParams(store, escrowParams, g.params, 'escrow');
  let next = g.nextOrderId === 0n ? 1n : g.nextOrderId;
  for (const order of g.orders) {
    if (order.id >= next) next = order.id + 1n;
    k.importOrder(store, order);
  }
  const seqs = new Map<bigint, number>();
  for (const e of g.evidence) {
    const seq = seqs.get(e.orderId) ?? 0;
    k.importEvidence(store, e, seq);
    seqs.set(e.orderId, seq + 1);
  }
  k.setNextOrderId(store, next);
}

export async function exportEscrowGenesis(k: EscrowKeeper, store: KVReader): Promise<unknown> {
  const orders = [];
  const evidence: Evidence[] = [];
  for await (const o of k.iterateOrders(store)) {
    orders.push(o);
    evidence.push(...(await k.evidenceOf(store, o.id)));
  }
  return GenesisState.toJSON({ params: k.params(store), orders, evidence, nextOrderId: k.nextOrderId(store) });
}
