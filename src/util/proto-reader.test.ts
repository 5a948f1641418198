import { describe, expect, it } from 'vitest';
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { Request, RequestCheckTx } from 'cosmjs-types/tendermint/abci/types';
import { randomBelow } from '../testing/random.js';
import { readerOver } from './proto-reader.js';

describe('readerOver', () => {
  it('decodes what the copying reader decodes, with bytes fields as views into the input', () => {
    const below = randomBelow(7);
    for (let i = 0; i < 200; i++) {
      const tx = Uint8Array.from({ length: 1 + below(400) }, () => below(256));
      const frame = Request.encode({ checkTx: RequestCheckTx.fromPartial({ tx, type: below(2) }) }).finish();
      const viewed = Request.decode(readerOver(frame));
      expect(viewed).toEqual(Request.decode(frame));
      const got = viewed.checkTx?.tx;
      expect(got?.buffer).toBe(frame.buffer);
      expect(got).toEqual(tx);
    }
  });

  it('reads a subarray from its own offset and to its own end', () => {
    const raw = TxRaw.encode({ bodyBytes: TxBody.encode(TxBody.fromPartial({ memo: 'héllo' })).finish(), authInfoBytes: new Uint8Array([1, 2]), signatures: [new Uint8Array([9])] }).finish();
    const padded = new Uint8Array(raw.length + 20).fill(0xff);
    padded.set(raw, 10);
    const view = padded.subarray(10, 10 + raw.length);
    const decoded = TxRaw.decode(readerOver(view));
    expect(decoded).toEqual(TxRaw.decode(raw));
    expect(TxBody.decode(readerOver(decoded.bodyBytes)).memo).toBe('héllo');
  });

  it('fails on truncated input as the copying reader does', () => {
    const raw = TxRaw.encode({ bodyBytes: new Uint8Array(30).fill(1), authInfoBytes: new Uint8Array(0), signatures: [] }).finish();
    const cut = raw.subarray(0, raw.length - 5);
    expect(() => TxRaw.decode(cut)).toThrow(RangeError);
    expect(() => TxRaw.decode(readerOver(cut))).toThrow(RangeError);
  });
});
