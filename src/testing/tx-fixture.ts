// Test-only: deterministic CosmJS wallets and hand-built Cosmos txs (signed with CosmJS'
// makeSignDoc/signDirect), shared by the unit tests of decode, the ante path and the app.
import { fromBase64 } from '@cosmjs/encoding';
import { DirectSecp256k1HdWallet, makeAuthInfoBytes, makeCosmoshubPath, makeSignDoc } from '@cosmjs/proto-signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';

/** A fixed, test-only mnemonic (never fund it anywhere real). */
export const TEST_MNEMONIC =
  'ring defy liar way exercise nice wedding feel table orange various rhythm twenty bamboo mirror master ivory kid faculty raise argue few risk wink';
export const TEST_DENOM = 'ucmt';
export const TEST_CHAIN_ID = 'cybermiles-unit-1';
export const MSG_SEND_TYPE_URL = '/cosmos.bank.v1beta1.MsgSend';
export const DEFAULT_TEST_GAS = 200_000n;

export interface TestAccount {
  readonly index: number;
  readonly address: string;
  readonly pubkey: Uint8Array;
  /** The public key as the tx carries it: cosmos.crypto.secp256k1.PubKey in an Any. */
  readonly pubkeyAny: Any;
}

export interface TestWallet {
  readonly wallet: DirectSecp256k1HdWallet;
  readonly accounts: readonly TestAccount[];
  /** Account `i`; throws when the wallet has fewer accounts. */
  at(i: number): TestAccount;
}

export function secp256k1PubkeyAny(key: Uint8Array): Any {
  return { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({ key }).finish() };
}

export async function createTestWallet(count = 4): Promise<TestWallet> {
  const hdPaths = Array.from({ length: count }, (_, i) => makeCosmoshubPath(i));
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(TEST_MNEMONIC, { prefix: 'cmt', hdPaths });
  const accounts = (await wallet.getAccounts()).map(
    (a, index): TestAccount => ({ index, address: a.address, pubkey: a.pubkey, pubkeyAny: secp256k1PubkeyAny(a.pubkey) }),
  );
  return {
    wallet,
    accounts,
    at(i) {
      const a = accounts[i];
      if (a === undefined) throw new Error(`test wallet has no account ${i}`);
      return a;
    },
  };
}

export function coins(amount: bigint | number, denom = TEST_DENOM): Coin[] {
  return [{ denom, amount: BigInt(amount).toString() }];
}

export function msgSendAny(from: string, to: string, amount: readonly Coin[] | bigint | number): Any {
  const list = typeof amount === 'bigint' || typeof amount === 'number' ? coins(amount) : [...amount];
  return { typeUrl: MSG_SEND_TYPE_URL, value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: list }).finish() };
}

export interface TxSigner {
  readonly account: TestAccount;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
}

export interface TxOptions {
  readonly messages: readonly Any[];
  readonly signers: readonly TxSigner[];
  readonly chainId?: string;
  readonly memo?: string;
  readonly gasLimit?: bigint;
  readonly fee?: readonly Coin[];
  readonly timeoutHeight?: bigint;
  readonly signMode?: SignMode;
}

export function bodyBytesOf(o: Pick<TxOptions, 'messages' | 'memo' | 'timeoutHeight'>): Uint8Array {
  return TxBody.encode(
    TxBody.fromPartial({ messages: [...o.messages], memo: o.memo ?? '', timeoutHeight: o.timeoutHeight ?? 0n }),
  ).finish();
}

export function authInfoBytesOf(o: Pick<TxOptions, 'signers' | 'gasLimit' | 'fee' | 'signMode'>): Uint8Array {
  return makeAuthInfoBytes(
    o.signers.map((s) => ({ pubkey: s.account.pubkeyAny, sequence: s.sequence })),
    [...(o.fee ?? [])],
    Number(o.gasLimit ?? DEFAULT_TEST_GAS),
    undefined,
    undefined,
    o.signMode ?? SignMode.SIGN_MODE_DIRECT,
  );
}

export function encodeTxRaw(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, signatures: readonly Uint8Array[]): Uint8Array {
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [...signatures] }).finish();
}

/** A tx signed by every signer with SIGN_MODE_DIRECT, through CosmJS' makeSignDoc and signDirect. */
export async function signTx(w: TestWallet, o: TxOptions): Promise<Uint8Array> {
  const bodyBytes = bodyBytesOf(o);
  const authInfoBytes = authInfoBytesOf(o);
  const signatures: Uint8Array[] = [];
  for (const s of o.signers) {
    const doc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? TEST_CHAIN_ID, s.accountNumber);
    const { signature } = await w.wallet.signDirect(s.account.address, doc);
    signatures.push(fromBase64(signature.signature));
  }
  return encodeTxRaw(bodyBytes, authInfoBytes, signatures);
}

/**
 * A tx as CosmJS builds it for Simulate: SIGN_MODE_UNSPECIFIED, one empty signature per signer,
 * an empty fee (gas limit 0).
 */
export function simulationTx(o: Pick<TxOptions, 'messages' | 'signers' | 'memo'>): Uint8Array {
  const bodyBytes = bodyBytesOf(o);
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      fee: {},
      signerInfos: o.signers.map((s) => ({ publicKey: s.account.pubkeyAny, modeInfo: { single: {} }, sequence: s.sequence })),
    }),
  ).finish();
  return encodeTxRaw(bodyBytes, authInfoBytes, o.signers.map(() => new Uint8Array()));
}

/** Decodes a tx's AuthInfo, lets `edit` change it, and re-encodes the tx (signatures unchanged). */
export function editAuthInfo(tx: Uint8Array, edit: (a: AuthInfo) => AuthInfo): Uint8Array {
  const raw = TxRaw.decode(tx);
  return encodeTxRaw(raw.bodyBytes, AuthInfo.encode(edit(AuthInfo.decode(raw.authInfoBytes))).finish(), raw.signatures);
}

/** Decodes a tx's body, lets `edit` change it, and re-encodes the tx (signatures unchanged). */
export function editBody(tx: Uint8Array, edit: (b: TxBody) => TxBody): Uint8Array {
  const raw = TxRaw.decode(tx);
  return encodeTxRaw(TxBody.encode(edit(TxBody.decode(raw.bodyBytes))).finish(), raw.authInfoBytes, raw.signatures);
}
