// bank events, named as the Cosmos SDK names them so that CosmJS and explorers understand them.
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import { makeEvent } from '../../events/event.js';

export const coinSpentEvent = (spender: string, amount: string): Event =>
  makeEvent('coin_spent', [['spender', spender], ['amount', amount]]);

export const coinReceivedEvent = (receiver: string, amount: string): Event =>
  makeEvent('coin_received', [['receiver', receiver], ['amount', amount]]);

export const transferEvent = (recipient: string, sender: string, amount: string): Event =>
  makeEvent('transfer', [['recipient', recipient], ['sender', sender], ['amount', amount]]);

export const messageSenderEvent = (sender: string): Event => makeEvent('message', [['sender', sender]]);

export const coinbaseEvent = (minter: string, amount: string): Event =>
  makeEvent('coinbase', [['minter', minter], ['amount', amount]]);

export const burnEvent = (burner: string, amount: string): Event => makeEvent('burn', [['burner', burner], ['amount', amount]]);
