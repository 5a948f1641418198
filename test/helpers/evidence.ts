// Duplicate-vote evidence forged with a validator's own key, the way CometBFT 0.38 checks it:
// two votes of one type for the same height and round 0 by the validator, for two different block
// IDs, each signed over CometBFT's vote sign bytes (a length-delimited protobuf CanonicalVote,
// types/vote.go VoteSignBytes and types/canonical.go), ordered by BlockID.Key(), with the
// validator's power, the set's total power (the set at the infraction height) and the time of the
// block at that height (evidence/verify.go compares it with the stored header's time). Submitted
// with the `broadcast_evidence` JSON-RPC method, in cmtjson form (type
// "tendermint/DuplicateVoteEvidence", 64-bit integers as strings, HexBytes as upper-case hex,
// []byte as base64).
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BinaryWriter } from 'cosmjs-types/binary';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import { Vote } from 'cosmjs-types/tendermint/types/types';
import { rpcGet, RpcError } from './cometbft.js';

/** SignedMsgType: 1 prevote, 2 precommit. */
export const PREVOTE = 1;
export const PRECOMMIT = 2;
export type VoteType = typeof PREVOTE | typeof PRECOMMIT;

/** A protobuf Timestamp kept exactly (CometBFT times have nanoseconds; Date does not). */
export interface ExactTime {
  readonly seconds: bigint;
  readonly nanos: number;
}

export interface PartSetHeader {
  readonly total: number;
  readonly hash: Uint8Array;
}

export interface BlockId {
  readonly hash: Uint8Array;
  readonly partSetHeader: PartSetHeader;
}

export interface VoteToSign {
  /** SignedMsgType (0 is written as absent, as proto3 does). */
  readonly type: number;
  readonly height: bigint;
  readonly round: number;
  /** Absent (or an empty hash) for a nil vote. */
  readonly blockId?: BlockId;
  readonly timestamp: ExactTime;
}

export interface ValidatorKey {
  /** The consensus address: SHA256(pubkey)[:20]. */
  readonly address: Uint8Array;
  readonly pubKey: Uint8Array;
  readonly privateKey: KeyObject;
}

