// escrow parameters: defaults, validation, and their place in state.
import { Params } from '../../generated/cybermiles/escrow/v1/escrow.js';
import { moduleParams } from '../../app/module-params.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';

export const DEFAULT_ESCROW_PARAMS: Params = {
  minDepositBps: 1000,
  minDisputeWindowSeconds: 60n,
  maxDisputeWindowSeconds: 90n * 24n * 3600n,
  maxDeliverySeconds: 180n * 24n * 3600n,
  maxTimedTransitionsPerBlock: 1000,
  maxEvidencePerSide: 10,
  maxPayloadBytes: 4096,
  maxTextLength: 512,
};

export function validateEscrowParams(p: Params): string | undefined {
  if (p.minDepositBps > 10_000) return 'min_deposit_bps must be at most 10000';
  if (p.minDisputeWindowSeconds <= 0n) return 'min_dispute_window_seconds must be positive';
  if (p.maxDisputeWindowSeconds < p.minDisputeWindowSeconds) return 'max_dispute_window_seconds is below the minimum';
  if (p.maxDeliverySeconds <= 0n) return 'max_delivery_seconds must be positive';
  if (p.maxTimedTransitionsPerBlock <= 0) return 'max_timed_transitions_per_block must be positive';
  if (p.maxEvidencePerSide <= 0) return 'max_evidence_per_side must be positive';
  if (p.maxPayloadBytes <= 0) return 'max_payload_bytes must be positive';
  if (p.maxTextLength <= 0) return 'max_text_length must be positive';
  return undefined;
}

export const escrowParams = moduleParams(PARAMS_KEY, Params, DEFAULT_ESCROW_PARAMS, validateEscrowParams);
export const getEscrowParams = (store: KVReader): Params => escrowParams.get(store);
