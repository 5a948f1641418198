// A typed client for CyberMiles' own messages, on CosmJS: the same SigningStargateClient any Cosmos
// chain uses, with our registry, plus one method per escrow and arbitration action and the query
// extensions. A refused tx (in CheckTx or in its block) throws a TxError with its code and log.
import type { OfflineSigner } from '@cosmjs/proto-signing';
import { GasPrice, QueryClient, setupBankExtension, SigningStargateClient, type BankExtension, type DeliverTxResponse, type StdFee } from '@cosmjs/stargate';
import { connectComet, type CometClient } from '@cosmjs/tendermint-rpc';
// CosmJS encodes txs with cosmjs-types: sequences and account numbers from 2^31 to 2^32 - 1 need this fix.
import '../util/proto-int64.js';
import type { Outcome } from '../generated/cybermiles/arbitration/v1/arbitration.js';
import * as arb from '../generated/cybermiles/arbitration/v1/tx.js';
import * as esc from '../generated/cybermiles/escrow/v1/tx.js';
import * as lend from '../generated/cybermiles/lending/v1/tx.js';
import { setupLendingExtension, type LendingExtension } from './queries.js';
import type { Ratings, Role } from '../generated/cybermiles/reputation/v1/reputation.js';
import * as rep from '../generated/cybermiles/reputation/v1/tx.js';
import { setupReputationExtension, type ReputationExtension } from './queries.js';
import { setupArbitrationExtension, setupEscrowExtension, type ArbitrationExtension, type EscrowExtension } from './queries.js';
import { cybermilesRegistry } from './registry.js';

export class TxError extends Error {
  override readonly name = 'TxError';
  constructor(
    readonly code: number,
    readonly codespace: string,
    readonly log: string,
    readonly txHash: string | undefined,
  ) {
    super(`tx failed with ${codespace} code ${code}: ${log}`);
  }
}

export type CyberMilesQueryClient = QueryClient & BankExtension & EscrowExtension & ArbitrationExtension & LendingExtension & ReputationExtension;

export interface OrderTerms {
  readonly seller: string;
  readonly price: bigint;
  readonly deposit: bigint;
  readonly itemHash?: Uint8Array;
  readonly itemUri?: string;
  /** Unix seconds of block time. */
  readonly deliveryDeadline: bigint;
  readonly disputeWindowSeconds: bigint;
}

export interface EvidenceInput {
  readonly hash?: Uint8Array;
  readonly uri?: string;
  /** Typically `encryptEvidence(arbiterPubKey, …)`. */
  readonly payload?: Uint8Array;
}

/** A lender's offer; amounts in ucmt, rates in basis points a year, times in Unix seconds. */
export interface OfferTerms {
  readonly amount: bigint;
  readonly rateBps: number;
  readonly termSeconds: bigint;
  /** Collateral the borrower must lock, in basis points of the amount (default 0: unsecured). */
  readonly collateralRatioBps?: number;
  readonly minCreditScore?: number;
  readonly expiresAt: bigint;
}

/** A borrower's request; its collateral (default 0) is locked when posted. */
export interface RequestTerms {
  readonly amount: bigint;
  readonly maxRateBps: number;
  readonly termSeconds: bigint;
  readonly collateral?: bigint;
  readonly expiresAt: bigint;
}

export interface Repayment {
  readonly interestPaid: bigint;
  readonly principalPaid: bigint;
  readonly remaining: bigint;
  readonly closed: boolean;
  readonly tx: DeliverTxResponse;
}

interface Response<R> {
  decode(bytes: Uint8Array): R;
}

export class CyberMilesClient {
  private constructor(
    readonly signing: SigningStargateClient,
    readonly query: CyberMilesQueryClient,
    private readonly comet: CometClient,
    readonly fee: StdFee | 'auto' | number,
  ) {}

