import { BranchMPTNode, ExtensionMPTNode, LeafMPTNode, decodeMPTNode } from '@ethereumjs/mpt';
import type { NodeReferenceOrRawMPTNode } from '@ethereumjs/mpt';
import { describe, expect, it } from 'vitest';
import {
  branchChild,
  compactKey,
  concatNibbles,
  decodeNode,
  dropNibbles,
  encodeBranchNode,
  encodeExtensionNode,
  encodeLeafNode,
  packNibbles,
  startsWith,
  unpackNibbles,
  type EncodedChild,
  type Nibbles,
} from './trie-node-codec.js';
import { randomBelow } from '../testing/random.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

const rnd = randomBelow(99);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rnd(256));
const nibbles = (n: number): number[] => Array.from({ length: n }, () => rnd(16));

/** The nibbles as a run inside a larger random byte string, at a random offset of either parity. */
function embedded(values: readonly number[]): Nibbles {
  const off = rnd(7);
  const total = off + values.length + rnd(5);
  const b = bytes((total + 1) >> 1);
  for (let i = 0; i < values.length; i++) {
    const at = off + i;
    const v = values[i] as number;
    b[at >> 1] = at & 1 ? ((b[at >> 1] as number) & 0xf0) | v : (v << 4) | ((b[at >> 1] as number) & 0x0f);
  }
  return { bytes: b, off, len: values.length };
}

/** A key as the library's node classes take it, from a run. */
const lib = (k: Nibbles): number[] => unpackNibbles(k);

describe('node encoding', () => {
  it('writes the bytes the library\'s nodes serialise to, for every shape, length class and key offset', () => {
    for (let round = 0; round < 400; round++) {
      const values = nibbles(rnd(65));
      const key = round % 2 === 0 ? packNibbles(values) : embedded(values);
      expect(lib(key)).toEqual(values);
      // Values of 1 byte (< 0x80 and not), up to 55 bytes (short string) and beyond (long string).
      const value = round % 10 === 0 ? Uint8Array.of(rnd(256)) : bytes(1 + rnd(300));
      expect(hex(encodeLeafNode(key, value))).toBe(hex(new LeafMPTNode(values, value).serialize()));
      const hash = bytes(32);
      expect(hex(encodeExtensionNode(key, hash))).toBe(hex(new ExtensionMPTNode(values, hash).serialize()));
      // An inline child: a small leaf under the extension.
      const small = new LeafMPTNode(nibbles(1 + rnd(3)), bytes(1 + rnd(10)));
      expect(hex(encodeExtensionNode(key, { inline: small.serialize() }))).toBe(hex(new ExtensionMPTNode(values, small.raw() as unknown as Uint8Array).serialize()));
      const branch = new BranchMPTNode();
      const children: (EncodedChild | null)[] = [];
      for (let i = 0; i < 16; i++) {
        const kind = rnd(4);
        if (kind === 0) children.push(null);
        else if (kind === 3) {
          children.push({ inline: small.serialize() });
          branch.setBranch(i, small.raw() as NodeReferenceOrRawMPTNode);
        } else {
          const h = bytes(32);
          children.push(h);
          branch.setBranch(i, h);
        }
      }
      expect(hex(encodeBranchNode(children))).toBe(hex(branch.serialize()));
      // And the library reads ours back as the same node.
      expect(hex(decodeMPTNode(encodeBranchNode(children)).serialize())).toBe(hex(branch.serialize()));
    }
  });

  it('encodes keys as the library\'s hex prefix, from a trie path at every depth', () => {
    for (let n = 0; n <= 64; n++) {
      const values = nibbles(n);
      for (const key of [packNibbles(values), embedded(values)]) {
        for (const leaf of [true, false]) {
          const node = leaf ? new LeafMPTNode(values, Uint8Array.of(1)) : new ExtensionMPTNode(values, new Uint8Array(32));
          expect(hex(compactKey(key, leaf))).toBe(hex(node.raw()[0] as Uint8Array));
        }
      }
    }
    // A leaf's key is the tail of its 32-byte path: whole bytes after the first nibble, at any depth.
    const path = bytes(32);
    const all = unpackNibbles({ bytes: path, off: 0, len: 64 });
    for (let d = 0; d <= 64; d++) {
      const value = bytes(1 + rnd(40));
      expect(hex(encodeLeafNode({ bytes: path, off: d, len: 64 - d }, value))).toBe(hex(new LeafMPTNode(all.slice(d), value).serialize()));
    }
  });
});

