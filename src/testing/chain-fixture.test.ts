// The chain fixture cleans up after itself: a chain whose genesis is refused leaves no temp dir
// (and no open store) behind, and a closed chain removes its dir.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestChain } from './chain-fixture.js';
import { createTestWallet } from './tx-fixture.js';

describe('TestChain temp dirs', () => {
  // Tests run in forked processes (vitest.config.ts), so this process's TMPDIR is its own.
  const saved = process.env['TMPDIR'];
  let scratch = '';

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cybermiles-fixture-test-'));
    process.env['TMPDIR'] = scratch;
  });

  afterEach(async () => {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    await rm(scratch, { recursive: true, force: true });
  });

  it('removes the dir of a chain whose genesis is refused', async () => {
    const w = await createTestWallet(1);
    await expect(TestChain.start(w, { appState: { bank: { balances: [{ address: 'not an address', coins: [] }] } } })).rejects.toThrow();
    expect(await readdir(scratch)).toEqual([]);
  });

  it('uses the temp dir for a started chain and removes it when closed', async () => {
    const w = await createTestWallet(1);
    const chain = await TestChain.start(w);
    expect(await readdir(scratch)).toHaveLength(1);
    await chain.close();
    expect(await readdir(scratch)).toEqual([]);
  });
});
