// cybermiles.arbitration.v1 messages.
import { protoMsg } from '../../app/proto-msg.js';
import type { AnyMsgHandler } from '../../app/module.js';
import * as tx from '../../generated/cybermiles/arbitration/v1/tx.js';
import { parseAddress } from '../auth/address.js';
import type { ArbitrationKeeper } from './keeper.js';

const PKG = '/cybermiles.arbitration.v1.';

export function arbitrationMsgHandlers(k: ArbitrationKeeper): AnyMsgHandler[] {
  return [
    protoMsg({
      typeUrl: PKG + 'MsgRegisterArbiter',
      module: 'arbitration',
      codec: tx.MsgRegisterArbiter,
      response: { typeUrl: PKG + 'MsgRegisterArbiterResponse', codec: tx.MsgRegisterArbiterResponse },
      signer: (m) => m.arbiter,
      validate: (m) => void parseAddress(m.arbiter, 'arbiter'),
      handle: (ctx, m) => (k.register(ctx, m.arbiter, m.bond, m.termsHash, m.termsUri), {}),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgUnbondArbiter',
      module: 'arbitration',
      codec: tx.MsgUnbondArbiter,
      response: { typeUrl: PKG + 'MsgUnbondArbiterResponse', codec: tx.MsgUnbondArbiterResponse },
      signer: (m) => m.arbiter,
      validate: (m) => void parseAddress(m.arbiter, 'arbiter'),
      handle: (ctx, m) => ({ unbondAt: k.unbond(ctx, m.arbiter) }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgRespondToArbiter',
      module: 'arbitration',
      codec: tx.MsgRespondToArbiter,
      response: { typeUrl: PKG + 'MsgRespondToArbiterResponse', codec: tx.MsgRespondToArbiterResponse },
      signer: (m) => m.sender,
      validate: (m) => void parseAddress(m.sender, 'sender'),
      handle: async (ctx, m) => ({ arbiter: await k.respond(ctx, m.sender, m.caseId, m.accept) }),
    }),
    protoMsg({
      typeUrl: PKG + 'MsgRule',
      module: 'arbitration',
      codec: tx.MsgRule,
      response: { typeUrl: PKG + 'MsgRuleResponse', codec: tx.MsgRuleResponse },
      signer: (m) => m.arbiter,
      validate: (m) => void parseAddress(m.arbiter, 'arbiter'),
      handle: async (ctx, m) => (await k.rule(ctx, m.arbiter, m.caseId, m), {}),
    }),
  ];
}
