// arbitration state keys: arbiters by address (the draw walks them in this order), cases by id,
// cases by arbiter, and two time-ordered queues (case deadlines, bond releases).
import { concat, lengthPrefixed, uint64BE, utf8 } from '../../util/bytes.js';

const P = utf8('arb/');
export const PARAMS_KEY = concat(P, utf8('params'));
export const NEXT_CASE_ID_KEY = concat(P, utf8('next_case_id'));
export const ARBITER_PREFIX = concat(P, utf8('a/'));
export const CASE_PREFIX = concat(P, utf8('c/'));
export const BY_ARBITER_PREFIX = concat(P, utf8('x/'));
export const DEADLINE_QUEUE_PREFIX = concat(P, utf8('q/'));
export const UNBOND_QUEUE_PREFIX = concat(P, utf8('u/'));
export const PRESENT = Uint8Array.of(1);

export enum DeadlineKind {
  Acceptance = 1,
  Ruling = 2,
}

export const arbiterKey = (address: Uint8Array): Uint8Array => concat(ARBITER_PREFIX, address);
export const caseKey = (id: bigint): Uint8Array => concat(CASE_PREFIX, uint64BE(id));
export const byArbiterPrefix = (arbiter: Uint8Array): Uint8Array => concat(BY_ARBITER_PREFIX, lengthPrefixed(arbiter));
export const byArbiterKey = (arbiter: Uint8Array, caseId: bigint): Uint8Array => concat(byArbiterPrefix(arbiter), uint64BE(caseId));
export const deadlineKey = (time: bigint, caseId: bigint, kind: DeadlineKind): Uint8Array =>
  concat(DEADLINE_QUEUE_PREFIX, uint64BE(time), uint64BE(caseId), Uint8Array.of(kind));
export const unbondKey = (time: bigint, arbiter: Uint8Array): Uint8Array => concat(UNBOND_QUEUE_PREFIX, uint64BE(time), arbiter);

export function parseDeadlineKey(key: Uint8Array): { caseId: bigint; kind: DeadlineKind } {
  const view = new DataView(key.buffer, key.byteOffset, key.length);
  const at = DEADLINE_QUEUE_PREFIX.length + 8;
  return { caseId: view.getBigUint64(at), kind: key[at + 8] as DeadlineKind };
}
