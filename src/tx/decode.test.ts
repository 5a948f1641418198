import { beforeAll, describe, expect, it } from 'vitest';
import { MsgMultiSend, MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { createKeepers } from '../app.js';
import type { AnyMsgHandler } from '../app/module.js';
import { ChainError } from '../errors/chain-error.js';
import { bankModule } from '../modules/bank/module.js';
import { DEFAULT_AUTH_PARAMS } from '../modules/auth/params.js';
import {
  authInfoBytesOf,
  bodyBytesOf,
  coins,
  createTestWallet,
  editAuthInfo,
  editBody,
  encodeTxRaw,
  msgSendAny,
  signTx,
  type TestWallet,
  type TxOptions,
} from '../testing/tx-fixture.js';
import { prng } from '../testing/random.js';
import { decodeTx, type MsgLookup } from './decode.js';

// The real bank handlers, wired as app.ts wires them.
const handlers = new Map<string, AnyMsgHandler>(bankModule(createKeepers().bank).msgHandlers.map((h) => [h.typeUrl, h]));
const lookup: MsgLookup = (typeUrl) => handlers.get(typeUrl);
const decode = (bytes: Uint8Array) => decodeTx(bytes, lookup, DEFAULT_AUTH_PARAMS);

/** Runs `f`, which must throw a ChainError; returns it. */
function chainError(f: () => unknown): ChainError {
  try {
    f();
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw new Error(`expected a ChainError, got ${String(e)}`);
  }
  throw new Error('expected a ChainError, nothing was thrown');
}

function expectCode(f: () => unknown, codespace: string, code: number, logPart?: string): void {
  const e = chainError(f);
  expect({ codespace: e.codespace, code: e.code }).toEqual({ codespace, code });
  if (logPart !== undefined) expect(e.message).toContain(logPart);
}

let w: TestWallet;
let a: string;
let b: string;
let c: string;
/** A plain valid tx (a -> b, 10ucmt) for tests that only edit it. */
let validTx: Uint8Array;

beforeAll(async () => {
  w = await createTestWallet(3);
  a = w.at(0).address;
  b = w.at(1).address;
  c = w.at(2).address;
  validTx = await goodTx();
});

const signer = (i: number, sequence = 0n) => ({ account: w.at(i), accountNumber: BigInt(i), sequence });

function sendOptions(extra: Partial<TxOptions> = {}): TxOptions {
  return { messages: [msgSendAny(a, b, 10n)], signers: [signer(0)], ...extra };
}

const goodTx = (extra: Partial<TxOptions> = {}) => signTx(w, sendOptions(extra));

describe('decodeTx: a well-formed tx', () => {
  it('decodes a CosmJS-signed MsgSend', async () => {
    const bytes = await goodTx({ memo: 'hello', gasLimit: 123_456n, timeoutHeight: 99n });
    const tx = decode(bytes);
    expect(tx.msgs).toHaveLength(1);
    expect(tx.msgs[0]?.typeUrl).toBe('/cosmos.bank.v1beta1.MsgSend');
    expect(tx.msgs[0]?.msg).toEqual(MsgSend.fromPartial({ fromAddress: a, toAddress: b, amount: coins(10n) }));
    expect(tx.signers).toHaveLength(1);
    expect(tx.signers[0]).toMatchObject({ address: a, sequence: 0n, signModeDirect: true });
    expect(tx.signers[0]?.pubKey).toEqual(w.at(0).pubkey);
    expect(tx.signers[0]?.signature).toHaveLength(64);
    expect(tx.gasLimit).toBe(123_456n);
    expect(tx.fee).toEqual([]);
    expect(tx.memo).toBe('hello');
    expect(tx.timeoutHeight).toBe(99n);
    expect(tx.bytes).toBe(bytes);
  });

  it('accepts a memo of exactly the limit', async () => {
    const memo = 'm'.repeat(Number(DEFAULT_AUTH_PARAMS.maxMemoCharacters));
    expect(decode(await goodTx({ memo })).memo).toBe(memo);
  });

  it('keeps a positive fee', async () => {
    expect(decode(await goodTx({ fee: coins(5n) })).fee).toEqual([{ denom: 'ucmt', amount: 5n }]);
  });

  it('treats a zero-amount fee (CosmJS at gas price 0) as no fee', async () => {
    expect(decode(await goodTx({ fee: coins(0n) })).fee).toEqual([]);
  });

  it('keeps only the positive coins of a fee with zero and positive amounts', async () => {
    const fee = [{ denom: 'atom', amount: '0' }, { denom: 'ucmt', amount: '3' }];
    expect(decode(await goodTx({ fee })).fee).toEqual([{ denom: 'ucmt', amount: 3n }]);
  });

  it('marks a signer that used a sign mode other than DIRECT', async () => {
    const tx = decode(await goodTx({ signMode: SignMode.SIGN_MODE_LEGACY_AMINO_JSON }));
    expect(tx.signers[0]?.signModeDirect).toBe(false);
  });

  it('accepts a signer without a public key (known account), leaving pubKey undefined', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({
      ...ai,
      signerInfos: ai.signerInfos.map((s) => {
        const { publicKey: _dropped, ...rest } = s;
        return rest;
      }),
    }));
    expect(decode(bytes).signers[0]?.pubKey).toBeUndefined();
  });
});

