import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from './app-node-flags.js';
import { PROJECT_ROOT } from './cometbft-binary.js';

describe('APP_NODE_FLAGS', () => {
  it('are V8 heap flags that Node accepts when it starts', () => {
    for (const flag of APP_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0] ?? '')).toBe(true);
  });

  it('are what npm start runs the devnet with', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe(`node ${APP_NODE_FLAGS.join(' ')} bin/cybermilesd.js devnet`);
  });
});
