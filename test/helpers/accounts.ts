// The devnet's documented accounts as CosmJS wallets and clients, and chain-wide checks.
import { DirectSecp256k1HdWallet, makeCosmoshubPath } from '@cosmjs/proto-signing';
import { GasPrice, QueryClient, SigningStargateClient, StargateClient, setupBankExtension } from '@cosmjs/stargate';
import { connectComet } from '@cosmjs/tendermint-rpc';
import { BaseAccount, ModuleAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { QueryAccountsRequest, QueryAccountsResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { PageRequest } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import { DEVNET_MNEMONIC } from '../../src/cli/devnet-accounts.js';

export const DENOM = 'ucmt';

export interface DevWallet {
  readonly index: number;
  readonly address: string;
  readonly wallet: DirectSecp256k1HdWallet;
}

export async function devWallet(index: number): Promise<DevWallet> {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: 'cmt', hdPaths: [makeCosmoshubPath(index)] });
  const [account] = await wallet.getAccounts();
  if (account === undefined) throw new Error('no account');
  return { index, address: account.address, wallet };
}

export function signingClient(rpcUrl: string, w: DevWallet): Promise<SigningStargateClient> {
  return SigningStargateClient.connectWithSigner(rpcUrl, w.wallet, { gasPrice: GasPrice.fromString(`0${DENOM}`) });
}

export function queryClient(rpcUrl: string): Promise<StargateClient> {
  return StargateClient.connect(rpcUrl);
}

/** Total supply of ucmt and the sum of every account's ucmt balance, read at one height. */
export async function supplyAndBalances(rpcUrl: string): Promise<{ supply: bigint; sum: bigint; height: number }> {
  const comet = await connectComet(rpcUrl);
  try {
    const q = QueryClient.withExtensions(comet, setupBankExtension);
    for (let attempt = 0; attempt < 5; attempt++) {
      // The app's committed height (abci_info), not CometBFT's latest block: CometBFT stores a block
      // before the app has committed it, so /status may move on while queries still read the last state.
      const before = (await comet.abciInfo()).lastBlockHeight;
      const supply = BigInt((await q.bank.supplyOf(DENOM)).amount);
      let sum = 0n;
      let key: Uint8Array = new Uint8Array();
      do {
        const request = QueryAccountsRequest.encode({ pagination: PageRequest.fromPartial({ key, limit: 100n }) }).finish();
        const page = QueryAccountsResponse.decode((await q.queryAbci('/cosmos.auth.v1beta1.Query/Accounts', request)).value);
        for (const any of page.accounts) {
          const address =
            any.typeUrl === '/cosmos.auth.v1beta1.ModuleAccount'
              ? (ModuleAccount.decode(any.value).baseAccount?.address ?? '')
              : BaseAccount.decode(any.value).address;
          sum += BigInt((await q.bank.balance(address, DENOM)).amount);
        }
        key = page.pagination?.nextKey ?? new Uint8Array();
      } while (key.length > 0);
      const after = (await comet.abciInfo()).lastBlockHeight;
      if (before !== undefined && before === after) return { supply, sum, height: after };
    }
    throw new Error('chain kept moving while summing balances');
  } finally {
    comet.disconnect();
  }
}
