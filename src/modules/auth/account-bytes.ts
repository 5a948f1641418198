// A plain account's stored bytes, written in one pass: Any{BaseAccount{address, Any{PubKey{key}},
// account_number, sequence}}. Every tx rewrites its signer's account (the sequence), and
// cosmjs-types encoded it as three messages with three writers, the inner ones copied into the
// outer ones; this gives the same bytes with one exact-size allocation (the test beside compares
// them). Module accounts, rare, still go through cosmjs-types.
import { delimitedSize, int64Size, ProtoWriter, utf8Size } from '../../util/proto-write.js';

export const BASE_ACCOUNT_TYPE = '/cosmos.auth.v1beta1.BaseAccount';
export const SECP256K1_PUBKEY_TYPE = '/cosmos.crypto.secp256k1.PubKey';

// Field keys: (field number << 3) | wire type (0 varint, 2 length-delimited).
const KEY_1_DELIMITED = 0x0a;
const KEY_2_DELIMITED = 0x12;
const KEY_3_VARINT = 0x18;
const KEY_4_VARINT = 0x20;

/** A type URL as field 1 of an Any, written once: key, length, the URL's bytes. */
const typeUrlField = (url: string): Uint8Array => Uint8Array.from([KEY_1_DELIMITED, url.length, ...Array.from(url, (c) => c.charCodeAt(0))]);
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
  w.messageHeader(KEY_2_DELIMITED, base);
  if (addressLen !== 0) w.stringField(KEY_1_DELIMITED, acc.address, addressLen);
  if (acc.pubKey !== undefined) {
    w.messageHeader(KEY_2_DELIMITED, pubKeyAny);
    w.raw(PUBKEY_TYPE_FIELD);
    if (pubKeyMsg !== 0) {
      w.messageHeader(KEY_2_DELIMITED, pubKeyMsg);
      w.bytesField(KEY_1_DELIMITED, acc.pubKey);
    }
  }
  if (acc.accountNumber !== 0n) {
    w.byte(KEY_3_VARINT);
    w.int64(acc.accountNumber);
  }
  if (acc.sequence !== 0n) {
    w.byte(KEY_4_VARINT);
    w.int64(acc.sequence);
  }
  return w.done();
}