  /**
   * Zero gas price and "auto" gas by default: fees on this chain are zero. Blocks come about every
   * second, so the wait for a tx's block polls every 300 ms (CosmJS's default is 3 s).
   */
  static async connectWithSigner(
    endpoint: string,
    signer: OfflineSigner,
    opts: { fee?: StdFee | 'auto' | number; pollIntervalMs?: number } = {},
  ): Promise<CyberMilesClient> {
    const comet = await connectComet(endpoint);
    const signing = await SigningStargateClient.createWithSigner(comet, signer, {
      registry: cybermilesRegistry(),
      gasPrice: GasPrice.fromString('0ucmt'),
      broadcastPollIntervalMs: opts.pollIntervalMs ?? 300,
    });
    const query = QueryClient.withExtensions(comet, setupBankExtension, setupEscrowExtension, setupArbitrationExtension, setupLendingExtension, setupReputationExtension);
    return new CyberMilesClient(signing, query, comet, opts.fee ?? 'auto');
  }

  disconnect(): void {
    this.signing.disconnect();
    this.comet.disconnect();
  }

  /** Signs and broadcasts one message, waits for its block, and decodes its response. */
  async execute<R>(signer: string, typeUrl: string, value: object, response: Response<R>, memo = ''): Promise<{ result: R; tx: DeliverTxResponse }> {
    let tx: DeliverTxResponse;
    try {
      tx = await this.signing.signAndBroadcast(signer, [{ typeUrl, value }], this.fee, memo);
    } catch (e) {
      const err = e as { code?: number; codespace?: string; log?: string; message?: string };
      if (typeof err.code === 'number') throw new TxError(err.code, err.codespace ?? '', err.log ?? '', undefined);
      // Simulation ("auto" gas) refuses the tx with the query's message: "Query failed with (code): log".
      const m = /Query failed with \((\d+)\): (?:rpc error: code = \w+ desc = )?(.*)$/s.exec(err.message ?? '');
      if (m !== null) throw new TxError(Number(m[1]), '', m[2] ?? '', undefined);
      throw e;
    }
    if (tx.code !== 0) throw new TxError(tx.code, '', tx.rawLog ?? '', tx.transactionHash);
    const first = tx.msgResponses[0];
    if (first === undefined) throw new Error('tx succeeded without a message response');
    return { result: response.decode(first.value), tx };
  }

  // ---- escrow ----

  async createOrder(buyer: string, t: OrderTerms): Promise<{ orderId: bigint; tx: DeliverTxResponse }> {
    const msg = esc.MsgCreateOrder.fromPartial({
      buyer,
      seller: t.seller,
      price: t.price.toString(),
      deposit: t.deposit.toString(),
      itemHash: t.itemHash ?? new Uint8Array(),
      itemUri: t.itemUri ?? '',
      deliveryDeadline: t.deliveryDeadline,
      disputeWindowSeconds: t.disputeWindowSeconds,
    });
    const { result, tx } = await this.execute(buyer, '/cybermiles.escrow.v1.MsgCreateOrder', msg, esc.MsgCreateOrderResponse);
    return { orderId: result.orderId, tx };
  }

  acceptOrder(seller: string, orderId: bigint, deposit: bigint): Promise<unknown> {
    return this.execute(seller, '/cybermiles.escrow.v1.MsgAcceptOrder', { seller, orderId, deposit: deposit.toString() }, esc.MsgAcceptOrderResponse);
  }

  declineOrder(seller: string, orderId: bigint): Promise<unknown> {
    return this.execute(seller, '/cybermiles.escrow.v1.MsgDeclineOrder', { seller, orderId }, esc.MsgDeclineOrderResponse);
  }

  cancelOrder(buyer: string, orderId: bigint): Promise<unknown> {
    return this.execute(buyer, '/cybermiles.escrow.v1.MsgCancelOrder', { buyer, orderId }, esc.MsgCancelOrderResponse);
  }

  shipOrder(seller: string, orderId: bigint, trackingHash: Uint8Array = new Uint8Array()): Promise<unknown> {
    return this.execute(seller, '/cybermiles.escrow.v1.MsgShipOrder', { seller, orderId, trackingHash }, esc.MsgShipOrderResponse);
  }

  confirmReceipt(buyer: string, orderId: bigint): Promise<unknown> {
    return this.execute(buyer, '/cybermiles.escrow.v1.MsgConfirmReceipt', { buyer, orderId }, esc.MsgConfirmReceiptResponse);
  }

  proposeSettlement(sender: string, orderId: bigint, sellerAmount: bigint): Promise<unknown> {
    return this.execute(sender, '/cybermiles.escrow.v1.MsgProposeSettlement', { sender, orderId, sellerAmount: sellerAmount.toString() }, esc.MsgProposeSettlementResponse);
  }

