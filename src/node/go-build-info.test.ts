import { describe, expect, it } from 'vitest';
import { GO_BUILDINFO_MAGIC as MAGIC, goBuildInfoBlock as block } from '../testing/fake-go-binary.js';
import { buildTags, parseGoBuildInfo } from './go-build-info.js';

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