describe('decodeTx: signers', () => {
  it('lists unique signers in order of first appearance across messages', async () => {
    const messages = [msgSendAny(b, a, 1n), msgSendAny(a, c, 1n), msgSendAny(b, c, 1n), msgSendAny(c, a, 1n)];
    const bytes = await signTx(w, { messages, signers: [signer(1), signer(0), signer(2)] });
    const tx = decode(bytes);
    expect(tx.signers.map((s) => s.address)).toEqual([b, a, c]);
    expect(tx.signers.map((s) => s.pubKey)).toEqual([w.at(1).pubkey, w.at(0).pubkey, w.at(2).pubkey]);
    expect(tx.msgs).toHaveLength(4);
  });

  // bech32 also accepts the all-upper-case form of an address, which parseAddress maps to the same
  // bytes; signers are deduplicated by string (decode.ts, the signerAddresses loop), so one account
  // becomes two signers. The tx below passes the ante today: both signer infos are the same key,
  // the sequence goes up by two, and message.sender carries the upper-case string, which
  // tx_search on the canonical address does not find. The SDK deduplicates signers by address bytes.
  it('an upper-case bech32 alias does not make one account two signers', async () => {
    const messages = [msgSendAny(a, b, 1n), msgSendAny(a.toUpperCase(), b, 1n)];
    const bytes = await signTx(w, { messages, signers: [signer(0, 0n), signer(0, 1n)] });
    let signers: readonly string[] = [];
    try {
      signers = decode(bytes).signers.map((s) => s.address.toLowerCase());
    } catch (e) {
      // Refusing non-canonical addresses is a fix too.
      expect(e).toBeInstanceOf(ChainError);
    }
    expect(new Set(signers).size).toBe(signers.length);
  });

  it('takes MsgMultiSend signers from its input', async () => {
    const multi = {
      typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
      value: MsgMultiSend.encode({
        inputs: [{ address: c, coins: coins(2n) }],
        outputs: [
          { address: a, coins: coins(1n) },
          { address: b, coins: coins(1n) },
        ],
      }).finish(),
    };
    const tx = decode(await signTx(w, { messages: [multi], signers: [signer(2)] }));
    expect(tx.signers.map((s) => s.address)).toEqual([c]);
  });

  it('refuses fewer signer infos than signers (ErrUnauthorized, code 4)', async () => {
    const messages = [msgSendAny(a, b, 1n), msgSendAny(b, a, 1n)];
    const bytes = await signTx(w, { messages, signers: [signer(0)] });
    expectCode(() => decode(bytes), 'sdk', 4, 'wrong number of signer_infos: expected 2, got 1');
  });

  it('refuses more signer infos than signers', async () => {
    const bytes = await signTx(w, sendOptions({ signers: [signer(0), signer(1)] }));
    expectCode(() => decode(bytes), 'sdk', 4, 'wrong number of signer_infos: expected 1, got 2');
  });

  it('refuses a signature count that differs from the signers', async () => {
    const raw = TxRaw.decode(await goodTx());
    const sig = raw.signatures[0] ?? new Uint8Array();
    expectCode(() => decode(encodeTxRaw(raw.bodyBytes, raw.authInfoBytes, [sig, sig])), 'sdk', 4, 'wrong number of signatures: expected 1, got 2');
  });

  it('refuses a tx without signatures (ErrNoSignatures, code 15)', async () => {
    const raw = TxRaw.decode(await goodTx());
    expectCode(() => decode(encodeTxRaw(raw.bodyBytes, raw.authInfoBytes, [])), 'sdk', 15);
  });

  it('refuses more signatures than tx_sig_limit (code 14)', async () => {
    const raw = TxRaw.decode(await goodTx());
    const sigs = Array.from({ length: Number(DEFAULT_AUTH_PARAMS.txSigLimit) + 1 }, () => new Uint8Array(64));
    expectCode(() => decode(encodeTxRaw(raw.bodyBytes, raw.authInfoBytes, sigs)), 'sdk', 14);
  });

  it('refuses multisig mode info (ErrNotSupported, code 37)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({
      ...ai,
      signerInfos: ai.signerInfos.map((s) => ({ ...s, modeInfo: { multi: { bitarray: { extraBitsStored: 2, elems: Uint8Array.of(0xc0) }, modeInfos: [] } } })),
    }));
    expectCode(() => decode(bytes), 'sdk', 37, 'multisig');
  });

  it('refuses a non-secp256k1 public key type (ErrInvalidPubKey, code 8)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({
      ...ai,
      signerInfos: ai.signerInfos.map((s) => ({
        ...s,
        publicKey: { typeUrl: '/cosmos.crypto.ed25519.PubKey', value: PubKey.encode({ key: new Uint8Array(32) }).finish() },
      })),
    }));
    expectCode(() => decode(bytes), 'sdk', 8, '/cosmos.crypto.ed25519.PubKey');
  });

  it('refuses a secp256k1 key that is not 33 bytes (code 8)', async () => {
    const uncompressed = new Uint8Array(65).fill(4);
    const bytes = editAuthInfo(await goodTx(), (ai) => ({
      ...ai,
      signerInfos: ai.signerInfos.map((s) => ({ ...s, publicKey: { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({ key: uncompressed }).finish() } })),
    }));
    expectCode(() => decode(bytes), 'sdk', 8, '33-byte');
  });

  it('refuses a secp256k1 key whose Any value does not decode (code 2)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({
      ...ai,
      signerInfos: ai.signerInfos.map((s) => ({ ...s, publicKey: { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: Uint8Array.of(0x0a, 0xff) } })),
    }));
    expectCode(() => decode(bytes), 'sdk', 2);
  });
});