// ---------------------------------------------------------------------------------------------
// Times

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Parses CometBFT's UTC RFC3339Nano times without losing nanoseconds. */
export function parseRfc3339Nano(s: string): ExactTime {
  const m = RFC3339.exec(s);
  if (m === null) throw new Error(`not a UTC RFC3339 time: ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms)) throw new Error(`not a valid time: ${s}`);
  return { seconds: BigInt(ms / 1000), nanos: Number((frac ?? '').padEnd(9, '0')) };
}

/** Formats as Go's time.RFC3339Nano does for UTC (fraction without trailing zeros). */
export function formatRfc3339Nano(t: ExactTime): string {
  const base = new Date(Number(t.seconds) * 1000).toISOString().slice(0, 19);
  const frac = t.nanos === 0 ? '' : `.${String(t.nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${frac}Z`;
}

// ---------------------------------------------------------------------------------------------
// Sign bytes

function isZeroBlockId(b: BlockId | undefined): boolean {
  return b === undefined || (b.hash.length === 0 && b.partSetHeader.total === 0 && b.partSetHeader.hash.length === 0);
}

function writeTimestamp(w: BinaryWriter, field: number, t: ExactTime): void {
  Timestamp.encode({ seconds: t.seconds, nanos: t.nanos }, w.uint32((field << 3) | 2).fork()).ldelim();
}

/**
 * CanonicalVote{type=1 enum, height=2 sfixed64, round=3 sfixed64, block_id=4 CanonicalBlockID
 * (nil for a nil vote), timestamp=5 (always present: non-nullable), chain_id=6}, proto3 (zero
 * scalars omitted), prefixed by its length as a varint (protoio.MarshalDelimited).
 */
export function voteSignBytes(chainId: string, vote: VoteToSign): Uint8Array {
  const w = BinaryWriter.create();
  if (vote.type !== 0) w.uint32(8).int32(vote.type);
  if (vote.height !== 0n) w.uint32(17).sfixed64(vote.height);
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  const b = vote.blockId;
  if (b !== undefined && !isZeroBlockId(b)) {
    w.uint32(34).fork();
    if (b.hash.length > 0) w.uint32(10).bytes(b.hash);
    // CanonicalPartSetHeader is non-nullable: always written, even when empty.
    w.uint32(18).fork();
    if (b.partSetHeader.total !== 0) w.uint32(8).uint32(b.partSetHeader.total);
    if (b.partSetHeader.hash.length > 0) w.uint32(18).bytes(b.partSetHeader.hash);
    w.ldelim();
    w.ldelim();
  }
  writeTimestamp(w, 5, vote.timestamp);
  if (chainId !== '') w.uint32(50).string(chainId);
  const body = w.finish();
  return BinaryWriter.create().bytes(body).finish();
}

/** BlockID.Key(): the hash followed by the protobuf PartSetHeader; duplicate votes are ordered by it. */
export function blockIdKey(b: BlockId): Uint8Array {
  const w = BinaryWriter.create();
  if (b.partSetHeader.total !== 0) w.uint32(8).uint32(b.partSetHeader.total);
  if (b.partSetHeader.hash.length > 0) w.uint32(18).bytes(b.partSetHeader.hash);
  return Buffer.concat([b.hash, w.finish()]);
}

// ---------------------------------------------------------------------------------------------
// Keys and signatures

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error(`ed25519 public key has ${raw.length} bytes, expected 32`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function consensusAddress(pubKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(pubKey).digest().subarray(0, 20));
}

interface PrivValidatorKeyJson {
  address: string;
  pub_key: { type: string; value: string };
  priv_key: { type: string; value: string };
}

/** Reads `<home>/config/priv_validator_key.json` (ed25519: the private value is seed ‖ public key). */
export async function readValidatorKey(home: string): Promise<ValidatorKey> {
  const json = JSON.parse(await readFile(join(home, 'config', 'priv_validator_key.json'), 'utf8')) as PrivValidatorKeyJson;
  if (json.priv_key.type !== 'tendermint/PrivKeyEd25519') throw new Error(`${home}: ${json.priv_key.type} is not an ed25519 key`);
  const priv = Buffer.from(json.priv_key.value, 'base64');
  const pubKey = new Uint8Array(Buffer.from(json.pub_key.value, 'base64'));
  if (priv.length !== 64 || !Buffer.from(priv.subarray(32)).equals(pubKey)) throw new Error(`${home}: malformed ed25519 private key`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, priv.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const address = consensusAddress(pubKey);
  if (Buffer.from(address).toString('hex').toUpperCase() !== json.address) throw new Error(`${home}: address does not match the public key`);
  return { address, pubKey, privateKey };
}

export function signVote(key: ValidatorKey, chainId: string, vote: VoteToSign): Uint8Array {
  return new Uint8Array(sign(null, voteSignBytes(chainId, vote), key.privateKey));
}

export function verifyVote(pubKey: Uint8Array, chainId: string, vote: VoteToSign, signature: Uint8Array): boolean {
  return verify(null, voteSignBytes(chainId, vote), ed25519PublicKey(pubKey), signature);
}

// ---------------------------------------------------------------------------------------------
// RPC views

interface RpcValidator {
  address: string;
  pub_key: { type: string; value: string };
  voting_power: string;
}
interface RpcValidators {
  validators: RpcValidator[];
  total: string;
}
interface RpcBlockId {
  hash: string;
  parts: { total: number; hash: string };
}
interface RpcCommit {
  signed_header: {
    header: { height: string; time: string; chain_id: string };
    commit: {
      height: string;
      round: number;
      block_id: RpcBlockId;
      signatures: { block_id_flag: number; validator_address: string; timestamp: string; signature: string | null }[];
    };
  };
}

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

export const blockIdFromRpc = (b: RpcBlockId): BlockId => ({ hash: hex(b.hash), partSetHeader: { total: b.parts.total, hash: hex(b.parts.hash) } });

/** The whole validator set CometBFT used at `height` (pages through /validators). */
export async function validatorSetAt(rpcUrl: string, height: number): Promise<RpcValidator[]> {
  const out: RpcValidator[] = [];
  for (let page = 1; ; page++) {
    const r = await rpcGet<RpcValidators>(rpcUrl, 'validators', { height: String(height), page: String(page), per_page: '100' });
    out.push(...r.validators);
    if (out.length >= Number(r.total) || r.validators.length === 0) return out;
  }
}

/** The header time of block `height`, exactly (as in /commit). */
export async function blockTimeAt(rpcUrl: string, height: number): Promise<ExactTime> {
  const c = await rpcGet<RpcCommit>(rpcUrl, 'commit', { height: String(height) });
  return parseRfc3339Nano(c.signed_header.header.time);
}

/**
 * Checks every signature of the commit for block `height` with voteSignBytes (PRECOMMITs for the
 * commit's block ID, with each signature's own timestamp); returns how many were checked. Throws
 * when one does not verify: the self-check that our sign bytes are CometBFT's.
 */
export async function verifyCommitSignatures(rpcUrl: string, chainId: string, height: number): Promise<number> {
  const c = await rpcGet<RpcCommit>(rpcUrl, 'commit', { height: String(height) });
  const set = await validatorSetAt(rpcUrl, height);
  const commit = c.signed_header.commit;
  let checked = 0;
  for (const s of commit.signatures) {
    if (s.block_id_flag !== 2 || s.signature === null) continue; // absent or nil
    const v = set.find((x) => x.address === s.validator_address);
    if (v === undefined) throw new Error(`commit ${height}: signer ${s.validator_address} is not in the set`);
    const vote: VoteToSign = {
      type: PRECOMMIT,
      height: BigInt(commit.height),
      round: commit.round,
      blockId: blockIdFromRpc(commit.block_id),
      timestamp: parseRfc3339Nano(s.timestamp),
    };
    if (!verifyVote(Buffer.from(v.pub_key.value, 'base64'), chainId, vote, Buffer.from(s.signature, 'base64'))) {
      throw new Error(`commit ${height}: signature of ${s.validator_address} does not verify over our sign bytes`);
    }
    checked++;
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// Evidence

export interface SignedVote extends VoteToSign {
  readonly blockId: BlockId;
  readonly validatorAddress: Uint8Array;
  readonly validatorIndex: number;
  readonly signature: Uint8Array;
}

export interface ForgedEvidence {
  readonly voteA: SignedVote;
  readonly voteB: SignedVote;
  readonly totalVotingPower: bigint;
  readonly validatorPower: bigint;
  readonly timestamp: ExactTime;
  /** tmhash (SHA256) of the protobuf DuplicateVoteEvidence: what broadcast_evidence returns. */
  readonly hash: Uint8Array;
}

export interface ForgeOptions {
  readonly rpcUrl: string;
  readonly chainId: string;
  readonly key: ValidatorKey;
  /** A committed height at which the key's validator was in CometBFT's set. */
  readonly height: number;
  /** Default PREVOTE. */
  readonly type?: VoteType;
}

const randomBlockId = (): BlockId => ({ hash: randomBytes(32), partSetHeader: { total: 1, hash: randomBytes(32) } });

function protoVote(v: SignedVote): Vote {
  return Vote.fromPartial({
    type: v.type,
    height: v.height,
    round: v.round,
    blockId: { hash: v.blockId.hash, partSetHeader: { total: v.blockId.partSetHeader.total, hash: v.blockId.partSetHeader.hash } },
    timestamp: { seconds: v.timestamp.seconds, nanos: v.timestamp.nanos },
    validatorAddress: v.validatorAddress,
    validatorIndex: v.validatorIndex,
    signature: v.signature,
  });
}

/** The evidence's hash as CometBFT computes it (types/evidence.go Hash: tmhash of ToProto().Marshal()). */
export function evidenceHash(e: Omit<ForgedEvidence, 'hash'>): Uint8Array {
  const bytes = DuplicateVoteEvidence.encode(
    {
      voteA: protoVote(e.voteA),
      voteB: protoVote(e.voteB),
      totalVotingPower: e.totalVotingPower,
      validatorPower: e.validatorPower,
      timestamp: { seconds: e.timestamp.seconds, nanos: e.timestamp.nanos },
    },
  ).finish();
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Two conflicting votes by `key` at `height`, round 0, with what the evidence pool checks. */
export async function forgeDuplicateVoteEvidence(o: ForgeOptions): Promise<ForgedEvidence> {
  const set = await validatorSetAt(o.rpcUrl, o.height);
  const address = toHex(o.key.address);
  const index = set.findIndex((v) => v.address === address);
  const validator = set[index];
  if (validator === undefined) throw new Error(`${address} is not in the validator set at height ${o.height}`);
  const totalVotingPower = set.reduce((sum, v) => sum + BigInt(v.voting_power), 0n);
  const timestamp = await blockTimeAt(o.rpcUrl, o.height);
  const [first, second] = [randomBlockId(), randomBlockId()].sort((a, b) => Buffer.compare(blockIdKey(a), blockIdKey(b)));
  if (first === undefined || second === undefined) throw new Error('unreachable');
  const vote = (blockId: BlockId): SignedVote => {
    const unsigned: VoteToSign = { type: o.type ?? PREVOTE, height: BigInt(o.height), round: 0, blockId, timestamp };
    return { ...unsigned, blockId, validatorAddress: o.key.address, validatorIndex: index, signature: signVote(o.key, o.chainId, unsigned) };
  };
  const unhashed = { voteA: vote(first), voteB: vote(second), totalVotingPower, validatorPower: BigInt(validator.voting_power), timestamp };
  return { ...unhashed, hash: evidenceHash(unhashed) };
}

function voteJson(v: SignedVote): Record<string, unknown> {
  return {
    type: v.type,
    height: String(v.height),
    round: v.round,
    block_id: { hash: toHex(v.blockId.hash), parts: { total: v.blockId.partSetHeader.total, hash: toHex(v.blockId.partSetHeader.hash) } },
    timestamp: formatRfc3339Nano(v.timestamp),
    validator_address: toHex(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: Buffer.from(v.signature).toString('base64'),
    extension: null,
    extension_signature: null,
  };
}

/** The evidence in cmtjson form, as the `evidence` param of broadcast_evidence. */
export function evidenceJson(e: ForgedEvidence): Record<string, unknown> {
  return {
    type: 'tendermint/DuplicateVoteEvidence',
    value: {
      vote_a: voteJson(e.voteA),
      vote_b: voteJson(e.voteB),
      TotalVotingPower: String(e.totalVotingPower),
      ValidatorPower: String(e.validatorPower),
      Timestamp: formatRfc3339Nano(e.timestamp),
    },
  };
}

/** Sends the evidence with JSON-RPC `broadcast_evidence`; returns the hash CometBFT answered (upper-case hex). */
export async function broadcastEvidence(rpcUrl: string, e: ForgedEvidence, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'broadcast_evidence', params: { evidence: evidenceJson(e) } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: { hash: string }; error?: unknown };
  if (body.error !== undefined || body.result === undefined) throw new RpcError('broadcast_evidence', body.error ?? body);
  return toHex(Buffer.from(body.result.hash, 'base64'));
}

/** Forges duplicate-vote evidence against `key` at `height` and broadcasts it; returns its hash (hex). */
export async function submitDoubleSign(o: ForgeOptions): Promise<{ evidence: ForgedEvidence; hash: string }> {
  const evidence = await forgeDuplicateVoteEvidence(o);
  const hash = await broadcastEvidence(o.rpcUrl, evidence);
  if (hash !== toHex(evidence.hash)) throw new Error(`broadcast_evidence answered hash ${hash}, expected ${toHex(evidence.hash)}`);
  return { evidence, hash };
}