describe('node decoding', () => {
  it('reads the library\'s leaves, extensions and branches as views of their bytes', () => {
    for (let round = 0; round < 300; round++) {
      const values = nibbles(1 + rnd(64));
      const value = bytes(1 + rnd(120));
      const leaf = decodeNode(new LeafMPTNode(values, value).serialize());
      if (leaf.kind !== 'leaf') throw new Error('expected a leaf');
      expect(unpackNibbles(leaf.key)).toEqual(values);
      expect(hex(leaf.value)).toBe(hex(value));
      // Re-encoding the decoded key gives the same node back.
      expect(hex(encodeLeafNode(leaf.key, leaf.value))).toBe(hex(new LeafMPTNode(values, value).serialize()));

      const hash = bytes(32);
      const ext = decodeNode(new ExtensionMPTNode(values, hash).serialize());
      if (ext.kind !== 'ext') throw new Error('expected an extension');
      expect(unpackNibbles(ext.key)).toEqual(values);
      expect(ext.child instanceof Uint8Array && hex(ext.child)).toBe(hex(hash));

      const branch = new BranchMPTNode();
      const expected: (string | null)[] = [];
      for (let i = 0; i < 16; i++) {
        if (rnd(3) === 0) expected.push(null);
        else {
          const h = bytes(32);
          branch.setBranch(i, h);
          expected.push(hex(h));
        }
      }
      const b = decodeNode(branch.serialize());
      if (b.kind !== 'branch') throw new Error('expected a branch');
      // Children held by hash come as offsets into the branch's bytes; branchChild makes the view.
      expect(b.children.map((c) => (c === null ? null : typeof c))).toEqual(expected.map((e) => (e === null ? null : 'number')));
      expect(Array.from({ length: 16 }, (_, i) => branchChild(b, i)).map((c) => (c === null ? null : hex(c as Uint8Array)))).toEqual(expected);
    }
  });

  it('writes a decoded branch back byte for byte from the offsets of its children, one child changed or not', () => {
    for (let round = 0; round < 50; round++) {
      const branch = new BranchMPTNode();
      for (let i = 0; i < 16; i++) if (rnd(3) !== 0) branch.setBranch(i, bytes(32));
      const stored = branch.serialize();
      const b = decodeNode(stored);
      if (b.kind !== 'branch') throw new Error('expected a branch');
      expect(hex(encodeBranchNode(b.children as (Uint8Array | number | null)[], b.src))).toBe(hex(stored));
      const changed = bytes(32);
      const slot = rnd(16);
      branch.setBranch(slot, changed);
      const children = [...b.children] as (Uint8Array | number | null)[];
      children[slot] = changed;
      expect(hex(encodeBranchNode(children, b.src))).toBe(hex(branch.serialize()));
    }
  });

  it('reads an inline child as the library holds it', () => {
    const small = new LeafMPTNode([1, 2], Uint8Array.of(7));
    const branch = new BranchMPTNode();
    branch.setBranch(3, small.raw() as NodeReferenceOrRawMPTNode);
    branch.setBranch(9, bytes(32));
    const b = decodeNode(branch.serialize());
    if (b.kind !== 'branch') throw new Error('expected a branch');
    const inline = b.children[3];
    if (!Array.isArray(inline)) throw new Error('expected an inline child');
    expect(inline.map(hex)).toEqual((small.raw() as Uint8Array[]).map(hex));
  });

  it('refuses bytes that are no node', () => {
    expect(() => decodeNode(Uint8Array.of(0x80))).toThrow(/not an RLP list/);
    expect(() => decodeNode(Uint8Array.of(0xc2, 0x80))).toThrow(/length does not match/);
    expect(() => decodeNode(Uint8Array.of(0xc2, 0x82, 0x20))).toThrow(/past the end/);
    expect(() => decodeNode(Uint8Array.of(0xc1, 0x80))).toThrow(/neither a branch/);
    expect(() => decodeNode(Uint8Array.of(0xc2, 0x80, 0x01))).toThrow(/empty key/);
    expect(() => decodeNode(Uint8Array.of(0xc2, 0x40, 0x01))).toThrow(/key flag 4/);
    expect(() => decodeNode(Uint8Array.of(0xc3, 0x00, 0x81, 0x99))).toThrow(/neither a hash nor an inline node/);
    const branchWithValue = new Uint8Array([0xd1, ...new Array<number>(16).fill(0x80), 0x01]);
    expect(() => decodeNode(branchWithValue)).toThrow(/a branch with a value/);
    expect(() => decodeNode(new Uint8Array([0xd2, ...new Array<number>(18).fill(0x80)]))).toThrow(/more than 17/);
  });
});

describe('nibble runs', () => {
  it('compare, drop and concatenate at any offset', () => {
    for (let round = 0; round < 300; round++) {
      const a = nibbles(rnd(20));
      const b = nibbles(rnd(20));
      const ka = embedded(a);
      const kb = embedded(b);
      expect(unpackNibbles(concatNibbles(ka, kb))).toEqual([...a, ...b]);
      const whole = embedded([...a, ...b]);
      expect(startsWith(whole.bytes, whole.off, ka)).toBe(true);
      expect(startsWith(whole.bytes, whole.off + a.length, kb)).toBe(true);
      if (a.length > 0) {
        expect(unpackNibbles(dropNibbles(ka, 1))).toEqual(a.slice(1));
        const changed = [...a];
        const at = rnd(a.length);
        changed[at] = ((changed[at] as number) + 1 + rnd(15)) % 16;
        expect(startsWith(whole.bytes, whole.off, embedded(changed))).toBe(false);
      }
    }
    expect(() => packNibbles([16])).toThrow(/not a nibble/);
  });
});
