// The TypeScript generated from proto/ must be what `npm run proto:gen` produces now.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

describe('generated code', () => {
  let scratch = '';
  afterAll(async () => {
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('is up to date with proto/ (run `npm run proto:gen` after editing a .proto)', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cybermiles-gen-'));
    await run(join(root, 'node_modules', '.bin', 'buf'), ['generate', '-o', scratch], { cwd: root });
    const committedDir = join(root, 'src', 'generated');
    const freshDir = join(scratch, 'src', 'generated');
    const committed = (await files(committedDir)).map((f) => relative(committedDir, f));
    const fresh = (await files(freshDir)).map((f) => relative(freshDir, f));
    expect(committed).toEqual(fresh);
    for (const f of fresh) {
      expect(await readFile(join(committedDir, f), 'utf8'), `src/generated/${f} is stale`).toBe(await readFile(join(freshDir, f), 'utf8'));
    }
  });
});
