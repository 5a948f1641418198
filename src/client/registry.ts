// A CosmJS registry with Cosmos' default types and CyberMiles' own messages.
import { Registry, type GeneratedType } from '@cosmjs/proto-signing';
import { defaultRegistryTypes } from '@cosmjs/stargate';
import * as arbitration from '../generated/cybermiles/arbitration/v1/tx.js';
import * as escrow from '../generated/cybermiles/escrow/v1/tx.js';
import * as lending from '../generated/cybermiles/lending/v1/tx.js';
import * as reputation from '../generated/cybermiles/reputation/v1/tx.js';

export const escrowTypes: ReadonlyArray<[string, GeneratedType]> = [
  ['/cybermiles.escrow.v1.MsgCreateOrder', escrow.MsgCreateOrder],
  ['/cybermiles.escrow.v1.MsgAcceptOrder', escrow.MsgAcceptOrder],
  ['/cybermiles.escrow.v1.MsgDeclineOrder', escrow.MsgDeclineOrder],
  ['/cybermiles.escrow.v1.MsgCancelOrder', escrow.MsgCancelOrder],
  ['/cybermiles.escrow.v1.MsgShipOrder', escrow.MsgShipOrder],
  ['/cybermiles.escrow.v1.MsgConfirmReceipt', escrow.MsgConfirmReceipt],
  ['/cybermiles.escrow.v1.MsgProposeSettlement', escrow.MsgProposeSettlement],
  ['/cybermiles.escrow.v1.MsgAcceptSettlement', escrow.MsgAcceptSettlement],
  ['/cybermiles.escrow.v1.MsgRaiseDispute', escrow.MsgRaiseDispute],
  ['/cybermiles.escrow.v1.MsgSubmitEvidence', escrow.MsgSubmitEvidence],
];

export const arbitrationTypes: ReadonlyArray<[string, GeneratedType]> = [
  ['/cybermiles.arbitration.v1.MsgRegisterArbiter', arbitration.MsgRegisterArbiter],
  ['/cybermiles.arbitration.v1.MsgUnbondArbiter', arbitration.MsgUnbondArbiter],
  ['/cybermiles.arbitration.v1.MsgRespondToArbiter', arbitration.MsgRespondToArbiter],
  ['/cybermiles.arbitration.v1.MsgRule', arbitration.MsgRule],
];

export const lendingTypes: ReadonlyArray<[string, GeneratedType]> = [
  ['/cybermiles.lending.v1.MsgCreateOffer', lending.MsgCreateOffer],
  ['/cybermiles.lending.v1.MsgCancelOffer', lending.MsgCancelOffer],
  ['/cybermiles.lending.v1.MsgCreateRequest', lending.MsgCreateRequest],
  ['/cybermiles.lending.v1.MsgCancelRequest', lending.MsgCancelRequest],
  ['/cybermiles.lending.v1.MsgTakeOffer', lending.MsgTakeOffer],
  ['/cybermiles.lending.v1.MsgFundRequest', lending.MsgFundRequest],
  ['/cybermiles.lending.v1.MsgRepay', lending.MsgRepay],
];

export const reputationTypes: ReadonlyArray<[string, GeneratedType]> = [
  ['/cybermiles.reputation.v1.MsgSubmitReview', reputation.MsgSubmitReview],
  ['/cybermiles.reputation.v1.MsgReplyToReview', reputation.MsgReplyToReview],
];

export function cybermilesRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...escrowTypes, ...arbitrationTypes, ...lendingTypes, ...reputationTypes]);
}
