// CometBFT's database backend (config.toml's `db_backend`). goleveldb (and memdb) are built into
// every CometBFT binary; the others only into binaries built with the build tag of the same name.
// New homes get pebbledb when the binary has it (scripts/install-cometbft.sh and the Dockerfile
// build it in): under load its compaction costs CometBFT about half the CPU of goleveldb's (README,
// "Operating a node"). A home keeps the backend it was created with: its data is in that format.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { delimiter, join } from 'node:path';
import { buildTags, readGoBuildInfo } from './go-build-info.js';

export const DB_BACKENDS = ['goleveldb', 'pebbledb'] as const;
export type DbBackend = (typeof DB_BACKENDS)[number];

/** The backends every CometBFT build has, and those it has only with the build tag of their name. */
const BUILT_IN_BACKENDS = ['goleveldb', 'memdb'] as const;
const TAGGED_BACKENDS = ['pebbledb', 'cleveldb', 'boltdb', 'rocksdb', 'badgerdb'] as const;

export function parseDbBackend(value: string): DbBackend {
  const found = DB_BACKENDS.find((b) => b === value);
  if (found === undefined) throw new Error(`--db-backend ${value} is not one of ${DB_BACKENDS.join(', ')}`);
  return found;
}

/**
 * The database backends the CometBFT binary at `binary` was built with; undefined when its build
 * info cannot be read (not a Go binary, or a wrapper script), so that nothing can be said.
 */
export async function cometbftDbBackends(binary: string): Promise<ReadonlySet<string> | undefined> {
  const file = await findBinary(binary);
  if (file === undefined) return undefined;
  const { path, stats } = file;
  // A testnet initialises its homes at once: read a binary (tens of MB) once per version of it.
  const key = `${path}\0${stats.mtimeMs}\0${stats.size}`;
  let found = backendsByBinary.get(key);
  if (found === undefined) {
    found = readGoBuildInfo(path).then(
      (info) => (info === undefined ? undefined : backendsOf(new Set(buildTags(info)))),
      () => undefined,
    );
    backendsByBinary.set(key, found);
  }
  return found;
}

/** The binary's path and stats; a bare command name ("cometbft") is looked up on PATH, as spawn would. */
async function findBinary(binary: string): Promise<{ path: string; stats: Stats } | undefined> {
  const candidates = binary.includes('/')
    ? [binary]
    : (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir === '' ? '.' : dir, binary));
  for (const path of candidates) {
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile() === true) return { path, stats };
  }
  return undefined;
}

const backendsByBinary = new Map<string, Promise<ReadonlySet<string> | undefined>>();

const backendsOf = (tags: ReadonlySet<string>): ReadonlySet<string> =>
  new Set([...BUILT_IN_BACKENDS, ...TAGGED_BACKENDS.filter((b) => tags.has(b))]);

/** pebbledb when the binary has it, else goleveldb. */
export async function defaultDbBackend(binary: string): Promise<DbBackend> {
  return (await cometbftDbBackends(binary))?.has('pebbledb') === true ? 'pebbledb' : 'goleveldb';
}

/** Throws, saying what to do, when the binary is known to lack the backend. */
export async function checkDbBackend(binary: string, backend: string): Promise<void> {
  const backends = await cometbftDbBackends(binary);
  if (backends === undefined || backends.has(backend)) return;
  throw new Error(
    `db_backend ${backend} is not built into CometBFT at ${binary} (it has ${[...backends].join(', ')}); ` +
      `build it in with 'go install -tags ${backend} github.com/cometbft/cometbft/cmd/cometbft@<version>' ` +
      `(npm run install-cometbft does this for pebbledb), or use a home created with another backend`,
  );
}
