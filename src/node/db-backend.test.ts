import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGoBinary } from '../testing/fake-go-binary.js';
import { checkDbBackend, cometbftDbBackends, defaultDbBackend, parseDbBackend } from './db-backend.js';

describe('CometBFT database backends', () => {
  let dir: string;
  const at = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cybermiles-db-backend-'));
    await writeFile(at('plain'), fakeGoBinary(undefined));
    await writeFile(at('pebble'), fakeGoBinary('pebbledb'));
    await writeFile(at('several'), fakeGoBinary('boltdb,pebbledb'));
    await writeFile(at('script'), '#!/bin/sh\nexec /opt/cometbft "$@"\n');
    await mkdir(at('bin'));
    await writeFile(at('bin/cometbft-on-path'), fakeGoBinary('pebbledb'));
    await chmod(at('bin/cometbft-on-path'), 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads which backends a binary was built with', async () => {
    expect([...((await cometbftDbBackends(at('plain'))) ?? [])]).toEqual(['goleveldb', 'memdb']);
    expect([...((await cometbftDbBackends(at('pebble'))) ?? [])]).toEqual(['goleveldb', 'memdb', 'pebbledb']);
    expect([...((await cometbftDbBackends(at('several'))) ?? [])].sort()).toEqual(['boltdb', 'goleveldb', 'memdb', 'pebbledb']);
    expect(await cometbftDbBackends(at('script'))).toBeUndefined();
    expect(await cometbftDbBackends(at('missing'))).toBeUndefined();
  });

  it('looks a bare command name up on PATH', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = [at('nowhere'), at('bin')].join(delimiter);
    try {
      expect(await defaultDbBackend('cometbft-on-path')).toBe('pebbledb');
      expect(await cometbftDbBackends('not-a-command-anywhere')).toBeUndefined();
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('defaults to pebbledb only where the binary has it', async () => {
    expect(await defaultDbBackend(at('pebble'))).toBe('pebbledb');
    expect(await defaultDbBackend(at('plain'))).toBe('goleveldb');
    expect(await defaultDbBackend(at('script'))).toBe('goleveldb');
  });

  it('refuses a backend the binary is known to lack, saying how to get it', async () => {
    await expect(checkDbBackend(at('plain'), 'pebbledb')).rejects.toThrow(
      /db_backend pebbledb is not built into CometBFT at .*plain \(it has goleveldb, memdb\); build it in with 'go install -tags pebbledb/,
    );
    await expect(checkDbBackend(at('plain'), 'goleveldb')).resolves.toBeUndefined();
    await expect(checkDbBackend(at('plain'), 'memdb')).resolves.toBeUndefined();
    await expect(checkDbBackend(at('pebble'), 'pebbledb')).resolves.toBeUndefined();
    await expect(checkDbBackend(at('pebble'), 'rocksdb')).rejects.toThrow(/db_backend rocksdb is not built into/);
    // Nothing is known of a binary without readable build info: CometBFT itself will say.
    await expect(checkDbBackend(at('script'), 'pebbledb')).resolves.toBeUndefined();
  });

  it('parses --db-backend', () => {
    expect(parseDbBackend('pebbledb')).toBe('pebbledb');
    expect(parseDbBackend('goleveldb')).toBe('goleveldb');
    expect(() => parseDbBackend('rocksdb')).toThrow('--db-backend rocksdb is not one of goleveldb, pebbledb');
  });
});
