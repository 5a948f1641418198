// cosmos.bank.v1beta1.MsgSend: one sender, one recipient, some coins.
import { MsgSend, MsgSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { MsgHandler } from '../../app/module.js';
import { readerOver } from '../../util/proto-reader.js';
import { parseAddress, parseAddressShared } from '../auth/address.js';
import { parseCoins } from './coins.js';
import type { BankKeeper } from './keeper.js';

export function msgSendHandler(bank: BankKeeper): MsgHandler<MsgSend> {
  return {
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    module: 'bank',
    decode: (bytes) => MsgSend.decode(readerOver(bytes)),
    signers: (msg) => [msg.fromAddress],
    validate(msg) {
      parseAddress(msg.fromAddress, 'from_address');
      parseAddress(msg.toAddress, 'to_address');
      parseCoins(msg.amount, 'amount');
    },
    async handle(ctx, msg) {
      const to = parseAddressShared(msg.toAddress);
      bank.assertCanReceive(ctx.store, to);
      bank.send(ctx, parseAddressShared(msg.fromAddress), to, parseCoins(msg.amount, 'amount'));
      return { typeUrl: '/cosmos.bank.v1beta1.MsgSendResponse', value: MsgSendResponse.encode({}).finish() };
    },
  };
}
