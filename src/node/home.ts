// Where things live in a node home.
import { join } from 'node:path';

export interface HomePaths {
  readonly home: string;
  readonly config: string;
  readonly configToml: string;
  readonly genesis: string;
  readonly appDb: string;
  readonly keyring: string;
  readonly devnetJson: string;
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    config: join(home, 'config'),
    configToml: join(home, 'config', 'config.toml'),
    genesis: join(home, 'config', 'genesis.json'),
    appDb: join(home, 'data', 'cybermiles.db'),
    keyring: join(home, 'keyring'),
    devnetJson: join(home, 'devnet.json'),
  };
}