describe('decodeTx: fee', () => {
  it('refuses a fee payer (code 37)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({ ...ai, fee: { amount: [], gasLimit: 200_000n, payer: b, granter: '' } }));
    expectCode(() => decode(bytes), 'sdk', 37, 'fee payer');
  });

  it('refuses a fee granter (code 37)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => ({ ...ai, fee: { amount: [], gasLimit: 200_000n, payer: '', granter: b } }));
    expectCode(() => decode(bytes), 'sdk', 37, 'fee granter');
  });

  it('refuses a tx without a fee field (code 18)', async () => {
    const bytes = editAuthInfo(await goodTx(), (ai) => {
      const { fee: _dropped, ...rest } = ai;
      return rest;
    });
    expectCode(() => decode(bytes), 'sdk', 18, 'no fee');
  });

  it('refuses a negative, unsorted or invalid fee (ErrInvalidCoins, code 10)', async () => {
    for (const amount of [
      [{ denom: 'ucmt', amount: '-1' }],
      [{ denom: 'ucmt', amount: '1' }, { denom: 'atom', amount: '1' }],
      [{ denom: 'u', amount: '1' }],
    ]) {
      expectCode(() => decode(editAuthInfo(validTx, (ai) => ({ ...ai, fee: { amount, gasLimit: 1n, payer: '', granter: '' } }))), 'sdk', 10);
    }
  });
});

describe('decodeTx: gas limit', () => {
  it('accepts a gas limit of 2^63 - 1 (the largest int64 CometBFT can carry)', () => {
    const bytes = editAuthInfo(validTx, (ai) => ({ ...ai, fee: { amount: [], gasLimit: (1n << 63n) - 1n, payer: '', granter: '' } }));
    expect(decode(bytes).gasLimit).toBe((1n << 63n) - 1n);
  });

  // The SDK refuses gas_limit > MaxGasWanted = 2^63 - 1 (ErrInvalidRequest, "invalid gas
  // supplied"). Here a larger uint64 passes decode and the ante, runs with an effectively
  // unlimited meter, and its gas_wanted reaches CometBFT as a negative int64 in
  // ResponseCheckTx / ExecTxResult (2^64 - 1 encodes as -1).
  it('refuses a gas limit above 2^63 - 1 (code 18), as the SDK does', () => {
    const bytes = editAuthInfo(validTx, (ai) => ({ ...ai, fee: { amount: [], gasLimit: (1n << 64n) - 1n, payer: '', granter: '' } }));
    expectCode(() => decode(bytes), 'sdk', 18, 'gas');
  });
});