  acceptSettlement(sender: string, orderId: bigint, sellerAmount: bigint): Promise<unknown> {
    return this.execute(sender, '/cybermiles.escrow.v1.MsgAcceptSettlement', { sender, orderId, sellerAmount: sellerAmount.toString() }, esc.MsgAcceptSettlementResponse);
  }

  async raiseDispute(sender: string, orderId: bigint, reason: string, evidence: EvidenceInput = {}): Promise<{ caseId: bigint; arbiter: string }> {
    const msg = esc.MsgRaiseDispute.fromPartial({
      sender,
      orderId,
      reason,
      evidenceHash: evidence.hash ?? new Uint8Array(),
      evidenceUri: evidence.uri ?? '',
      evidencePayload: evidence.payload ?? new Uint8Array(),
    });
    const { result } = await this.execute(sender, '/cybermiles.escrow.v1.MsgRaiseDispute', msg, esc.MsgRaiseDisputeResponse);
    return { caseId: result.caseId, arbiter: result.arbiter };
  }

  submitEvidence(sender: string, orderId: bigint, evidence: EvidenceInput): Promise<unknown> {
    const msg = esc.MsgSubmitEvidence.fromPartial({ sender, orderId, hash: evidence.hash ?? new Uint8Array(), uri: evidence.uri ?? '', payload: evidence.payload ?? new Uint8Array() });
    return this.execute(sender, '/cybermiles.escrow.v1.MsgSubmitEvidence', msg, esc.MsgSubmitEvidenceResponse);
  }

  // ---- arbitration ----

  registerArbiter(arbiter: string, bond: bigint, terms: { hash?: Uint8Array; uri?: string } = {}): Promise<unknown> {
    const msg = arb.MsgRegisterArbiter.fromPartial({ arbiter, bond: bond.toString(), termsHash: terms.hash ?? new Uint8Array(), termsUri: terms.uri ?? '' });
    return this.execute(arbiter, '/cybermiles.arbitration.v1.MsgRegisterArbiter', msg, arb.MsgRegisterArbiterResponse);
  }

  async unbondArbiter(arbiter: string): Promise<bigint> {
    const { result } = await this.execute(arbiter, '/cybermiles.arbitration.v1.MsgUnbondArbiter', { arbiter }, arb.MsgUnbondArbiterResponse);
    return result.unbondAt;
  }

  async respondToArbiter(sender: string, caseId: bigint, accept: boolean): Promise<string> {
    const { result } = await this.execute(sender, '/cybermiles.arbitration.v1.MsgRespondToArbiter', { sender, caseId, accept }, arb.MsgRespondToArbiterResponse);
    return result.arbiter;
  }

  rule(arbiter: string, caseId: bigint, outcome: Outcome, sellerAmount = 0n, reasoning: { hash?: Uint8Array; uri?: string } = {}): Promise<unknown> {
    const msg = arb.MsgRule.fromPartial({
      arbiter,
      caseId,
      outcome,
      sellerAmount: sellerAmount.toString(),
      reasoningHash: reasoning.hash ?? new Uint8Array(),
      reasoningUri: reasoning.uri ?? '',
    });
    return this.execute(arbiter, '/cybermiles.arbitration.v1.MsgRule', msg, arb.MsgRuleResponse);
  }

  // ---- lending ----

  async createOffer(lender: string, t: OfferTerms): Promise<{ offerId: bigint; tx: DeliverTxResponse }> {
    const msg = lend.MsgCreateOffer.fromPartial({
      lender,
      amount: t.amount.toString(),
      rateBps: t.rateBps,
      termSeconds: t.termSeconds,
      collateralRatioBps: t.collateralRatioBps ?? 0,
      minCreditScore: t.minCreditScore ?? 0,
      expiresAt: t.expiresAt,
    });
    const { result, tx } = await this.execute(lender, '/cybermiles.lending.v1.MsgCreateOffer', msg, lend.MsgCreateOfferResponse);
    return { offerId: result.offerId, tx };
  }

  cancelOffer(lender: string, offerId: bigint): Promise<unknown> {
    return this.execute(lender, '/cybermiles.lending.v1.MsgCancelOffer', { lender, offerId }, lend.MsgCancelOfferResponse);
  }

