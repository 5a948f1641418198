// The ante path: everything a tx must pass before its messages run. Timeout height, tx size gas,
// for each signer its account, public key, sequence and signature, then the fee policy.
// Writes (sequence, public key, fee) go through ctx.store, a per-tx cache layer.
import { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { createHash } from 'node:crypto';
import type { TxContext } from '../app/module.js';
import { makeEvent } from '../events/event.js';
import { ErrInvalidGasLimit, ErrInvalidPubKey, ErrNotSupported, ErrTxTimeoutHeight, ErrUnauthorized, ErrUnknownAddress, ErrWrongSequence } from '../errors/sdk-errors.js';
import { addressFromPubKey, parseAddress } from '../modules/auth/address.js';
import type { AuthKeeper } from '../modules/auth/keeper.js';
import type { AuthParams } from '../modules/auth/params.js';
import { bytesEqual, toBase64 } from '../util/bytes.js';
import type { DecodedTx } from './decode.js';
import type { FeePolicy } from './fee-policy.js';
import { isLowS, isValidPubKey, verifySecp256k1 } from './secp256k1.js';
import { SignatureCache } from './signature-cache.js';

export interface AnteDeps {
  readonly auth: AuthKeeper;
  readonly feePolicy: FeePolicy;
  readonly params: AuthParams;
  readonly sigCache: SignatureCache;
}

export function signDocDigest(tx: DecodedTx, chainId: string, accountNumber: bigint): Uint8Array {
  const doc = SignDoc.encode({ bodyBytes: tx.bodyBytes, authInfoBytes: tx.authInfoBytes, chainId, accountNumber }).finish();
  return new Uint8Array(createHash('sha256').update(doc).digest());
}

export function runAnte(ctx: TxContext, tx: DecodedTx, deps: AnteDeps): void {
  const timeout = tx.body.timeoutHeight;
  if (timeout > 0n && ctx.block.height > timeout) {
    throw ErrTxTimeoutHeight(`block height ${ctx.block.height} is past the tx's timeout height ${timeout}`);
  }
  const simulate = ctx.mode === 'simulate';
  if (!simulate && tx.gasLimit === 0n) throw ErrInvalidGasLimit('gas limit is 0; set a gas limit or use "auto" gas');
  ctx.gas.consume(deps.params.txSizeCostPerByte * BigInt(tx.bytes.length), 'txSize');

  for (const [i, signer] of tx.signers.entries()) {
    const address = parseAddress(signer.address, `signer ${i}`);
    const account = deps.auth.getAccount(ctx.store, address);
    if (account === undefined) throw ErrUnknownAddress(`account ${signer.address} does not exist; it must receive funds first`);

    const pubKey = account.pubKey ?? signer.pubKey;
    if (pubKey === undefined) {
      if (!simulate) throw ErrInvalidPubKey(`no public key for signer ${signer.address}: the first tx of an account must carry it`);
    } else {
      if (account.pubKey !== undefined && signer.pubKey !== undefined && !bytesEqual(account.pubKey, signer.pubKey)) {
        throw ErrInvalidPubKey(`public key of signer ${i} differs from the one on account ${signer.address}`);
      }
      if (!bytesEqual(addressFromPubKey(pubKey), address)) {
        throw ErrInvalidPubKey(`pubKey does not match signer address ${signer.address} with signer index: ${i}`);
      }
      if (!isValidPubKey(pubKey)) throw ErrInvalidPubKey(`public key of signer ${i} is not a valid secp256k1 point`);
    }

    if (signer.sequence !== account.sequence) {
      throw ErrWrongSequence(`account sequence mismatch, expected ${account.sequence}, got ${signer.sequence}`);
    }

    ctx.gas.consume(deps.params.sigVerifyCostSecp256k1, 'ante verify: secp256k1');
    if (!simulate && !signer.signModeDirect) {
      throw ErrNotSupported(`signer ${i}: only SIGN_MODE_DIRECT single signatures are supported`);
    }
    if (!simulate && pubKey !== undefined) {
      if (signer.signature.length === 64 && !isLowS(signer.signature)) {
        throw ErrUnauthorized(`signature of signer ${i} is not in canonical lower-S form`);
      }
      const digest = signDocDigest(tx, ctx.block.chainId, account.accountNumber);
      const cacheKey = SignatureCache.key(digest, signer.signature, pubKey);
      if (!deps.sigCache.has(cacheKey)) {
        if (!verifySecp256k1(signer.signature, digest, pubKey)) {
          throw ErrUnauthorized(
            `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.block.chainId})`,
          );
        }
        deps.sigCache.add(cacheKey);
      }
    }

    deps.auth.setAccount(ctx.store, { ...account, pubKey: pubKey ?? account.pubKey, sequence: account.sequence + 1n });
    ctx.events.emit(makeEvent('tx', [['acc_seq', `${signer.address}/${signer.sequence}`]]));
    if (signer.signature.length > 0) ctx.events.emit(makeEvent('tx', [['signature', toBase64(signer.signature)]]));
  }

  const payer = tx.signers[0];
  if (payer !== undefined) deps.feePolicy.charge(ctx, tx, parseAddress(payer.address));
}
