// The evidence helper's encodings against known vectors: CometBFT 0.38's own VoteSignBytes test
// vectors (types/vote_test.go), a real precommit signature from a commit of a CometBFT 0.38.25
// testnet, and the hash CometBFT answered for a duplicate-vote evidence it accepted.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PREVOTE,
  blockIdKey,
  consensusAddress,
  evidenceHash,
  evidenceJson,
  formatRfc3339Nano,
  parseRfc3339Nano,
  signVote,
  verifyVote,
  voteSignBytes,
  type BlockId,
  type ExactTime,
  type SignedVote,
  type VoteToSign,
} from './helpers/evidence.js';

/** Go's zero time.Time as a protobuf Timestamp. */
const GO_ZERO_TIME: ExactTime = { seconds: -62135596800n, nanos: 0 };
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const bid = (hash: string, partsHash: string): BlockId => ({ hash: hex(hash), partSetHeader: { total: 1, hash: hex(partsHash) } });
const TS = [0x2a, 0xb, 0x8, 0x80, 0x92, 0xb8, 0xc3, 0x98, 0xfe, 0xff, 0xff, 0xff, 0x1];
const H1R1 = [0x11, 0x1, 0, 0, 0, 0, 0, 0, 0, 0x19, 0x1, 0, 0, 0, 0, 0, 0, 0];

describe('voteSignBytes', () => {
  it("matches CometBFT's TestVoteSignBytesTestVectors", () => {
    const v = (type: number, height: bigint, round: number): VoteToSign => ({ type, height, round, timestamp: GO_ZERO_TIME });
    expect([...voteSignBytes('', v(0, 0n, 0))]).toEqual([0xd, ...TS]);
    expect([...voteSignBytes('', v(2, 1n, 1))]).toEqual([0x21, 0x8, 0x2, ...H1R1, ...TS]);
    expect([...voteSignBytes('', v(1, 1n, 1))]).toEqual([0x21, 0x8, 0x1, ...H1R1, ...TS]);
    expect([...voteSignBytes('', v(0, 1n, 1))]).toEqual([0x1f, ...H1R1, ...TS]);
    expect([...voteSignBytes('test_chain_id', v(0, 1n, 1))]).toEqual([0x2e, ...H1R1, ...TS, 0x32, 0xd, ...Buffer.from('test_chain_id')]);
  });

  it('verifies a real precommit signature from a CometBFT 0.38.25 commit (height 3 of a 4-validator testnet)', () => {
    const vote: VoteToSign = {
      type: 2,
      height: 3n,
      round: 0,
      blockId: bid('EA78740AAFB87643395F251FE4A6C2261C2F9C4FC4DEB239DB6194BE55B60506', 'A363E85A2FFDBAFC7CAF397075C26825BB78ED515AB79A94A46423EA57F4945B'),
      timestamp: parseRfc3339Nano('2026-11-21T11:10:43.170082686Z'),
    };
    const pubKey = b64('7wLHTPDbGDvs/FnqRmviMUHkEBiv/Gse6Pgd6FtgpEY=');
    const sig = b64('dbMtmsGUKtP1fQMHKTOdScvSegII6jB/3SMLdp64pTTtU6NCYfxKWuKUxeMBekHNn8l8FomYt4CNnL3LodC3Bg==');
    expect(Buffer.from(consensusAddress(pubKey)).toString('hex').toUpperCase()).toBe('260677078B9BA81E388E93B4052366368FF8B105');
    expect(verifyVote(pubKey, 'cybermiles-testnet', vote, sig)).toBe(true);
    // Any change to what is signed breaks it.
    expect(verifyVote(pubKey, 'cybermiles-testnet', { ...vote, round: 1 }, sig)).toBe(false);
    expect(verifyVote(pubKey, 'cybermiles-testnet', { ...vote, timestamp: { ...vote.timestamp, nanos: vote.timestamp.nanos + 1 } }, sig)).toBe(false);
    expect(verifyVote(pubKey, 'other-chain', vote, sig)).toBe(false);
    expect(verifyVote(pubKey, 'cybermiles-testnet', { ...vote, type: PREVOTE }, sig)).toBe(false);
  });
});

