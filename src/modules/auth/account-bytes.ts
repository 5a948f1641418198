// A plain account's stored bytes, written in one pass: Any{BaseAccount{address, Any{PubKey{key}},
// account_number, sequence}}. Every tx rewrites its signer's account (the sequence), and
// cosmjs-types encoded it as three messages with three writers, the inner ones copied into the
// outer ones; this gives the same bytes with one exact-size allocation (the test beside compares
// them). Module accounts, rare, still go through cosmjs-types.
import { DELIMITED, delimitedSize, fieldKey, int64Size, ProtoWriter, utf8Size, VARINT } from '../../util/proto-write.js';

export const BASE_ACCOUNT_TYPE = '/cosmos.auth.v1beta1.BaseAccount';
export const SECP256K1_PUBKEY_TYPE = '/cosmos.crypto.secp256k1.PubKey';

// Any: type_url 1, value 2. BaseAccount: address 1, pub_key 2, account_number 3, sequence 4. PubKey: key 1.
const ANY_TYPE_URL = fieldKey(1, DELIMITED);
const ANY_VALUE = fieldKey(2, DELIMITED);
const ADDRESS = fieldKey(1, DELIMITED);
const PUB_KEY = fieldKey(2, DELIMITED);
const ACCOUNT_NUMBER = fieldKey(3, VARINT);
const SEQUENCE = fieldKey(4, VARINT);
const KEY = fieldKey(1, DELIMITED);

/** A type URL as field 1 of an Any, written once: key, length, the URL's bytes. */
const typeUrlField = (url: string): Uint8Array => Uint8Array.from([ANY_TYPE_URL, url.length, ...Array.from(url, (c) => c.charCodeAt(0))]);
const BASE_ACCOUNT_TYPE_FIELD = typeUrlField(BASE_ACCOUNT_TYPE);
const PUBKEY_TYPE_FIELD = typeUrlField(SECP256K1_PUBKEY_TYPE);

export interface PlainAccount {
  readonly address: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  readonly pubKey: Uint8Array | undefined;
}

/** The bytes of `Any.encode({ typeUrl: BaseAccount, value: BaseAccount.encode(...) })`. */
export function encodeBaseAccountAny(acc: PlainAccount): Uint8Array {
  const addressLen = utf8Size(acc.address);
  const pubKeyMsg = acc.pubKey === undefined || acc.pubKey.length === 0 ? 0 : delimitedSize(acc.pubKey.length);
  const pubKeyAny = acc.pubKey === undefined ? 0 : PUBKEY_TYPE_FIELD.length + (pubKeyMsg === 0 ? 0 : delimitedSize(pubKeyMsg));
  const base =
    (addressLen === 0 ? 0 : delimitedSize(addressLen)) +
    (acc.pubKey === undefined ? 0 : delimitedSize(pubKeyAny)) +
    (acc.accountNumber === 0n ? 0 : 1 + int64Size(acc.accountNumber)) +
    (acc.sequence === 0n ? 0 : 1 + int64Size(acc.sequence));
  const total = BASE_ACCOUNT_TYPE_FIELD.length + (base === 0 ? 0 : delimitedSize(base));

  const w = new ProtoWriter(new Uint8Array(total));
  w.raw(BASE_ACCOUNT_TYPE_FIELD);
  if (base === 0) return w.done();
  w.messageHeader(ANY_VALUE, base);
  if (addressLen !== 0) w.stringField(ADDRESS, acc.address, addressLen);
  if (acc.pubKey !== undefined) {
    w.messageHeader(PUB_KEY, pubKeyAny);
    w.raw(PUBKEY_TYPE_FIELD);
    if (pubKeyMsg !== 0) {
      w.messageHeader(ANY_VALUE, pubKeyMsg);
      w.bytesField(KEY, acc.pubKey);
    }
  }
  if (acc.accountNumber !== 0n) {
    w.byte(ACCOUNT_NUMBER);
    w.int64(acc.accountNumber);
  }
  if (acc.sequence !== 0n) {
    w.byte(SEQUENCE);
    w.int64(acc.sequence);
  }
  return w.done();
}

/**
 * The public key inside `bytes`, which encodeBaseAccountAny(acc) wrote (a view, no copy); undefined
 * when `acc` has none. Its fields after the key are the account number and the sequence.
 */
export function pubKeyIn(bytes: Uint8Array, acc: PlainAccount): Uint8Array | undefined {
  if (acc.pubKey === undefined) return undefined;
  const end = bytes.length - (acc.accountNumber === 0n ? 0 : 1 + int64Size(acc.accountNumber)) - (acc.sequence === 0n ? 0 : 1 + int64Size(acc.sequence));
  return bytes.subarray(end - acc.pubKey.length, end);
}
