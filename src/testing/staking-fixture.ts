// Staking in the in-process chain (TestChain): genesis validators operated by test wallets, and
// the staking messages built as the Any a tx carries. Shared by the staking, slashing and
// distribution unit tests.
import { toBase64 } from '@cosmjs/encoding';
import * as stx from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { Params } from '../generated/cybermiles/staking/v1/staking.js';
import { parseAddress } from '../modules/auth/address.js';
import { toValoper } from '../modules/staking/address.js';
import { DEFAULT_STAKING_PARAMS } from '../modules/staking/params.js';
import type { TestWallet } from './tx-fixture.js';

export const CMT = 1_000_000n;
const S = '/cosmos.staking.v1beta1.';

/** Validator i's consensus key: 32 bytes of i + 1. */
export const consKey = (i: number): Uint8Array => new Uint8Array(32).fill(i + 1);

export const coin = (amount: bigint) => ({ denom: 'ucmt', amount: amount.toString() });

/** A message as a tx carries it. */
export const anyMsg = <T>(typeUrl: string, codec: { encode(m: T): { finish(): Uint8Array }; fromPartial(o: object): T }, value: object): Any => ({
  typeUrl,
  value: codec.encode(codec.fromPartial(value)).finish(),
});

export interface GenesisValidator {
  /** The wallet index of its operator. */
  readonly op: number;
  readonly bond: bigint;
  readonly zeroCommission?: boolean;
}

/**
 * Staking messages and genesis for validators operated by a wallet's accounts (by index). The
 * wallet is read when a helper is called, so a test file can call this at its top level and make
 * the wallet in beforeAll.
 */
export function stakingHelpers(wallet: () => TestWallet) {
  const address = (i: number): string => wallet().at(i).address;
  const valoper = (i: number): string => toValoper(parseAddress(address(i)));
  return {
    valoper,
    delegate: (i: number, v: number, amount: bigint) =>
      anyMsg(S + 'MsgDelegate', stx.MsgDelegate, { delegatorAddress: address(i), validatorAddress: valoper(v), amount: coin(amount) }),
    undelegate: (i: number, v: number, amount: bigint) =>
      anyMsg(S + 'MsgUndelegate', stx.MsgUndelegate, { delegatorAddress: address(i), validatorAddress: valoper(v), amount: coin(amount) }),
    redelegate: (i: number, from: number, to: number, amount: bigint) =>
      anyMsg(S + 'MsgBeginRedelegate', stx.MsgBeginRedelegate, {
        delegatorAddress: address(i),
        validatorSrcAddress: valoper(from),
        validatorDstAddress: valoper(to),
        amount: coin(amount),
      }),
    /** The staking section of a genesis app state. */
    stakingGenesis: (validators: readonly GenesisValidator[], params: Partial<Params> = {}) => ({
      params: Params.toJSON({ ...DEFAULT_STAKING_PARAMS, ...params }),
      validators: validators.map(({ op, bond, zeroCommission }) => ({
        operator_address: valoper(op),
        consensus_pubkey: toBase64(consKey(op)),
        self_bond: bond.toString(),
        moniker: `v${op}`,
        ...(zeroCommission === true ? { commission_rate: '0' } : {}),
      })),
    }),
  };
}
