// Shared pieces of the escrow and arbitration end-to-end tests: a devnet with short windows, typed
// clients for the dev accounts, and exact balance reads.
import { CyberMilesClient } from '../../src/client/client.js';
import { moduleAddress } from '../../src/modules/auth/address.js';
import { devWallet, type DevWallet } from './accounts.js';

/** Genesis parameters that make windows and deadlines a few seconds long. */
export const SHORT_WINDOWS = {
  escrow: {
    params: {
      minDepositBps: 1000,
      minDisputeWindowSeconds: '2',
      maxDisputeWindowSeconds: '7776000',
      maxDeliverySeconds: '15552000',
      maxTimedTransitionsPerBlock: 1000,
      maxEvidencePerSide: 3,
      maxPayloadBytes: 4096,
      maxTextLength: 512,
    },
  },
  arbitration: {
    params: {
      minBond: '1000000',
      unbondingSeconds: '3',
      // Answering a drawn arbiter and ruling are txs of their own, with queries between them: on a
      // machine running the whole suite, three of them took longer than 3 s and silence became
      // acceptance before a test answered. 10 s leaves room; tests that wait a deadline out poll.
      acceptanceSeconds: '10',
      rulingSeconds: '10',
      maxRejections: 1,
      missedDeadlineSlashBps: 1000,
      maxTimedTransitionsPerBlock: 1000,
    },
  },
} as const;

export interface Party {
  readonly wallet: DevWallet;
  readonly address: string;
  readonly client: CyberMilesClient;
}

export async function party(rpcUrl: string, index: number): Promise<Party> {
  const wallet = await devWallet(index);
  return { wallet, address: wallet.address, client: await CyberMilesClient.connectWithSigner(rpcUrl, wallet.wallet) };
}

export async function balance(client: CyberMilesClient, address: string): Promise<bigint> {
  return BigInt((await client.query.bank.balance(address, 'ucmt')).amount);
}

export const ESCROW_ACCOUNT = moduleAddress('escrow');
export const ARBITRATION_ACCOUNT = moduleAddress('arbitration');

/** The latest block's time, in Unix seconds. */
export async function chainTime(client: CyberMilesClient): Promise<bigint> {
  const height = await client.signing.getHeight();
  const block = await client.signing.getBlock(height);
  return BigInt(Math.floor(new Date(block.header.time).getTime() / 1000));
}

/** Balances of several addresses at once (sequential reads at the latest height). */
export async function balances(client: CyberMilesClient, addresses: readonly string[]): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const a of addresses) out.push(await balance(client, a));
  return out;
}
