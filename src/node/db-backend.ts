// CometBFT's database backend (config.toml's `db_backend`). goleveldb (and memdb) are built into
// every CometBFT binary; the others only into binaries built with the build tag of the same name.
// New homes get pebbledb when the binary has it (scripts/install-cometbft.sh and the Dockerfile
// build it in): under load its compaction costs CometBFT about half the CPU of goleveldb's (README,
// "Operating a node"). A home keeps the backend it was created with: its data is in that format.
import { stat } from 'node:fs/promises';
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
  const path = await resolveBinary(binary);
  const s = path === undefined ? undefined : await stat(path).catch(() => undefined);
  if (path === undefined || s === undefined) return undefined;
  // A testnet initialises its homes at once: read a binary (tens of MB) once per version of it.
  const key = `${path}\0${s.mtimeMs}\0${s.size}`;
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

/** A bare command name ("cometbft") is looked up on PATH, as spawn would. */
async function resolveBinary(binary: string): Promise<string | undefined> {
  if (binary.includes('/')) return binary;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir === '' ? '.' : dir, binary);
    if ((await stat(candidate).catch(() => undefined))?.isFile() === true) return candidate;
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
