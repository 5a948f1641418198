// Decodes and statelessly validates a tx: cosmos.tx.v1beta1 TxRaw, its body and auth info, its
// messages. Every failure is a ChainError with the SDK's code; nothing here touches state.
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import type { AnyMsgHandler } from '../app/module.js';
import { readerOver } from '../util/proto-reader.js';
import { ChainError } from '../errors/chain-error.js';
import {
  ErrInvalidPubKey,
  ErrInvalidRequest,
  ErrMemoTooLarge,
  ErrNoSignatures,
  ErrNotSupported,
  ErrTooManySignatures,
  ErrTxDecode,
  ErrTxTooLarge,
  ErrUnauthorized,
  ErrUnknownExtensionOptions,
  ErrUnknownRequest,
} from '../errors/sdk-errors.js';
import { SECP256K1_PUBKEY_TYPE } from '../modules/auth/keeper.js';
import type { AuthParams } from '../modules/auth/params.js';
import { parseCoins, type Amount } from '../modules/bank/coins.js';

export interface DecodedMsg {
  readonly typeUrl: string;
  readonly msg: unknown;
  readonly handler: AnyMsgHandler;
}

export interface DecodedSigner {
  readonly address: string;
  /** The public key the tx carries for this signer, if any (needed on an account's first tx). */
  readonly pubKey: Uint8Array | undefined;
  readonly sequence: bigint;
  readonly signature: Uint8Array;
  /** Only SIGN_MODE_DIRECT is accepted; simulation (unsigned) may leave the mode unspecified. */
  readonly signModeDirect: boolean;
}

export interface DecodedTx {
  readonly bytes: Uint8Array;
  readonly bodyBytes: Uint8Array;
  readonly authInfoBytes: Uint8Array;
  /** The body's timeout height (0 for none); the body's other fields are checked here and not kept. */
  readonly timeoutHeight: bigint;
  readonly memo: string;
  readonly msgs: readonly DecodedMsg[];
  /** Unique signers in order of first appearance; the first pays the fee. */
  readonly signers: readonly DecodedSigner[];
  readonly gasLimit: bigint;
  readonly fee: readonly Amount[];
}

/** Gas is an int64 for CometBFT; larger limits are refused, as in the SDK. */
export const MAX_GAS_LIMIT = (1n << 63n) - 1n;

export type MsgLookup = (typeUrl: string) => AnyMsgHandler | undefined;

function decodeOrThrow<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof ChainError) throw e;
    throw ErrTxDecode(`cannot decode ${what}: ${(e as Error).message}`);
  }
}

function decodePubKey(any: { typeUrl: string; value: Uint8Array } | undefined, index: number): Uint8Array | undefined {
  if (any === undefined) return undefined;
  if (any.typeUrl !== SECP256K1_PUBKEY_TYPE) {
    throw ErrInvalidPubKey(`signer_infos[${index}].public_key has type ${any.typeUrl}; only ${SECP256K1_PUBKEY_TYPE} is supported`);
  }
  const key = decodeOrThrow(`signer_infos[${index}].public_key`, () => PubKey.decode(readerOver(any.value)).key);
  if (key.length !== 33) throw ErrInvalidPubKey(`signer_infos[${index}].public_key must be a 33-byte compressed key, got ${key.length} bytes`);
  return key;
}

export function decodeTx(bytes: Uint8Array, lookup: MsgLookup, params: AuthParams): DecodedTx {
  if (bytes.length === 0) throw ErrTxDecode('empty tx');
  if (bytes.length > params.maxTxBytes) throw ErrTxTooLarge(`tx of ${bytes.length} bytes exceeds ${params.maxTxBytes}`);
  const raw = decodeOrThrow('TxRaw', () => TxRaw.decode(readerOver(bytes)));
  if (raw.bodyBytes.length === 0) throw ErrTxDecode('tx has no body');
  if (raw.authInfoBytes.length === 0) throw ErrTxDecode('tx has no auth info');
  const body = decodeOrThrow('TxBody', () => TxBody.decode(readerOver(raw.bodyBytes)));
  const authInfo = decodeOrThrow('AuthInfo', () => AuthInfo.decode(readerOver(raw.authInfoBytes)));

  if (body.messages.length === 0) throw ErrInvalidRequest('tx has no messages');
  const memoBytes = Buffer.byteLength(body.memo, 'utf8');
  if (BigInt(memoBytes) > params.maxMemoCharacters) {
    throw ErrMemoTooLarge(`memo of ${memoBytes} bytes exceeds ${params.maxMemoCharacters}`);
  }
  if (body.extensionOptions.length > 0 || body.nonCriticalExtensionOptions.length > 0) {
    throw ErrUnknownExtensionOptions('this chain accepts no extension options');
  }

  const msgs = body.messages.map((any, i): DecodedMsg => {
    const handler = lookup(any.typeUrl);
    if (handler === undefined) throw ErrUnknownRequest(`unrecognized message type ${any.typeUrl} at messages[${i}]`);
    const msg = decodeOrThrow(`messages[${i}] (${any.typeUrl})`, () => handler.decode(any.value));
    handler.validate(msg);
    return { typeUrl: any.typeUrl, msg, handler };
  });

  const signerAddresses: string[] = [];
  for (const m of msgs) for (const s of m.handler.signers(m.msg)) if (!signerAddresses.includes(s)) signerAddresses.push(s);

  if (raw.signatures.length === 0) throw ErrNoSignatures('tx has no signatures');
  if (BigInt(raw.signatures.length) > params.txSigLimit) {
    throw ErrTooManySignatures(`${raw.signatures.length} signatures, limit ${params.txSigLimit}`);
  }
  if (authInfo.signerInfos.length !== signerAddresses.length) {
    throw ErrUnauthorized(`wrong number of signer_infos: expected ${signerAddresses.length}, got ${authInfo.signerInfos.length}`);
  }
  if (raw.signatures.length !== signerAddresses.length) {
    throw ErrUnauthorized(`wrong number of signatures: expected ${signerAddresses.length}, got ${raw.signatures.length}`);
  }
  const signers = signerAddresses.map((address, i): DecodedSigner => {
    const info = authInfo.signerInfos[i];
    const signature = raw.signatures[i];
    if (info === undefined || signature === undefined) throw ErrUnauthorized(`missing signer ${i}`);
    if (info.modeInfo?.multi !== undefined) throw ErrNotSupported(`signer_infos[${i}]: multisig is not supported`);
    const signModeDirect = info.modeInfo?.single?.mode === SignMode.SIGN_MODE_DIRECT;
    return { address, pubKey: decodePubKey(info.publicKey, i), sequence: info.sequence, signature, signModeDirect };
  });

  const fee = authInfo.fee;
  if (fee === undefined) throw ErrInvalidRequest('tx has no fee (gas limit)');
  if (fee.payer !== '' || fee.granter !== '') throw ErrNotSupported('fee payer and fee granter are not supported');
  if (fee.gasLimit > MAX_GAS_LIMIT) throw ErrInvalidRequest(`invalid gas supplied; ${fee.gasLimit} > ${MAX_GAS_LIMIT}`);
  const feeCoins = parseCoins(fee.amount, 'fee.amount', { allowZero: true, allowEmpty: true }).filter((c) => c.amount > 0n);

  return {
    bytes,
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    timeoutHeight: body.timeoutHeight,
    memo: body.memo,
    msgs,
    signers,
    gasLimit: fee.gasLimit,
    fee: feeCoins,
  };
}
