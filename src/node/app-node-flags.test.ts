import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from './app-node-flags.js';
import { PROJECT_ROOT } from './cometbft-binary.js';

describe('APP_NODE_FLAGS', () => {
  it('are flags this Node starts with (on the command line: NODE_OPTIONS refuses some of them)', () => {
    const r = spawnSync(process.execPath, [...APP_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as string[]).slice(0, APP_NODE_FLAGS.length)).toEqual(APP_NODE_FLAGS);
    // Node stops at a flag neither it nor V8 knows ("bad option"), so a misspelt one fails here.
    const bad = spawnSync(process.execPath, ['--no-such-v8-flag=1', '-e', '0'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
  });

  it('are what npm start runs the devnet with', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe(`node ${APP_NODE_FLAGS.join(' ')} bin/cybermilesd.js devnet`);
  });
});
