// Finds the CometBFT binary: $CYBERMILES_COMETBFT, else the project's tools/bin, else PATH.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COMETBFT_VERSION = '0.38.25';

/** The project root: two levels above this file in both src/node and dist/node. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cometbftBinary(): string {
  const fromEnv = process.env['CYBERMILES_COMETBFT'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const local = join(PROJECT_ROOT, 'tools', 'bin', 'cometbft');
  if (existsSync(local)) return local;
  return 'cometbft';
}
