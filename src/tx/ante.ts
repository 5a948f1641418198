// The ante path: everything a tx must pass before its messages run. Timeout height, tx size gas,
// for each signer its account, public key and sequence, then the fee policy, then the signatures
// (as in the SDK, where fees are deducted before signatures are verified).
// Writes (sequence, public key, fee) go through ctx.store, a per-tx cache layer.
import { signDocDigest } from './sign-doc.js';
import { Slab } from '../util/slab.js';
import { latin1 } from '../store/bytes.js';
import { BoundedCache } from '../util/bounded-cache.js';
import type { TxContext } from '../app/module.js';
import { EventManager, makeEvent } from '../events/event.js';
import { ErrInvalidGasLimit, ErrInvalidPubKey, ErrNotSupported, ErrTxTimeoutHeight, ErrUnauthorized, ErrUnknownAddress, ErrWrongSequence } from '../errors/sdk-errors.js';
import { addressFromPubKey, parseAddressShared } from '../modules/auth/address.js';
import type { Account, AuthKeeper } from '../modules/auth/keeper.js';
import type { AuthParams } from '../modules/auth/params.js';
import { bytesEqual, toBase64 } from '../util/bytes.js';
import type { DecodedSigner, DecodedTx } from './decode.js';
import type { FeePolicy } from './fee-policy.js';
import { gasAmount } from './gas.js';
import { isLowS, isValidPubKey, verifySecp256k1 } from './secp256k1.js';
import { SignatureCache } from './signature-cache.js';
import type { SigCheck } from './sig-verify-pool.js';
import type { KVReader } from '../store/types.js';

export interface AnteDeps {
  readonly auth: AuthKeeper;
  readonly feePolicy: FeePolicy;
  readonly params: AuthParams;
  readonly sigCache: SignatureCache;
}

/**
 * Per decoded tx (the executor's decode cache keeps the object while the tx is in flight), the
 * context each signer's signature was found valid in: chain id, account number and public key.
 * A tx verified in CheckTx then needs neither its sign doc re-encoded and hashed nor a cache
 * lookup in FinalizeBlock and on every recheck. Validity is a pure function of the tx bytes and
 * that context, so this only saves work.
 */
const verifiedIn = new WeakMap<DecodedTx, string[]>();

function verifiedContext(chainId: string, accountNumber: bigint, pubKey: Uint8Array): string {
  return `${chainId}\n${accountNumber}\n${latin1(pubKey)}`;
}

function rememberVerified(tx: DecodedTx, signer: number, context: string): void {
  const verified = verifiedIn.get(tx) ?? [];
  verified[signer] = context;
  verifiedIn.set(tx, verified);
}

/** A signature the ante would have to verify, found ahead of execution (see signaturesToVerify). */
export interface PendingSignature extends SigCheck {
  readonly tx: DecodedTx;
  readonly signer: number;
  readonly context: string;
  readonly cacheKey: string;
}

/**
 * The signatures of `tx` that the ante would verify against `state`, read-only: for each signer
 * with an account and a public key (on the account or in the tx) and a 64-byte low-S signature,
 * not yet known valid or invalid. Used to verify them ahead (on worker threads, a whole block at
 * once); anything this gets wrong (an account created earlier in the same block, say) the ante
 * finds not yet verified and checks itself. With `currentSequenceOnly`, signers whose sequence is
 * not their account's current one are left out (see AheadOptions).
 */
export function signaturesToVerify(state: KVReader, tx: DecodedTx, chainId: string, deps: AnteDeps, currentSequenceOnly = false): PendingSignature[] {
  const out: PendingSignature[] = [];
  const memo = verifiedIn.get(tx);
  for (const [i, signer] of tx.signers.entries()) {
    // Verified already (in CheckTx, almost always in this very context): the ante checks the
    // context exactly; reading the account here would only cost time.
    if (memo?.[i] !== undefined) continue;
    if (!signer.signModeDirect || signer.signature.length !== 64 || !isLowS(signer.signature)) continue;
    let address: Uint8Array;
    try {
      address = parseAddressShared(signer.address, `signer ${i}`);
    } catch {
      continue;
    }
    const account = deps.auth.getAccount(state, address);
    const pubKey = account?.pubKey ?? signer.pubKey;
    if (account === undefined || pubKey === undefined || !isValidPubKey(pubKey)) continue;
    if (currentSequenceOnly && signer.sequence !== account.sequence) continue;
    const context = verifiedContext(chainId, account.accountNumber, pubKey);
    const digest = signDocDigest(tx.bodyBytes, tx.authInfoBytes, chainId, account.accountNumber);
    const cacheKey = SignatureCache.key(digest, signer.signature, pubKey);
    if (deps.sigCache.has(cacheKey)) {
      rememberVerified(tx, i, context);
      continue;
    }
    if (deps.sigCache.isInvalid(cacheKey)) continue;
    out.push({ tx, signer: i, context, cacheKey, signature: signer.signature, digest: digests.fromLatin1(digest), pubKey });
  }
  return out;
}

/** Records what a verifier found for signatures from signaturesToVerify. */
export function recordVerified(pending: readonly PendingSignature[], valid: readonly boolean[], deps: AnteDeps): void {
  pending.forEach((p, i) => {
    if (valid[i] === true) {
      deps.sigCache.add(p.cacheKey);
      rememberVerified(p.tx, p.signer, p.context);
    } else {
      deps.sigCache.addInvalid(p.cacheKey);
    }
  });
}

