// Signs transfer-stream ranges on worker threads (one per core), so pre-signing a few hundred
// thousand txs takes seconds, not minutes.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TransferStreamSpec } from './sign.js';

export class SignPool {
  readonly #workers: Worker[];

  constructor(spec: TransferStreamSpec, threads = availableParallelism()) {
    this.#workers = Array.from(
      { length: Math.max(1, threads) },
      () => new Worker(new URL('./sign-worker.mjs', import.meta.url), { workerData: spec }),
    );
  }

  async sign(from: number, to: number): Promise<Uint8Array[]> {
    const n = this.#workers.length;
    const chunk = Math.ceil((to - from) / n);
    const parts = await Promise.all(
      this.#workers.map((w, i) => {
        const a = from + i * chunk;
        const b = Math.min(to, a + chunk);
        if (a >= b) return Promise.resolve([] as Uint8Array[]);
        return new Promise<Uint8Array[]>((resolve, reject) => {
          const onMessage = (txs: Uint8Array[]): void => {
            w.off('error', reject);
            resolve(txs);
          };
          w.once('message', onMessage);
          w.once('error', reject);
          w.postMessage({ from: a, to: b });
        });
      }),
    );
    return parts.flat();
  }

  async signAndClose(from: number, to: number): Promise<Uint8Array[]> {
    try {
      return await this.sign(from, to);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
