// The devnet's accounts: ten HD accounts of one documented, dev-only mnemonic.
// Anyone can read this mnemonic: never use it, or an address of it, on a real network.
import { makeCosmoshubPath, DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { pathToString } from '@cosmjs/crypto';
import { BECH32_PREFIX } from '../modules/auth/address.js';

export const DEVNET_MNEMONIC =
  'ring defy liar way exercise nice wedding feel table orange various rhythm twenty bamboo mirror master ivory kid faculty raise argue few risk wink';
export const DEVNET_ACCOUNT_COUNT = 10;
/** 1,000,000 CMT each. */
export const DEVNET_ACCOUNT_BALANCE = 1_000_000_000_000n;

export interface DevAccount {
  readonly name: string;
  readonly address: string;
  readonly mnemonic: string;
  readonly hdPath: string;
}

export async function devnetAccounts(): Promise<DevAccount[]> {
  const paths = Array.from({ length: DEVNET_ACCOUNT_COUNT }, (_, i) => makeCosmoshubPath(i));
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: BECH32_PREFIX, hdPaths: paths });
  const accounts = await wallet.getAccounts();
  return accounts.map((a, i) => ({
    name: `dev${i}`,
    address: a.address,
    mnemonic: DEVNET_MNEMONIC,
    hdPath: pathToString(paths[i] ?? makeCosmoshubPath(i)),
  }));
}
