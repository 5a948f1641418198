import { describe, expect, it } from 'vitest';
import { Response, ResponseFinalizeBlock, type Event, type ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { markIndexed, parseIndexEvents } from '../events/index-events.js';
import { encodeFinalizeBlockResponse, packTxResult } from './finalize-block-encoding.js';
import { PackedTxResult } from './packed-tx-result.js';

const generic = (res: ResponseFinalizeBlock): Uint8Array => Response.encode({ finalizeBlock: res }).finish();

const event = (type: string, attrs: [string, string, boolean?][]): Event => ({
  type,
  attributes: attrs.map(([key, value, index]) => ({ key, value, index: index ?? true })),
});

function transferResult(i: number): ExecTxResult {
  const a = `cosmos1${'q'.repeat(30)}${String(i).padStart(8, '0')}`;
  return {
    code: 0,
    data: Uint8Array.of(0x12, 0x26, i & 0xff),
    log: '',
    info: '',
    gasWanted: 100_000n,
    gasUsed: 61_234n + BigInt(i),
    events: [
      event('tx', [['acc_seq', `${a}/${i}`]]),
      event('message', [['action', '/cosmos.bank.v1beta1.MsgSend'], ['sender', a], ['module', 'bank'], ['msg_index', '0']]),
      event('transfer', [['recipient', a], ['sender', a], ['amount', `${i}ucmt`]]),
    ],
    codespace: '',
  };
}

describe('encodeFinalizeBlockResponse', () => {
  it('gives exactly the bytes of the generic encoder for a block of transfers', () => {
    const res = ResponseFinalizeBlock.fromPartial({
      txResults: Array.from({ length: 300 }, (_, i) => transferResult(i)),
      events: [event('coinbase', [['minter', 'cosmos1m'], ['amount', '5ucmt']])],
      appHash: new Uint8Array(32).fill(7),
    });
    expect(Buffer.compare(encodeFinalizeBlockResponse(res), generic(res))).toBe(0);
  });

  it('omits defaults as the generic encoder does, and keeps failures, unicode, unindexed and empty attributes', () => {
    const res = ResponseFinalizeBlock.fromPartial({
      txResults: [
        { code: 5, log: 'insufficient funds: 1ucmt < 2ucmt', codespace: 'sdk', gasWanted: 200_000n, gasUsed: 0n },
        { code: 0xffffffff, info: 'ünïcødé ✓ 𝄞', gasWanted: -1n, gasUsed: 2n ** 62n, events: [event('', [['', '', false], ['k', '', true], ['', 'v', false]])] },
        // A lone surrogate: written as cosmjs-types writes it (its own three bytes).
        { log: 'half \ud834 of a pair', events: [event('lone', [['k', '\udd1e'], ['\ud834', 'v']])] },
        {},
      ],
      events: [{ type: 'empty', attributes: [] }],
    });
    expect(Buffer.compare(encodeFinalizeBlockResponse(res), generic(res))).toBe(0);
  });

  it('encodes validator and consensus-parameter updates, and an empty response', () => {
    const withUpdates = ResponseFinalizeBlock.fromPartial({
      validatorUpdates: [
        { pubKey: { ed25519: new Uint8Array(32).fill(1) }, power: 10n },
        { pubKey: { ed25519: new Uint8Array(32).fill(2) }, power: 0n },
      ],
      consensusParamUpdates: { block: { maxBytes: 1_000_000n, maxGas: -1n } },
      appHash: Uint8Array.of(1, 2, 3),
    });
    expect(Buffer.compare(encodeFinalizeBlockResponse(withUpdates), generic(withUpdates))).toBe(0);
    const empty = ResponseFinalizeBlock.fromPartial({});
    expect(Buffer.compare(encodeFinalizeBlockResponse(empty), generic(empty))).toBe(0);
    // And it decodes back as a Response.
    expect(Response.decode(encodeFinalizeBlockResponse(withUpdates)).finalizeBlock?.validatorUpdates[0]?.power).toBe(10n);
  });

  it('writes lengths that need several varint bytes (large blocks, long strings)', () => {
    const long = 'x'.repeat(20_000);
    const res = ResponseFinalizeBlock.fromPartial({
      txResults: [{ log: long, events: [event('big', [['value', long]])] }, ...Array.from({ length: 9_000 }, (_, i) => transferResult(i))],
    });
    const bytes = encodeFinalizeBlockResponse(res);
    expect(bytes.length).toBeGreaterThan(2 ** 21);
    expect(Buffer.compare(bytes, generic(res))).toBe(0);
  });

  it('copies packed tx results: the same bytes as encoding the results at the end', () => {
    const results = [
      ...Array.from({ length: 50 }, (_, i) => transferResult(i)),
      execTxResultOf({ code: 5, log: 'insufficient funds: 1ucmt < 2ucmt', codespace: 'sdk', gasWanted: 200_000n }),
      execTxResultOf({ info: 'ünïcødé ✓ 𝄞', events: [event('', [['', '', false], ['k', '', true], ['', 'v', false]])] }),
    ];
    const plain = ResponseFinalizeBlock.fromPartial({ txResults: results, events: [event('coinbase', [['amount', '5ucmt']])], appHash: new Uint8Array(32).fill(7) });
    const packed = { ...plain, txResults: results.map((r) => packTxResult(r)) };
    expect(packed.txResults.every((r) => r instanceof PackedTxResult)).toBe(true);
    expect(Buffer.compare(encodeFinalizeBlockResponse(packed), generic(plain))).toBe(0);
    // Packed and unpacked results mixed, around validator updates.
    const mixed = { ...plain, txResults: results.map((r, i) => (i % 2 === 0 ? packTxResult(r) : r)), validatorUpdates: [{ pubKey: { ed25519: new Uint8Array(32).fill(1) }, power: 10n }] };
    expect(Buffer.compare(encodeFinalizeBlockResponse(mixed), generic({ ...plain, validatorUpdates: mixed.validatorUpdates }))).toBe(0);
  });

  it('reads a packed result back as the result it was packed from', () => {
    const original = execTxResultOf({ code: 7, data: Uint8Array.of(1, 2, 3), log: 'bad', info: 'i', gasWanted: 9n, gasUsed: 4n, codespace: 'bank', events: transferResult(3).events });
    const packed = packTxResult(original);
    expect({ code: packed.code, data: packed.data, log: packed.log, info: packed.info, gasWanted: packed.gasWanted, gasUsed: packed.gasUsed, codespace: packed.codespace, events: packed.events }).toEqual(original);
  });

  it('marks the attributes the node indexes (--index-events) as the whole-block marking does', () => {
    const only = parseIndexEvents('message.sender,transfer');
    const r = transferResult(1);
    const packed = packTxResult(r, only);
    expect(packed.events).toEqual(markIndexed(r.events, only));
    expect(packed.events.flatMap((e) => e.attributes.filter((a) => a.index).map((a) => `${e.type}.${a.key}`))).toEqual(['message.sender', 'transfer.recipient', 'transfer.sender', 'transfer.amount']);
  });
});

function execTxResultOf(partial: Partial<ExecTxResult>): ExecTxResult {
  return ResponseFinalizeBlock.fromPartial({ txResults: [partial] }).txResults[0] as ExecTxResult;
}