describe('decodeTx: body', () => {
  it('refuses an empty tx (code 2)', () => {
    expectCode(() => decode(new Uint8Array()), 'sdk', 2, 'empty tx');
  });

  it('refuses a tx over max_tx_bytes (code 21)', () => {
    expectCode(() => decode(new Uint8Array(DEFAULT_AUTH_PARAMS.maxTxBytes + 1)), 'sdk', 21);
  });

  it('refuses garbage bytes (code 2)', () => {
    expectCode(() => decode(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), 'sdk', 2);
    expectCode(() => decode(new TextEncoder().encode('not a transaction')), 'sdk', 2);
  });

  it('refuses a truncated tx (code 2)', async () => {
    for (const cut of [1, 7, Math.floor(validTx.length / 2), validTx.length - 1]) {
      expectCode(() => decode(validTx.subarray(0, cut)), 'sdk', 2);
    }
  });

  it('refuses a tx with an empty body or empty auth info (code 2)', async () => {
    const raw = TxRaw.decode(validTx);
    expectCode(() => decode(encodeTxRaw(new Uint8Array(), raw.authInfoBytes, raw.signatures)), 'sdk', 2, 'no body');
    expectCode(() => decode(encodeTxRaw(raw.bodyBytes, new Uint8Array(), raw.signatures)), 'sdk', 2, 'no auth info');
  });

  it('refuses a body without messages (ErrInvalidRequest, code 18)', () => {
    // The memo keeps the body non-empty, so this is "no messages", not "no body".
    const bodyBytes = bodyBytesOf({ messages: [], memo: 'no messages' });
    const bytes = encodeTxRaw(bodyBytes, authInfoBytesOf({ signers: [signer(0)] }), [new Uint8Array(64)]);
    expectCode(() => decode(bytes), 'sdk', 18, 'no messages');
  });

  it('refuses an unknown message type (ErrUnknownRequest, code 6)', async () => {
    const bytes = await signTx(w, sendOptions({ messages: [{ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: new Uint8Array() }] }));
    expectCode(() => decode(bytes), 'sdk', 6, '/cosmos.staking.v1beta1.MsgDelegate');
  });

  it('refuses a message whose value does not decode (code 2)', async () => {
    const bytes = await signTx(w, sendOptions({ messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.of(0x0a, 0x50, 0x01) }] }));
    expectCode(() => decode(bytes), 'sdk', 2, 'messages[0]');
  });

  it('runs the message\'s stateless validation (bad address code 7, zero amount code 10)', async () => {
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, messages: [msgSendAny(a, 'cosmos1xyz', 1n)] }))), 'sdk', 7, 'to_address');
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, messages: [msgSendAny(a, b, 0n)] }))), 'sdk', 10);
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, messages: [msgSendAny(a, b, [])] }))), 'sdk', 10);
  });

  it('refuses a memo one character over the limit (ErrMemoTooLarge, code 12)', async () => {
    const memo = 'm'.repeat(Number(DEFAULT_AUTH_PARAMS.maxMemoCharacters) + 1);
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, memo }))), 'sdk', 12);
  });

  it('refuses extension options and non-critical extension options (code 31)', () => {
    const opt = { typeUrl: '/ethermint.types.v1.ExtensionOptionsWeb3Tx', value: new Uint8Array() };
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, extensionOptions: [opt] }))), 'sdk', 31);
    expectCode(() => decode(editBody(validTx, (body) => ({ ...body, nonCriticalExtensionOptions: [opt] }))), 'sdk', 31);
  });
});

describe('decodeTx: robustness', () => {
  it('never throws anything but a ChainError for random bytes', () => {
    const next = prng(0xc0ffee);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 200) }, () => next() & 0xff);
      try {
        decode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ChainError);
      }
    }
  });

  it('never throws anything but a ChainError for single-byte mutations of a valid tx', () => {
    const next = prng(42);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from(validTx);
      const at = next() % bytes.length;
      bytes[at] = next() & 0xff;
      try {
        decode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ChainError);
        refused++;
      }
    }
    // Mutations that land in the signature or an amount digit still decode; most do not.
    expect(refused).toBeGreaterThan(0);
  });

  it('decodes AuthInfo fields as CosmJS wrote them (sanity check of the fixture)', () => {
    const ai = AuthInfo.decode(TxRaw.decode(validTx).authInfoBytes);
    expect(ai.signerInfos[0]?.modeInfo?.single?.mode).toBe(SignMode.SIGN_MODE_DIRECT);
    expect(ai.fee?.gasLimit).toBe(200_000n);
  });
});