describe('times', () => {
  it('keeps nanoseconds and formats as Go RFC3339Nano', () => {
    expect(parseRfc3339Nano('2026-11-21T11:10:43.170082686Z')).toEqual({ seconds: 1795259443n, nanos: 170082686 });
    expect(parseRfc3339Nano('2026-11-21T11:10:43.17Z').nanos).toBe(170_000_000);
    expect(formatRfc3339Nano({ seconds: 1795259443n, nanos: 170_000_000 })).toBe('2026-11-21T11:10:43.17Z');
    expect(formatRfc3339Nano({ seconds: 1795259443n, nanos: 0 })).toBe('2026-11-21T11:10:43Z');
    expect(formatRfc3339Nano(parseRfc3339Nano('2026-11-21T11:10:42.606208984Z'))).toBe('2026-11-21T11:10:42.606208984Z');
    expect(() => parseRfc3339Nano('2026-11-21T11:10:43+01:00')).toThrow(/UTC RFC3339/);
  });
});

describe('duplicate-vote evidence', () => {
  // Evidence CometBFT 0.38.25 accepted from broadcast_evidence, answering this hash.
  const t = parseRfc3339Nano('2026-11-21T11:10:42.606208984Z');
  const address = hex('6797458A4AA633A96C6F284AAE9DA33501CA5137');
  const vote = (blockId: BlockId, signature: string): SignedVote => ({
    type: PREVOTE,
    height: 3n,
    round: 0,
    blockId,
    timestamp: t,
    validatorAddress: address,
    validatorIndex: 1,
    signature: b64(signature),
  });
  const accepted = {
    voteA: vote(
      bid('20F53A31C5FAA262EF21B621E32A132F997187E3195555B487AB13DFCDAC2D99', '67810C9577660D5AEA6CB6F1B360E1C30DE576BD93B923E6BEEAA4FA5C8D15F9'),
      '8suf/E7S0UrEmTHBTiV0FEMSKBky0qWZwcx6XO29ldGu/X2ZeW/ccs9jTrEskBdWuqSssDby8kXYgNFm+pErBQ==',
    ),
    voteB: vote(
      bid('431D3B8692F10A7D94A8CBA7DBF1E5ADB992099D90E193093D272C177F07FEE2', 'BC6D3A8C9E52AEA587777B66DB281ED9F028A08DA8130735A4A3452372611C14'),
      'jKOx2ZPSLQkDw0vD47Qr9Mhn5mLqz1XiEn7QsifCWAkzvrdAtcg0gJojCV3mXxr36SDAAMIdQFa0Et0kYFsvAw==',
    ),
    totalVotingPower: 40n,
    validatorPower: 10n,
    timestamp: t,
  };

  it('hashes as CometBFT does (tmhash of the protobuf DuplicateVoteEvidence)', () => {
    expect(Buffer.from(evidenceHash(accepted)).toString('hex').toUpperCase()).toBe('F0787F1889BEEBC33D6B9ADEFA4813B15003A4A8D17165442A9B1FF2E42DF2B6');
  });

  it('orders votes by BlockID.Key() and encodes cmtjson with 64-bit integers as strings', () => {
    expect(Buffer.compare(blockIdKey(accepted.voteA.blockId), blockIdKey(accepted.voteB.blockId))).toBe(-1);
    const json = evidenceJson({ ...accepted, hash: new Uint8Array() }) as { type: string; value: Record<string, unknown> };
    expect(json.type).toBe('tendermint/DuplicateVoteEvidence');
    expect(json.value['TotalVotingPower']).toBe('40');
    expect(json.value['Timestamp']).toBe('2026-11-21T11:10:42.606208984Z');
    expect(json.value['vote_a']).toMatchObject({ type: 1, height: '3', round: 0, validator_index: 1, validator_address: '6797458A4AA633A96C6F284AAE9DA33501CA5137' });
  });

  it('a key generated here signs votes that verify with its public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pub = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    const v: VoteToSign = { type: PREVOTE, height: 7n, round: 0, blockId: accepted.voteA.blockId, timestamp: t };
    const sig = signVote({ address: consensusAddress(pub), pubKey: pub, privateKey }, 'c', v);
    expect(verifyVote(pub, 'c', v, sig)).toBe(true);
  });
});