// Address of a public key (SHA-256 then RIPEMD-160: two hashes per signer per run of the ante),
// remembered per key. Bounded, oldest first out.
const KEY_ADDRESSES_MAX = 50_000;
const keyAddresses = new BoundedCache<Uint8Array>(KEY_ADDRESSES_MAX);

function addressOfKey(pubKey: Uint8Array): Uint8Array {
  const key = latin1(pubKey);
  const known = keyAddresses.get(key);
  if (known !== undefined) return known;
  const address = addressFromPubKey(pubKey);
  keyAddresses.set(key, address);
  return address;
}

/** Digests as bytes, for the verifier (they live until their signature is checked). */
const digests = new Slab();

export function runAnte(ctx: TxContext, tx: DecodedTx, deps: AnteDeps): void {
  const timeout = tx.timeoutHeight;
  if (timeout > 0n && ctx.block.height > timeout) {
    throw ErrTxTimeoutHeight(`block height ${ctx.block.height} is past the tx's timeout height ${timeout}`);
  }
  const simulate = ctx.mode === 'simulate';
  if (!simulate && tx.gasLimit === 0n) throw ErrInvalidGasLimit('gas limit is 0; set a gas limit or use "auto" gas');
  ctx.gas.consume(gasAmount(deps.params.txSizeCostPerByte * BigInt(tx.bytes.length)), 'txSize');

  const checked: { readonly index: number; readonly signer: DecodedSigner; readonly account: Account; readonly pubKey: Uint8Array | undefined }[] = [];
  for (const [i, signer] of tx.signers.entries()) {
    const address = parseAddressShared(signer.address, `signer ${i}`);
    const account = deps.auth.getAccount(ctx.store, address);
    if (account === undefined) throw ErrUnknownAddress(`account ${signer.address} does not exist; it must receive funds first`);

    const pubKey = account.pubKey ?? signer.pubKey;
    if (pubKey === undefined) {
      if (!simulate) throw ErrInvalidPubKey(`no public key for signer ${signer.address}: the first tx of an account must carry it`);
    } else {
      if (account.pubKey !== undefined && signer.pubKey !== undefined && !bytesEqual(account.pubKey, signer.pubKey)) {
        throw ErrInvalidPubKey(`public key of signer ${i} differs from the one on account ${signer.address}`);
      }
      if (!bytesEqual(addressOfKey(pubKey), address)) {
        throw ErrInvalidPubKey(`pubKey does not match signer address ${signer.address} with signer index: ${i}`);
      }
      if (!isValidPubKey(pubKey)) throw ErrInvalidPubKey(`public key of signer ${i} is not a valid secp256k1 point`);
    }

    if (signer.sequence !== account.sequence) {
      throw ErrWrongSequence(`account sequence mismatch, expected ${account.sequence}, got ${signer.sequence}`);
    }

    ctx.gas.consume(gasAmount(deps.params.sigVerifyCostSecp256k1), 'ante verify: secp256k1');
    if (!simulate && !signer.signModeDirect) {
      throw ErrNotSupported(`signer ${i}: only SIGN_MODE_DIRECT single signatures are supported`);
    }
    if (!simulate && pubKey !== undefined && signer.signature.length === 64 && !isLowS(signer.signature)) {
      throw ErrUnauthorized(`signature of signer ${i} is not in canonical lower-S form`);
    }
    checked.push({ index: i, signer, account, pubKey });
  }

  // The fee policy runs before the signatures are verified, as the SDK's DeductFeeDecorator runs
  // before its SigVerificationDecorator: a zero-fee tx over its payer's quota (a flood) is refused
  // without the cost of a verification. Nothing it writes outlives a failed ante (the ante's layer
  // is dropped), and its events still come after the signers' ones.
  const feeEvents = new EventManager();
  const payer = tx.signers[0];
  if (payer !== undefined) deps.feePolicy.charge({ ...ctx, events: feeEvents }, tx, parseAddressShared(payer.address));

  // ReCheck skips the signatures, as the SDK's SigVerificationDecorator does: they were verified
  // when the tx was first checked, against the same chain id, account number and key (the key is
  // bound to the signer's address above, and an account's number never changes).
  const recheck = ctx.mode === 'recheck';
  for (const { index: i, signer, account, pubKey } of checked) {
    if (simulate || recheck || pubKey === undefined) continue;
    const context = verifiedContext(ctx.block.chainId, account.accountNumber, pubKey);
    if (verifiedIn.get(tx)?.[i] === context) continue;
    const digest = signDocDigest(tx.bodyBytes, tx.authInfoBytes, ctx.block.chainId, account.accountNumber);
    const cacheKey = SignatureCache.key(digest, signer.signature, pubKey);
    if (!deps.sigCache.has(cacheKey)) {
      // Known invalid (found so by a verifier ahead of execution): no need to check again.
      if (deps.sigCache.isInvalid(cacheKey) || !verifySecp256k1(signer.signature, digests.fromLatin1(digest), pubKey)) {
        throw ErrUnauthorized(
          `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.block.chainId})`,
        );
      }
      deps.sigCache.add(cacheKey);
    }
    rememberVerified(tx, i, context);
  }

  for (const { signer, account, pubKey } of checked) {
    deps.auth.setAccount(ctx.store, { ...account, pubKey: pubKey ?? account.pubKey, sequence: account.sequence + 1n });
    ctx.events.emit(makeEvent('tx', [['acc_seq', `${signer.address}/${signer.sequence}`]]));
    if (signer.signature.length > 0) ctx.events.emit(makeEvent('tx', [['signature', toBase64(signer.signature)]]));
  }
  ctx.events.emitAll(feeEvents.events());
}
