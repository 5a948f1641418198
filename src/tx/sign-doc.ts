// The bytes a SIGN_MODE_DIRECT signature covers, and their SHA-256, for every signer of every tx
// the app checks or executes without having verified it before.
//
// SignDoc{body_bytes 1, auth_info_bytes 2, chain_id 3, account_number 4} is written straight into a
// scratch buffer that is hashed at once and reused by the next tx (cosmjs-types' writer recorded
// an operation per field and copied the message into a buffer of its own, outside the heap), and
// the digest comes back from crypto as a latin1 string rather than a Buffer of its own (see
// util/slab.ts): what callers keep of it is a string (the signature cache's key) or a slab's view.
// The bytes are exactly cosmjs-types' SignDoc.encode (the test beside compares them).
import { sha256Latin1 } from '../util/sha256.js';
import { delimitedSize, DELIMITED, fieldKey, int64Size, ProtoWriter, utf8Size, VARINT } from '../util/proto-write.js';

const BODY_BYTES = fieldKey(1, DELIMITED);
const AUTH_INFO_BYTES = fieldKey(2, DELIMITED);
const CHAIN_ID = fieldKey(3, DELIMITED);
const ACCOUNT_NUMBER = fieldKey(4, VARINT);

let scratch = new Uint8Array(1024);

/** SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber }), in a buffer valid until the next call. */
export function signDocBytes(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, chainId: string, accountNumber: bigint): Uint8Array {
  const chainIdLen = utf8Size(chainId);
  const size =
    (bodyBytes.length === 0 ? 0 : delimitedSize(bodyBytes.length)) +
    (authInfoBytes.length === 0 ? 0 : delimitedSize(authInfoBytes.length)) +
    (chainIdLen === 0 ? 0 : delimitedSize(chainIdLen)) +
    (accountNumber === 0n ? 0 : 1 + int64Size(accountNumber));
  if (size > scratch.length) scratch = new Uint8Array(Math.max(size, 2 * scratch.length));
  const w = new ProtoWriter(scratch.subarray(0, size));
  if (bodyBytes.length !== 0) w.bytesField(BODY_BYTES, bodyBytes);
  if (authInfoBytes.length !== 0) w.bytesField(AUTH_INFO_BYTES, authInfoBytes);
  if (chainIdLen !== 0) w.stringField(CHAIN_ID, chainId, chainIdLen);
  if (accountNumber !== 0n) {
    w.byte(ACCOUNT_NUMBER);
    w.int64(accountNumber);
  }
  return w.done();
}

/** SHA-256 of the sign doc, as a latin1 string (one code unit per byte). */
export function signDocDigest(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, chainId: string, accountNumber: bigint): string {
  return sha256Latin1(signDocBytes(bodyBytes, authInfoBytes, chainId, accountNumber));
}
