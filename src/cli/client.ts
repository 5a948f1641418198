// CosmJS clients for the CLI's query and tx commands.
import { GasPrice, QueryClient, setupBankExtension, SigningStargateClient, StargateClient } from '@cosmjs/stargate';
import { connectComet } from '@cosmjs/tendermint-rpc';
import type { Coin } from '@cosmjs/stargate';
import type { OfflineSigner } from '@cosmjs/proto-signing';

export const DEFAULT_NODE = 'http://127.0.0.1:26657';

export function connect(node: string): Promise<StargateClient> {
  return StargateClient.connect(node);
}

/** Zero gas price: the chain's fees are zero; "auto" gas simulates first. */
export function connectSigning(node: string, signer: OfflineSigner): Promise<SigningStargateClient> {
  return SigningStargateClient.connectWithSigner(node, signer, { gasPrice: GasPrice.fromString('0ucmt') });
}

export async function totalSupply(node: string): Promise<Coin[]> {
  const comet = await connectComet(node);
  try {
    const q = QueryClient.withExtensions(comet, setupBankExtension);
    return (await q.bank.totalSupply()).supply;
  } finally {
    comet.disconnect();
  }
}
