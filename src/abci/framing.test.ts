import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  FrameDecoder,
  FrameTooLargeError,
  MalformedFrameError,
  decodeUvarint,
  encodeFrame,
  encodeUvarint,
  frameParts,
} from './framing.js';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('uvarint', () => {
  it('matches protobuf encodings', () => {
    expect([...encodeUvarint(0)]).toEqual([0]);
    expect([...encodeUvarint(1)]).toEqual([1]);
    expect([...encodeUvarint(127)]).toEqual([0x7f]);
    expect([...encodeUvarint(128)]).toEqual([0x80, 0x01]);
    expect([...encodeUvarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeUvarint(0xffff_ffff_ffff_ffffn)]).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('round-trips values above 2^31 and 2^32 (no signed 32-bit arithmetic)', () => {
    for (const v of [2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const enc = encodeUvarint(v);
      expect(decodeUvarint(enc)).toEqual({ value: v, bytes: enc.length });
      expect(encodeUvarint(BigInt(v))).toEqual(enc);
    }
  });

  it('reports an incomplete varint as undefined and an overlong one as malformed', () => {
    expect(decodeUvarint(Uint8Array.of(0x80, 0x80))).toBeUndefined();
    expect(() => decodeUvarint(new Uint8Array(11).fill(0x80))).toThrow(MalformedFrameError);
  });

  it('rejects negative and unsafe numbers', () => {
    expect(() => encodeUvarint(-1)).toThrow(RangeError);
    expect(() => encodeUvarint(1.5)).toThrow(RangeError);
    expect(() => encodeUvarint(2n ** 64n)).toThrow(RangeError);
  });
});

describe('encodeFrame / frameParts', () => {
  it('prefixes the unsigned length', () => {
    const msg = bytes(300, 1);
    const frame = encodeFrame(msg);
    expect([...frame.subarray(0, 2)]).toEqual([0xac, 0x02]);
    expect(frame.subarray(2)).toEqual(msg);
    expect(concat(frameParts(msg))).toEqual(frame);
    expect([...encodeFrame(new Uint8Array(0))]).toEqual([0]);
    const big = bytes(20_000, 2);
    expect(concat(frameParts(big))).toEqual(concat([encodeUvarint(20_000), big]));
  });
});

describe('FrameDecoder', () => {
  const messages = [bytes(0, 0), bytes(1, 1), bytes(127, 2), bytes(128, 3), bytes(300, 4), bytes(70_000, 5)];
  const stream = concat(messages.map(encodeFrame));

  it('decodes many messages from one chunk', () => {
    const d = new FrameDecoder();
    expect(d.push(stream)).toEqual(messages);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes a stream split at every byte', () => {
    const d = new FrameDecoder();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...d.push(stream.subarray(i, i + 1)));
    expect(out).toEqual(messages);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes a stream split at every possible single cut point of the small frames', () => {
    const small = concat(messages.slice(0, 5).map(encodeFrame));
    for (let cut = 0; cut <= small.length; cut++) {
      const d = new FrameDecoder();
      const out = [...d.push(small.subarray(0, cut)), ...d.push(small.subarray(cut))];
      expect(out).toEqual(messages.slice(0, 5));
    }
  });

  it('decodes irregular chunks that straddle prefixes and bodies', () => {
    const d = new FrameDecoder();
    const out: Uint8Array[] = [];
    let i = 0;
    let size = 1;
    while (i < stream.length) {
      out.push(...d.push(stream.subarray(i, i + size)));
      i += size;
      size = (size * 7 + 3) % 9001 || 1;
    }
    expect(out).toEqual(messages);
  });

  it('returns frames that do not alias the caller chunk unless the frame is the whole chunk', () => {
    const d = new FrameDecoder();
    const chunk = concat([encodeFrame(bytes(4, 9)), encodeFrame(bytes(4, 10))]);
    const [a] = d.push(chunk);
    chunk.fill(0);
    expect(a).toEqual(bytes(4, 9));
  });

  it('rejects a length above the maximum as soon as the prefix is read', () => {
    const d = new FrameDecoder({ maxMessageBytes: 1000 });
    expect(() => d.push(encodeUvarint(1001))).toThrow(FrameTooLargeError);
    // The decoder stays failed.
    expect(() => d.push(Uint8Array.of(0))).toThrow(FrameTooLargeError);
  });

  it('reports a length prefix above 2^31 exactly (split over chunks)', () => {
    const d = new FrameDecoder();
    expect(d.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    const prefix = encodeUvarint(2 ** 32 + 1);
    expect(d.push(prefix.subarray(0, 2))).toEqual([]);
    try {
      d.push(prefix.subarray(2));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FrameTooLargeError);
      expect((err as FrameTooLargeError).length).toBe(2 ** 32 + 1);
    }
  });

  it('accepts a frame whose length needs more than 31 bits when the limit allows it', () => {
    // Only the prefix is fed; the decoder must wait for 2^31 + 7 bytes rather than misread the length.
    const d = new FrameDecoder({ maxMessageBytes: 2 ** 33 });
    expect(d.push(concat([encodeUvarint(2 ** 31 + 7), bytes(10, 1)]))).toEqual([]);
    expect(d.bufferedBytes).toBe(10);
  });

  it('rejects an overlong varint split over chunks', () => {
    const d = new FrameDecoder();
    expect(d.push(new Uint8Array(5).fill(0x80))).toEqual([]);
    expect(() => d.push(new Uint8Array(6).fill(0x80))).toThrow(MalformedFrameError);
  });
});