  async createRequest(borrower: string, t: RequestTerms): Promise<{ requestId: bigint; tx: DeliverTxResponse }> {
    const msg = lend.MsgCreateRequest.fromPartial({
      borrower,
      amount: t.amount.toString(),
      maxRateBps: t.maxRateBps,
      termSeconds: t.termSeconds,
      collateral: (t.collateral ?? 0n).toString(),
      expiresAt: t.expiresAt,
    });
    const { result, tx } = await this.execute(borrower, '/cybermiles.lending.v1.MsgCreateRequest', msg, lend.MsgCreateRequestResponse);
    return { requestId: result.requestId, tx };
  }

  cancelRequest(borrower: string, requestId: bigint): Promise<unknown> {
    return this.execute(borrower, '/cybermiles.lending.v1.MsgCancelRequest', { borrower, requestId }, lend.MsgCancelRequestResponse);
  }

  /** Takes an offer, locking `collateral` ucmt (at least the offer's ratio of its amount). */
  async takeOffer(borrower: string, offerId: bigint, collateral: bigint): Promise<{ loanId: bigint; tx: DeliverTxResponse }> {
    const msg = lend.MsgTakeOffer.fromPartial({ borrower, offerId, collateral: collateral.toString() });
    const { result, tx } = await this.execute(borrower, '/cybermiles.lending.v1.MsgTakeOffer', msg, lend.MsgTakeOfferResponse);
    return { loanId: result.loanId, tx };
  }

  /** Funds a request at `rateBps` (at most its maximum); the amount goes to the borrower. */
  async fundRequest(lender: string, requestId: bigint, rateBps: number): Promise<{ loanId: bigint; tx: DeliverTxResponse }> {
    const msg = lend.MsgFundRequest.fromPartial({ lender, requestId, rateBps });
    const { result, tx } = await this.execute(lender, '/cybermiles.lending.v1.MsgFundRequest', msg, lend.MsgFundRequestResponse);
    return { loanId: result.loanId, tx };
  }

  /** Repays `amount` ucmt (interest first, then principal), or with 'all' everything owed at the tx's block time. */
  async repay(borrower: string, loanId: bigint, amount: bigint | 'all'): Promise<Repayment> {
    const msg = lend.MsgRepay.fromPartial({ borrower, loanId, amount: amount === 'all' ? '' : amount.toString(), all: amount === 'all' });
    const { result, tx } = await this.execute(borrower, '/cybermiles.lending.v1.MsgRepay', msg, lend.MsgRepayResponse);
    return {
      interestPaid: BigInt(result.interestPaid),
      principalPaid: BigInt(result.principalPaid),
      remaining: BigInt(result.remaining),
      closed: result.closed,
      tx,
    };
  }

  // ---- reputation ----

  /**
   * The buyer's review of the seller (item_as_described, shipping, communication: 1 to 5) or the
   * seller's of the buyer (conduct, communication); the rest stay 0.
   */
  async submitReview(
    reviewer: string,
    orderId: bigint,
    ratings: Partial<Ratings>,
    text: { hash?: Uint8Array; uri?: string } = {},
  ): Promise<{ role: Role; rating: bigint; weight: bigint; tx: DeliverTxResponse }> {
    const msg = rep.MsgSubmitReview.fromPartial({ reviewer, orderId, ratings, textHash: text.hash ?? new Uint8Array(), textUri: text.uri ?? '' });
    const { result, tx } = await this.execute(reviewer, '/cybermiles.reputation.v1.MsgSubmitReview', msg, rep.MsgSubmitReviewResponse);
    return { role: result.role, rating: result.rating, weight: result.weight, tx };
  }

  /** The reviewed side's answer to the review of it on that order. */
  replyToReview(sender: string, orderId: bigint, text: { hash?: Uint8Array; uri?: string } = {}): Promise<unknown> {
    const msg = rep.MsgReplyToReview.fromPartial({ sender, orderId, textHash: text.hash ?? new Uint8Array(), textUri: text.uri ?? '' });
    return this.execute(sender, '/cybermiles.reputation.v1.MsgReplyToReview', msg, rep.MsgReplyToReviewResponse);
  }
}
