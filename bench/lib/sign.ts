// Benchmark accounts and signing: deterministic keys (sha256 of a label), Cosmos txs signed with
// libsecp256k1 (SIGN_MODE_DIRECT), transfers and escrow messages. Benchmark inputs only.
import { createHash } from 'node:crypto';
import secp256k1 from 'secp256k1';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { MsgAcceptOrder, MsgConfirmReceipt, MsgCreateOrder, MsgShipOrder } from '../../src/generated/cybermiles/escrow/v1/tx.js';
import { addressFromPubKey, toAddress } from '../../src/modules/auth/address.js';

export interface BenchKey {
  readonly index: number;
  readonly priv: Uint8Array;
  readonly pub: Uint8Array;
  readonly pubAny: Any;
  readonly address: string;
}

export function benchKey(label: string, index: number): BenchKey {
  const priv = new Uint8Array(createHash('sha256').update(`cybermiles bench ${label} ${index}`).digest());
  const pub = secp256k1.publicKeyCreate(priv, true);
  return {
    index,
    priv,
    pub,
    pubAny: { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({ key: pub }).finish() },
    address: toAddress(addressFromPubKey(pub)),
  };
}

export function benchKeys(label: string, n: number): BenchKey[] {
  return Array.from({ length: n }, (_, i) => benchKey(label, i));
}

export interface SignParams {
  readonly chainId: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  readonly gasLimit: bigint;
  /** Fee in ucmt; none by default (a free tx). */
  readonly fee?: bigint;
  readonly memo?: string;
}

export function signTx(key: BenchKey, messages: readonly Any[], p: SignParams): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: [...messages], memo: p.memo ?? '' })).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [{ publicKey: key.pubAny, modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: p.sequence }],
      fee: { amount: p.fee === undefined ? [] : [{ denom: 'ucmt', amount: p.fee.toString() }], gasLimit: p.gasLimit },
    }),
  ).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: p.chainId, accountNumber: p.accountNumber }).finish();
  const digest = createHash('sha256').update(doc).digest();
  const { signature } = secp256k1.ecdsaSign(digest, key.priv);
  // Slice: cosmjs-types' writer hands out views of a shared 8 KiB slab.
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish().slice();
}

export const sendMsg = (from: string, to: string, amount: bigint): Any => ({
  typeUrl: '/cosmos.bank.v1beta1.MsgSend',
  value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: [{ denom: 'ucmt', amount: amount.toString() }] }).finish(),
});

export const createOrderMsg = (buyer: string, seller: string, nonce: number, deliveryDeadline: bigint): Any => ({
  typeUrl: '/cybermiles.escrow.v1.MsgCreateOrder',
  value: MsgCreateOrder.encode({
    buyer,
    seller,
    price: '1000',
    deposit: '100',
    itemHash: createHash('sha256').update(`item ${buyer} ${nonce}`).digest(),
    itemUri: `ipfs://bench/${nonce}`,
    deliveryDeadline,
    disputeWindowSeconds: 86_400n,
  }).finish(),
});

export const acceptOrderMsg = (seller: string, orderId: bigint): Any => ({
  typeUrl: '/cybermiles.escrow.v1.MsgAcceptOrder',
  value: MsgAcceptOrder.encode({ seller, orderId, deposit: '100' }).finish(),
});

export const shipOrderMsg = (seller: string, orderId: bigint): Any => ({
  typeUrl: '/cybermiles.escrow.v1.MsgShipOrder',
  value: MsgShipOrder.encode({ seller, orderId, trackingHash: new Uint8Array() }).finish(),
});

export const confirmReceiptMsg = (buyer: string, orderId: bigint): Any => ({
  typeUrl: '/cybermiles.escrow.v1.MsgConfirmReceipt',
  value: MsgConfirmReceipt.encode({ buyer, orderId }).finish(),
});

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').toUpperCase();

/** A stream of transfers over `accounts` accounts: position p is account p % n's tx with sequence p / n (+ a start). */
export interface TransferStreamSpec {
  readonly label: string;
  readonly accounts: number;
  readonly chainId: string;
  /** Account numbers, as decimal strings (they cross a worker boundary). */
  readonly accountNumbers: readonly string[];
  /** Each account's sequence at position 0. */
  readonly startSequences?: readonly string[];
  /** Every tx at this sequence, told apart by its amount (a flood of alternatives). */
  readonly fixedSequence?: string;
  readonly gasLimit: string;
}

/** Signs stream positions [from, to). */
export function signTransfers(spec: TransferStreamSpec, from: number, to: number, keys: readonly BenchKey[] = benchKeys(spec.label, spec.accounts)): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = spec.accounts;
  for (let p = from; p < to; p++) {
    const i = p % n;
    const key = keys[i];
    const dest = keys[(i + 1) % n];
    if (key === undefined || dest === undefined) throw new Error(`no key ${i}`);
    const sequence = spec.fixedSequence !== undefined ? BigInt(spec.fixedSequence) : BigInt(Math.floor(p / n)) + BigInt(spec.startSequences?.[i] ?? '0');
    const amount = spec.fixedSequence !== undefined ? BigInt(2 + p) : 1n;
    out.push(
      signTx(key, [sendMsg(key.address, dest.address, amount)], {
        chainId: spec.chainId,
        accountNumber: BigInt(spec.accountNumbers[i] ?? '0'),
        sequence,
        gasLimit: BigInt(spec.gasLimit),
      }),
    );
  }
  return out;
}
