import { describe, expect, it } from 'vitest';
import { buildTags, parseGoBuildInfo } from './go-build-info.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

const prefixed = (b: Buffer): Buffer => Buffer.concat([uvarint(b.length), b]);

/** A build-info block as Go 1.18+ writes it: 32-byte header, then the two strings inline. */
function block(goVersion: string, modLines: string, flags = 0x2): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8; // pointer size
  header[15] = flags;
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modLines, 'latin1'), SENTINEL_END]);
  return Buffer.concat([header, prefixed(Buffer.from(goVersion, 'latin1')), prefixed(mod)]);
}

const MOD = [
  'path\tgithub.com/cometbft/cometbft/cmd/cometbft',
  'mod\tgithub.com/cometbft/cometbft\tv0.38.25\th1:abc=',
  'dep\tgithub.com/cockroachdb/pebble\tv1.1.1\th1:def=',
  'build\t-buildmode=exe',
  'build\t-tags=pebbledb,other',
  'build\tCGO_ENABLED=0',
  'build\tGOOS=linux',
  '',
].join('\n');

describe('parseGoBuildInfo', () => {
  it('reads the Go version and the build settings, wherever the block is', () => {
    // A long module info needs a two-byte length: 300 bytes of "dep" lines before the settings.
    const longMod = 'dep\tx\tv1\n'.repeat(40) + MOD;
    const bytes = Buffer.concat([Buffer.alloc(1000, 7), block('go1.23.4', longMod), Buffer.alloc(500, 9)]);
    const info = parseGoBuildInfo(bytes);
    expect(info?.goVersion).toBe('go1.23.4');
    expect(info?.settings.get('-tags')).toBe('pebbledb,other');
    expect(info?.settings.get('CGO_ENABLED')).toBe('0');
    expect(info?.settings.get('GOOS')).toBe('linux');
    expect(info === undefined ? [] : buildTags(info)).toEqual(['pebbledb', 'other']);
  });

  it('skips a copy of the magic that is not a block, and finds the block after it', () => {
    const decoy = Buffer.concat([MAGIC, Buffer.from([8, 0x2, 0, 0]), Buffer.alloc(20, 0xff)]);
    const info = parseGoBuildInfo(Buffer.concat([decoy, Buffer.alloc(3), block('go1.22.0', MOD)]));
    expect(info?.goVersion).toBe('go1.22.0');
  });

  it('has no tags when the binary was built without -tags', () => {
    const info = parseGoBuildInfo(block('go1.23.4', 'path\tx\nbuild\t-buildmode=exe\n'));
    expect(info === undefined ? undefined : buildTags(info)).toEqual([]);
  });

  it('gives undefined for bytes without a block, and for the pre-1.18 form (pointers, not strings)', () => {
    expect(parseGoBuildInfo(Buffer.from('#!/bin/sh\nexec cometbft "$@"\n'))).toBeUndefined();
    expect(parseGoBuildInfo(block('go1.17', MOD, 0x0))).toBeUndefined();
    // A block cut off in the middle of its module info.
    expect(parseGoBuildInfo(block('go1.23.4', MOD).subarray(0, 60))).toBeUndefined();
  });
});
