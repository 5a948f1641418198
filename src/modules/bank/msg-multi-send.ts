// cosmos.bank.v1beta1.MsgMultiSend: one input (as in SDK 0.47+), many outputs, equal sums.
import { MsgMultiSend, MsgMultiSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { MsgHandler } from '../../app/module.js';
import { readerOver } from '../../util/proto-reader.js';
import { parseAddress, toAddress } from '../auth/address.js';
import { coinsEqual, formatCoins, parseCoins, sumCoins } from './coins.js';
import { ErrInputOutputMismatch, ErrMultipleSenders, ErrNoInputs, ErrNoOutputs } from './errors.js';
import { messageSenderEvent, transferEvent } from './events.js';
import type { BankKeeper } from './keeper.js';

function checked(msg: MsgMultiSend) {
  if (msg.inputs.length === 0) throw ErrNoInputs('');
  if (msg.inputs.length > 1) throw ErrMultipleSenders(`${msg.inputs.length} inputs`);
  if (msg.outputs.length === 0) throw ErrNoOutputs('');
  const input = msg.inputs[0];
  if (input === undefined) throw ErrNoInputs('');
  const inCoins = parseCoins(input.coins, 'inputs[0].coins');
  const outputs = msg.outputs.map((o, i) => ({
    address: parseAddress(o.address, `outputs[${i}].address`),
    coins: parseCoins(o.coins, `outputs[${i}].coins`),
  }));
  const outTotal = sumCoins(outputs.map((o) => o.coins));
  if (!coinsEqual(inCoins, outTotal)) {
    throw ErrInputOutputMismatch(`inputs ${formatCoins(inCoins)}, outputs ${formatCoins(outTotal)}`);
  }
  return { from: parseAddress(input.address, 'inputs[0].address'), inCoins, outputs };
}

export function msgMultiSendHandler(bank: BankKeeper): MsgHandler<MsgMultiSend> {
  return {
    typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
    module: 'bank',
    decode: (bytes) => MsgMultiSend.decode(readerOver(bytes)),
    signers: (msg) => msg.inputs.map((i) => i.address),
    validate: (msg) => void checked(msg),
    async handle(ctx, msg) {
      const { from, inCoins, outputs } = checked(msg);
      for (const o of outputs) bank.assertCanReceive(ctx.store, o.address);
      bank.subtractCoins(ctx, from, inCoins);
      const sender = toAddress(from);
      ctx.events.emit(messageSenderEvent(sender));
      for (const o of outputs) {
        bank.addCoins(ctx, o.address, o.coins);
        ctx.events.emit(transferEvent(toAddress(o.address), sender, formatCoins(o.coins)));
      }
      // Accounts are created after all transfers, in output order, so account numbers are deterministic.
      for (const o of outputs) bank.ensureAccountFor(ctx.store, o.address);
      return { typeUrl: '/cosmos.bank.v1beta1.MsgMultiSendResponse', value: MsgMultiSendResponse.encode({}).finish() };
    },
  };
}
