import { describe, expect, it } from 'vitest';
import { utf8Length, utf8Write } from 'cosmjs-types/utf8';
import { ProtoWriter, utf8Size } from './proto-write.js';

/** Strings of random code units: ASCII, two- and three-byte characters, pairs and lone surrogates. */
function randomString(seed: number): string {
  let x = seed;
  const next = (): number => (x = (x * 1103515245 + 12345) >>> 0);
  const units: number[] = [];
  for (let i = 0, n = next() % 40; i < n; i++) {
    const pick = next() % 6;
    if (pick < 3) units.push(next() % 0x80);
    else if (pick === 3) units.push(0x80 + (next() % 0x780));
    else if (pick === 4) units.push(0xd800 + (next() % 0x800)); // a surrogate, paired or not
    else units.push(0x800 + (next() % 0xd000));
  }
  return String.fromCharCode(...units);
}

describe('proto-write strings', () => {
  it('measures and writes every string as cosmjs-types does, lone surrogates included', () => {
    const cases = ['', 'cmt1qqqq', '/cosmos.bank.v1beta1.MsgSend', 'ünïcødé ✓ 𝄞', '\ud834', 'a\udd1eb', '\udd1e\ud834', ...Array.from({ length: 2000 }, (_, i) => randomString(i + 1))];
    for (const s of cases) {
      const n = utf8Size(s);
      expect(n).toBe(utf8Length(s));
      const ours = new ProtoWriter(new Uint8Array(n + 2));
      ours.byte(7);
      ours.utf8(s, n);
      ours.byte(9);
      const theirs = new Uint8Array(n + 2);
      theirs[0] = 7;
      utf8Write(s, theirs, 1);
      theirs[n + 1] = 9;
      expect(Array.from(ours.done())).toEqual(Array.from(theirs));
    }
  });
});
