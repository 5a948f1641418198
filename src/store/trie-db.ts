// The CheckpointDB the state trie talks to. @ethereumjs/mpt always wraps its DB in a CheckpointDB,
// which converts every node hash to a hex string with a JavaScript loop before calling the DB;
// that conversion and the resulting string ropes showed up high in the staging profile. The state
// trie never opens checkpoints, so outside a checkpoint this subclass hands node hashes (bytes)
// straight to the StagedNodeDB, which keys nodes by the hash's bytes. Inside a checkpoint it defers to
// the library unchanged.
import { CheckpointDB } from '@ethereumjs/mpt';
import { ValueEncoding } from '@ethereumjs/util';
import type { BatchDBOp } from '@ethereumjs/util';
import type { StagedNodeDB } from './node-db.js';

export class StagedCheckpointDB extends CheckpointDB {
  readonly #nodes: StagedNodeDB;

  constructor(nodes: StagedNodeDB) {
    super({ db: nodes, valueEncoding: ValueEncoding.Bytes });
    this.#nodes = nodes;
  }

  override async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.hasCheckpoints()) return super.get(key);
    return this.#nodes.getNodeByHash(key);
  }

  override async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    if (this.hasCheckpoints()) return super.put(key, value);
    this.#nodes.applyOps([{ type: 'put', key, value }]);
  }

  override async del(key: Uint8Array): Promise<void> {
    if (this.hasCheckpoints()) return super.del(key);
    this.#nodes.applyOps([{ type: 'del', key }]);
  }

  override async batch(ops: BatchDBOp[]): Promise<void> {
    if (this.hasCheckpoints()) return super.batch(ops);
    this.#nodes.applyOps(ops);
  }
}
