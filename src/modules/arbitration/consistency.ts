// Cases, arbiters and disputed orders must agree: every open case has a registered arbiter that
// counts it and a disputed order that names it; every disputed order has exactly one open case;
// a leaving arbiter holds none. Checked on genesis import and as an invariant.
import { ArbiterStatus, CaseStatus } from '../../generated/cybermiles/arbitration/v1/arbitration.js';
import type { KVReader } from '../../store/types.js';
import type { DisputedOrders } from './expected-keepers.js';
import type { ArbitrationKeeper } from './keeper.js';

export async function disputeConsistency(k: ArbitrationKeeper, orders: DisputedOrders, store: KVReader): Promise<string | undefined> {
  const openByArbiter = new Map<string, bigint>();
  const openByOrder = new Map<bigint, bigint>();
  for await (const c of k.iterateCases(store)) {
    if (c.status !== CaseStatus.CASE_STATUS_AWAITING_ACCEPTANCE && c.status !== CaseStatus.CASE_STATUS_ACTIVE) continue;
    if (k.getArbiter(store, c.arbiter) === undefined) return `open case ${c.id} is assigned to ${c.arbiter}, who is not a registered arbiter`;
    if (openByOrder.has(c.orderId)) return `order ${c.orderId} has two open cases`;
    openByOrder.set(c.orderId, c.id);
    openByArbiter.set(c.arbiter, (openByArbiter.get(c.arbiter) ?? 0n) + 1n);
  }
  for await (const a of k.iterateArbiters(store)) {
    const n = openByArbiter.get(a.address) ?? 0n;
    if (n !== a.openCases) return `arbiter ${a.address} counts ${a.openCases} open cases but holds ${n}`;
    if (a.status === ArbiterStatus.ARBITER_STATUS_LEAVING && n > 0n) return `leaving arbiter ${a.address} holds ${n} open case(s)`;
  }
  let disputes = 0;
  for await (const d of orders.iterateDisputes(store)) {
    disputes++;
    if (openByOrder.get(d.orderId) !== d.caseId) return `disputed order ${d.orderId} names case ${d.caseId}, which is not its open case`;
  }
  if (disputes !== openByOrder.size) return `${openByOrder.size} open cases but ${disputes} disputed orders`;
  return undefined;
}
