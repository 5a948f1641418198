// State proofs as returned by `abci_query` with `prove: true`, and their client-side check.
//
// A proof is a CometBFT `ProofOps` with exactly one op:
//   type = MPT_PROOF_OP_TYPE ("cybermiles:mpt")
//   key  = the state key (raw bytes, not hashed)
//   data = protobuf encoding of `message MptProof { repeated bytes nodes = 1; }`: the RLP-encoded
//          trie nodes on the path from the root towards sha256(key), root first (EIP-1186 style).
// The trie is described in trie.ts: path = sha256(key), node hash = sha256(RLP(node)),
// leaf value = 0x00 ‖ state value, root = app hash. A proof of absence is the path up to the
// point where sha256(key) diverges; it verifies with `value` undefined.
import { verifyMerkleProof } from '@ethereumjs/mpt';
import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import type { ProofOps } from 'cosmjs-types/tendermint/crypto/proof';
import { bytesEqual } from '../util/bytes.js';
import { EMPTY_TRIE_ROOT, TRIE_HASH_OPTIONS, decodeLeafValue } from './trie.js';

export const MPT_PROOF_OP_TYPE = 'cybermiles:mpt';

/** Encodes trie nodes as `MptProof { repeated bytes nodes = 1 }`. */
export function encodeProofNodes(nodes: readonly Uint8Array[]): Uint8Array {
  const w = BinaryWriter.create();
  for (const node of nodes) w.uint32(10).bytes(node);
  return w.finish();
}

/** Decodes `MptProof`; throws on anything but field 1 (bytes). */
export function decodeProofNodes(data: Uint8Array): Uint8Array[] {
  const r = new BinaryReader(data);
  const nodes: Uint8Array[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag !== 10) throw new Error(`MptProof: unexpected field tag ${tag}`);
    nodes.push(r.bytes());
  }
  return nodes;
}

export function buildProofOps(key: Uint8Array, nodes: readonly Uint8Array[]): ProofOps {
  return { ops: [{ type: MPT_PROOF_OP_TYPE, key: Uint8Array.from(key), data: encodeProofNodes(nodes) }] };
}

/**
 * True iff `proof` shows that, in the state committed by `appHash`, `key` holds exactly `value`
 * (or, with `value` undefined, that `key` is absent). Never throws on bad input: returns false.
 * An empty `appHash` (height 0, before any block) commits to the empty state.
 */
export async function verifyStateProof(
  appHash: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: ProofOps,
): Promise<boolean> {
  if (proof.ops.length !== 1) return false;
  const op = proof.ops[0];
  if (op === undefined || op.type !== MPT_PROOF_OP_TYPE || !bytesEqual(op.key, key)) return false;
  let nodes: Uint8Array[];
  try {
    nodes = decodeProofNodes(op.data);
  } catch {
    return false;
  }
  if (appHash.length === 0 || bytesEqual(appHash, EMPTY_TRIE_ROOT)) {
    // The empty trie has no nodes; only absence can be proven, by an empty proof.
    return value === undefined && nodes.length === 0;
  }
  if (appHash.length !== EMPTY_TRIE_ROOT.length || nodes.length === 0) return false;
  let leaf: Uint8Array | null;
  try {
    leaf = await verifyMerkleProof(key, nodes, { ...TRIE_HASH_OPTIONS, root: appHash });
  } catch {
    return false;
  }
  if (leaf === null) return value === undefined;
  if (value === undefined) return false;
  try {
    return bytesEqual(decodeLeafValue(leaf), value);
  } catch {
    return false;
  }
}
