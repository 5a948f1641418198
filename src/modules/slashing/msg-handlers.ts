// cosmos.slashing.v1beta1.MsgUnjail, as the SDK and CosmJS define it: signed by the operator.
import * as tx from 'cosmjs-types/cosmos/slashing/v1beta1/tx';
import type { AnyMsgHandler } from '../../app/module.js';
import { protoMsg } from '../../app/proto-msg.js';
import { toAddress } from '../auth/address.js';
import { parseValoper } from '../staking/address.js';
import type { SlashingKeeper } from './keeper.js';

const PKG = '/cosmos.slashing.v1beta1.';

export function slashingMsgHandlers(k: SlashingKeeper): AnyMsgHandler[] {
  return [
    protoMsg({
      typeUrl: PKG + 'MsgUnjail',
      module: 'slashing',
      codec: tx.MsgUnjail,
      response: { typeUrl: PKG + 'MsgUnjailResponse', codec: tx.MsgUnjailResponse },
      signer: (m) => toAddress(parseValoper(m.validatorAddr, 'validator_addr')),
      validate: (m) => void parseValoper(m.validatorAddr, 'validator_addr'),
      handle: (ctx, m) => {
        k.unjail(ctx, parseValoper(m.validatorAddr, 'validator_addr'), ctx.block);
        return {};
      },
    }),
  ];
}
