// auth parameters, with the Cosmos SDK's defaults. Fixed for now; genesis may set them later.
export interface AuthParams {
  readonly maxMemoCharacters: bigint;
  readonly txSigLimit: bigint;
  readonly txSizeCostPerByte: bigint;
  readonly sigVerifyCostSecp256k1: bigint;
  /** Largest tx accepted, in bytes. */
  readonly maxTxBytes: number;
}

export const DEFAULT_AUTH_PARAMS: AuthParams = {
  maxMemoCharacters: 256n,
  txSigLimit: 7n,
  txSizeCostPerByte: 10n,
  sigVerifyCostSecp256k1: 1000n,
  maxTxBytes: 1024 * 1024,
};
