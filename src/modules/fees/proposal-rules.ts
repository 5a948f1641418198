// How blocks are built and checked under the fee policy. PrepareProposal puts fee-paying txs
// first and admits zero-fee txs only up to free_gas_per_block; ProcessProposal rejects a proposal
// that breaks either rule or the block gas limit, so a proposer cannot ignore them.
// A payer's txs keep their order (sequences): a paying tx of a payer that already has a zero-fee
// tx in the block goes with that payer's txs, after it.
import type { DecodedTx } from '../../tx/decode.js';

export interface ProposalTx {
  readonly bytes: Uint8Array;
  readonly payer: string;
  readonly gas: bigint;
  readonly free: boolean;
}

export interface BlockLimits {
  readonly maxTxBytes: bigint;
  /** CometBFT's block max_gas; -1 or 0 for none. */
  readonly maxBlockGas: bigint;
  readonly freeGasPerBlock: bigint;
}

export function proposalTx(bytes: Uint8Array, tx: DecodedTx): ProposalTx {
  return { bytes, payer: tx.signers[0]?.address ?? '', gas: tx.gasLimit, free: tx.fee.length === 0 };
}

/** Bytes a tx takes in a block's protobuf: field tag, length prefix, tx. */
export function protoSize(tx: Uint8Array): bigint {
  let len = 1;
  for (let v = tx.length; v >= 0x80; v = Math.floor(v / 0x80)) len++;
  return BigInt(1 + len + tx.length);
}

export function selectTxs(candidates: readonly ProposalTx[], limits: BlockLimits): Uint8Array[] {
  const freePayers = new Set(candidates.filter((t) => t.free).map((t) => t.payer));
  const paying = candidates.filter((t) => !t.free && !freePayers.has(t.payer));
  const rest = candidates.filter((t) => t.free || freePayers.has(t.payer));
  const out: Uint8Array[] = [];
  let bytes = 0n;
  let gas = 0n;
  let freeGas = 0n;
  // A payer whose tx was left out loses its later txs too: their sequences would not match.
  const cut = new Set<string>();
  for (const t of [...paying, ...rest]) {
    if (cut.has(t.payer)) continue;
    const size = protoSize(t.bytes);
    const fits =
      bytes + size <= limits.maxTxBytes &&
      (limits.maxBlockGas <= 0n || gas + t.gas <= limits.maxBlockGas) &&
      (!t.free || freeGas + t.gas <= limits.freeGasPerBlock);
    if (!fits) {
      cut.add(t.payer);
      continue;
    }
    out.push(t.bytes);
    bytes += size;
    gas += t.gas;
    if (t.free) freeGas += t.gas;
  }
  return out;
}

/** Why a proposal breaks the rules, or undefined when it keeps them. */
export function checkTxs(txs: readonly ProposalTx[], limits: Omit<BlockLimits, 'maxTxBytes'>): string | undefined {
  let gas = 0n;
  let freeGas = 0n;
  const freePayers = new Set<string>();
  for (const [i, t] of txs.entries()) {
    gas += t.gas;
    if (t.free) {
      freeGas += t.gas;
      freePayers.add(t.payer);
    } else if (freePayers.size > 0 && !freePayers.has(t.payer)) {
      return `tx ${i} pays a fee but comes after zero-fee txs`;
    }
  }
  if (limits.maxBlockGas > 0n && gas > limits.maxBlockGas) return `block gas ${gas} exceeds ${limits.maxBlockGas}`;
  if (freeGas > limits.freeGasPerBlock) return `zero-fee gas ${freeGas} exceeds free_gas_per_block ${limits.freeGasPerBlock}`;
  return undefined;
}
