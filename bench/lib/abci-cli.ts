// CometBFT's abci-cli (its example apps served over an ABCI socket), pinned to the CometBFT
// version the project runs, installed into tools/bin by `go install` the first time the bench
// needs it (the machine has the Go module proxy; nothing else needs this binary).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { COMETBFT_VERSION, PROJECT_ROOT } from '../../src/node/cometbft-binary.js';

const run = promisify(execFile);

export async function abciCliBinary(log: (line: string) => void): Promise<string> {
  const binDir = join(PROJECT_ROOT, 'tools', 'bin');
  const target = join(binDir, 'abci-cli');
  // `abci-cli version` reports the ABCI version; the module version is in the binary's build info.
  const { stdout } = existsSync(target) ? await run('go', ['version', '-m', target]).catch(() => ({ stdout: '' })) : { stdout: '' };
  const pinned = stdout.split('\n').some((line) => {
    const [what, module, version] = line.trim().split(/\s+/);
    return what === 'mod' && module === 'github.com/cometbft/cometbft' && version === `v${COMETBFT_VERSION}`;
  });
  if (pinned) return target;
  log(`installing abci-cli v${COMETBFT_VERSION} into ${binDir} (go install)`);
  const pkg = `github.com/cometbft/cometbft/abci/cmd/abci-cli@v${COMETBFT_VERSION}`;
  try {
    await run('go', ['install', pkg], { env: { ...process.env, GOBIN: binDir } });
  } catch {
    // As scripts/install-cometbft.sh: the checksum database may be unreachable behind a proxy.
    await run('go', ['install', pkg], { env: { ...process.env, GOBIN: binDir, GOSUMDB: 'off' } });
  }
  return target;
}
