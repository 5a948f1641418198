// cosmos.staking.v1beta1 messages, as the SDK and CosmJS define them.
import { PubKey as Ed25519PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import * as tx from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { protoMsg } from '../../app/proto-msg.js';
import type { AnyMsgHandler, TxContext } from '../../app/module.js';
import { ErrInvalidRequest } from '../../errors/sdk-errors.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { parseValoper } from './address.js';
import { parseDec } from './dec.js';
import { ErrBadAmount, ErrBadDenom, ErrValidatorPubKeyTypeNotSupported } from './errors.js';
import { ED25519_PUBKEY_TYPE, type BlockTime, type StakingKeeper } from './keeper.js';

const PKG = '/cosmos.staking.v1beta1.';
const MODULE = 'staking';

function parsePositive(s: string, field: string): bigint {
  if (!/^\d{1,40}$/.test(s)) throw ErrBadAmount(`${field} ${JSON.stringify(s)} is not a whole number`);
  const n = BigInt(s);
  if (n <= 0n) throw ErrBadAmount(`${field} must be positive`);
  return n;
}

function amountOf(k: StakingKeeper, ctx: TxContext, coin: Coin | undefined, field: string): bigint {
  if (coin === undefined) throw ErrBadAmount(`${field} is missing`);
  const denom = k.params(ctx.store).bondDenom;
  if (coin.denom !== denom) throw ErrBadDenom(`${field} is in ${JSON.stringify(coin.denom)}, expected ${denom}`);
  return parsePositive(coin.amount, `${field}.amount`);
}

const blockOf = (ctx: TxContext): BlockTime => ({ height: ctx.block.height, timeSeconds: ctx.block.timeSeconds, timeNanos: ctx.block.timeNanos });

export function stakingMsgHandlers(k: StakingKeeper): AnyMsgHandler[] {
  return [
    protoMsg({
      typeUrl: PKG + 'MsgCreateValidator',
      module: MODULE,
      codec: tx.MsgCreateValidator,
      response: { typeUrl: PKG + 'MsgCreateValidatorResponse', codec: tx.MsgCreateValidatorResponse },
      signer: (m) => toAddress(parseValoper(m.validatorAddress)),
      validate: (m) => {
        const val = parseValoper(m.validatorAddress);
        if (m.delegatorAddress !== '' && m.delegatorAddress !== toAddress(val)) {
          throw ErrInvalidRequest('delegator_address must be empty or the operator\'s own account');
        }
        if (m.pubkey === undefined || m.pubkey.typeUrl !== ED25519_PUBKEY_TYPE) {
          throw ErrValidatorPubKeyTypeNotSupported(`pubkey must be ${ED25519_PUBKEY_TYPE}, got ${m.pubkey?.typeUrl ?? 'nothing'}`);
        }
        parseDec(m.commission.rate, 'commission.rate');
        parseDec(m.commission.maxRate, 'commission.max_rate');
        parseDec(m.commission.maxChangeRate, 'commission.max_change_rate');
      },
      handle: (ctx, m) => {
        const operator = parseValoper(m.validatorAddress);
        const key = Ed25519PubKey.decode(m.pubkey?.value ?? new Uint8Array()).key;
        k.createValidator(
          ctx,
          {
            operator,
            pubkey: key,
            description: m.description,
            rate: parseDec(m.commission.rate, 'commission.rate'),
            maxRate: parseDec(m.commission.maxRate, 'commission.max_rate'),
            maxChangeRate: parseDec(m.commission.maxChangeRate, 'commission.max_change_rate'),
            minSelfDelegation: m.minSelfDelegation === '' ? 1n : parsePositive(m.minSelfDelegation, 'min_self_delegation'),
            selfBond: amountOf(k, ctx, m.value, 'value'),
          },
          blockOf(ctx),
        );
        return {};
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgEditValidator',
      module: MODULE,
      codec: tx.MsgEditValidator,
      response: { typeUrl: PKG + 'MsgEditValidatorResponse', codec: tx.MsgEditValidatorResponse },
      signer: (m) => toAddress(parseValoper(m.validatorAddress)),
      validate: (m) => void parseValoper(m.validatorAddress),
      handle: (ctx, m) => {
        k.editValidator(
          ctx,
          parseValoper(m.validatorAddress),
          {
            description: m.description,
            rate: m.commissionRate === '' ? undefined : parseDec(m.commissionRate, 'commission_rate'),
            minSelfDelegation: m.minSelfDelegation === '' ? undefined : parsePositive(m.minSelfDelegation, 'min_self_delegation'),
          },
          blockOf(ctx),
        );
        return {};
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgDelegate',
      module: MODULE,
      codec: tx.MsgDelegate,
      response: { typeUrl: PKG + 'MsgDelegateResponse', codec: tx.MsgDelegateResponse },
      signer: (m) => m.delegatorAddress,
      validate: (m) => {
        parseAddress(m.delegatorAddress, 'delegator_address');
        parseValoper(m.validatorAddress);
      },
      handle: (ctx, m) => {
        k.delegate(ctx, parseAddress(m.delegatorAddress), parseValoper(m.validatorAddress), amountOf(k, ctx, m.amount, 'amount'));
        return {};
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgUndelegate',
      module: MODULE,
      codec: tx.MsgUndelegate,
      response: { typeUrl: PKG + 'MsgUndelegateResponse', codec: tx.MsgUndelegateResponse },
      signer: (m) => m.delegatorAddress,
      validate: (m) => {
        parseAddress(m.delegatorAddress, 'delegator_address');
        parseValoper(m.validatorAddress);
      },
      handle: (ctx, m) => {
        const r = k.undelegate(ctx, parseAddress(m.delegatorAddress), parseValoper(m.validatorAddress), amountOf(k, ctx, m.amount, 'amount'), blockOf(ctx));
        return { completionTime: r.completion, amount: { denom: m.amount.denom, amount: r.amount.toString() } };
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgBeginRedelegate',
      module: MODULE,
      codec: tx.MsgBeginRedelegate,
      response: { typeUrl: PKG + 'MsgBeginRedelegateResponse', codec: tx.MsgBeginRedelegateResponse },
      signer: (m) => m.delegatorAddress,
      validate: (m) => {
        parseAddress(m.delegatorAddress, 'delegator_address');
        parseValoper(m.validatorSrcAddress, 'validator_src_address');
        parseValoper(m.validatorDstAddress, 'validator_dst_address');
      },
      handle: async (ctx, m) => {
        const completionTime = await k.redelegate(
          ctx,
          parseAddress(m.delegatorAddress),
          parseValoper(m.validatorSrcAddress, 'validator_src_address'),
          parseValoper(m.validatorDstAddress, 'validator_dst_address'),
          amountOf(k, ctx, m.amount, 'amount'),
          blockOf(ctx),
        );
        return { completionTime };
      },
    }),
    protoMsg({
      typeUrl: PKG + 'MsgCancelUnbondingDelegation',
      module: MODULE,
      codec: tx.MsgCancelUnbondingDelegation,
      response: { typeUrl: PKG + 'MsgCancelUnbondingDelegationResponse', codec: tx.MsgCancelUnbondingDelegationResponse },
      signer: (m) => m.delegatorAddress,
      validate: (m) => {
        parseAddress(m.delegatorAddress, 'delegator_address');
        parseValoper(m.validatorAddress);
        if (m.creationHeight <= 0n) throw ErrInvalidRequest('creation_height must be positive');
      },
      handle: (ctx, m) => {
        k.cancelUnbonding(ctx, parseAddress(m.delegatorAddress), parseValoper(m.validatorAddress), amountOf(k, ctx, m.amount, 'amount'), m.creationHeight);
        return {};
      },
    }),
  ];
}
