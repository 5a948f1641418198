// Hand-built transactions for bad-input tests: sign with any chain id, sequence, body; tamper after.
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, type DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { fromBase64 } from '@cosmjs/encoding';
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';

export interface SignOptions {
  readonly wallet: DirectSecp256k1HdWallet;
  readonly chainId: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  readonly messages: readonly Any[];
  readonly memo?: string;
  readonly gas?: bigint;
  /** Fee in ucmt (none by default). */
  readonly fee?: bigint;
}

export async function signTx(o: SignOptions): Promise<TxRaw> {
  const [account] = await o.wallet.getAccounts();
  if (account === undefined) throw new Error('no account');
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(account.pubkey));
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: [...o.messages], memo: o.memo ?? '' })).finish();
  const feeAmount = o.fee === undefined ? [] : [{ denom: 'ucmt', amount: o.fee.toString() }];
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: o.sequence }], feeAmount, Number(o.gas ?? 200_000n), undefined, undefined);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId, Number(o.accountNumber));
  const { signed, signature } = await o.wallet.signDirect(account.address, signDoc);
  return TxRaw.fromPartial({ bodyBytes: signed.bodyBytes, authInfoBytes: signed.authInfoBytes, signatures: [fromBase64(signature.signature)] });
}

export const encodeTx = (tx: TxRaw): Uint8Array => TxRaw.encode(tx).finish();

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with s replaced by n - s: valid for ECDSA, refused as high-S. */
export function toHighS(sig: Uint8Array): Uint8Array {
  const s = BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'));
  const high = (N - s).toString(16).padStart(64, '0');
  const out = Uint8Array.from(sig);
  out.set(Buffer.from(high, 'hex'), 32);
  return out;
}
