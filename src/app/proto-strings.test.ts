import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import { utf8Read } from 'cosmjs-types/utf8';
import { describe, expect, it } from 'vitest';
import { readProtoString } from './proto-strings.js';
import { randomBelow } from '../testing/random.js';

describe('protobuf strings', () => {
  it('decode exactly as the library\'s UTF-8 reader: ASCII, multi-byte, and invalid bytes', () => {
    const rnd = randomBelow(5);
    const samples: Uint8Array[] = [
      new Uint8Array(0),
      new TextEncoder().encode('cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu'),
      new TextEncoder().encode('ucmt'),
      new TextEncoder().encode('żółw 🐢 €'),
      Uint8Array.of(0x80),
      Uint8Array.of(0xff, 0xfe, 0x41),
      Uint8Array.of(0xe2, 0x82),
      Uint8Array.of(0xf0, 0x9f, 0x90),
    ];
    for (let i = 0; i < 2000; i++) {
      const n = rnd(80);
      // Mostly ASCII, sometimes any byte.
      samples.push(Uint8Array.from({ length: n }, () => (rnd(4) === 0 ? rnd(256) : rnd(128))));
    }
    for (const bytes of samples) expect(readProtoString(bytes)).toBe(utf8Read(bytes, 0, bytes.length));
  });

  it('are what BinaryReader.string() returns once the app is loaded', async () => {
    await import('../app/abci-app.js');
    const bytes = new BinaryWriter().uint32(10).string('cmt1 ☕ ok').finish();
    const reader = new BinaryReader(bytes);
    expect(reader.uint32()).toBe(10);
    expect(reader.string()).toBe('cmt1 ☕ ok');
    expect(BinaryReader.prototype.string.name).toBe('fastString');
  });
});
