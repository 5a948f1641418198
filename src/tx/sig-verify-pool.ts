// secp256k1 signature checks on worker threads, off the main (event-loop) thread.
//
// A check costs ~45-75 µs of libsecp256k1 time; on the main thread it was the largest single cost of
// CheckTx, and a block replayed without CheckTx (a validator whose mempool never saw its txs)
// verified every signature one after another. The pool verifies a batch split across its threads
// while the main thread waits or does other work. Results are pure functions of (signature,
// digest, public key), and the ante still makes every decision (see TxExecutor.preverify), so the
// pool only decides WHERE the work runs: state and results are the same with or without it.
//
// The worker is a few lines of plain JavaScript evaluated from a string (no build step, works
// from src/ under tsx and from dist/ alike); it loads the same native binding by absolute path.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { secp256k1IsNative, verifySecp256k1 } from './secp256k1.js';

export interface SigCheck {
  /** 64-byte compact signature (low-S already checked by the caller). */
  readonly signature: Uint8Array;
  /** 32-byte digest. */
  readonly digest: Uint8Array;
  /** 33-byte compressed public key. */
  readonly pubKey: Uint8Array;
}

export interface SigVerifier {
  /** Whether each signature is valid, in order. */
  verify(checks: readonly SigCheck[]): Promise<boolean[]>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.binding);
parentPort.on('message', (m) => {
  const n = m.n;
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    try {
      ok[i] = lib.ecdsaVerify(m.sigs.subarray(i * 64, i * 64 + 64), m.digests.subarray(i * 32, i * 32 + 32), m.keys.subarray(i * 33, i * 33 + 33)) ? 1 : 0;
    } catch {
      ok[i] = 0;
    }
  }
  parentPort.postMessage({ id: m.id, ok }, [ok.buffer]);
});
`;

interface Pending {
  readonly resolve: (ok: Uint8Array) => void;
  readonly reject: (e: Error) => void;
}

class PoolWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failed: Error | undefined;

  constructor(binding: string) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { binding } });
    this.#worker.on('message', (m: { id: number; ok: Uint8Array }) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) this.#worker.unref();
      p?.resolve(m.ok);
    });
    this.#worker.on('error', (e: Error) => this.#fail(e));
    this.#worker.on('exit', (code) => this.#fail(new Error(`signature worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    this.#worker.unref();
  }

  get load(): number {
    return this.#pending.size;
  }

  #fail(e: Error): void {
    this.#failed ??= e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  run(checks: readonly SigCheck[]): Promise<Uint8Array> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const n = checks.length;
    const sigs = new Uint8Array(n * 64);
    const digests = new Uint8Array(n * 32);
    const keys = new Uint8Array(n * 33);
    checks.forEach((c, i) => {
      sigs.set(c.signature, i * 64);
      digests.set(c.digest, i * 32);
      keys.set(c.pubKey, i * 33);
    });
    const id = this.#nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      // Keep the process alive while an answer is due (the worker is unref'd when idle).
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, n, sigs, digests, keys }, [sigs.buffer, digests.buffer, keys.buffer]);
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** Splits batches across worker threads; a single check goes to the least busy worker. */
export class SigVerifyPool implements SigVerifier {
  readonly #workers: PoolWorker[];

  constructor(threads: number) {
    const binding = createRequire(import.meta.url).resolve('secp256k1/bindings');
    this.#workers = Array.from({ length: Math.max(1, threads) }, () => new PoolWorker(binding));
  }

  async verify(checks: readonly SigCheck[]): Promise<boolean[]> {
    if (checks.length === 0) return [];
    const workers = this.#workers;
    if (checks.length < 8 || workers.length === 1) {
      const w = workers.reduce((a, b) => (b.load < a.load ? b : a));
      return [...(await w.run(checks))].map((x) => x === 1);
    }
    const per = Math.ceil(checks.length / workers.length);
    const parts = await Promise.all(workers.map((w, i) => (i * per < checks.length ? w.run(checks.slice(i * per, (i + 1) * per)) : Promise.resolve(new Uint8Array()))));
    return parts.flatMap((p) => [...p].map((x) => x === 1));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** Verifies on the calling thread (no pool: tests, a one-core machine, or CYBERMILES_SIG_THREADS=0). */
export const inlineVerifier: SigVerifier = {
  verify: (checks) => Promise.resolve(checks.map((c) => verifySecp256k1(c.signature, c.digest, c.pubKey))),
  close: () => Promise.resolve(),
};

let shared: SigVerifier | undefined;

/**
 * The process-wide verifier: a pool of one thread per core (CYBERMILES_SIG_THREADS overrides;
 * 0 verifies inline). The JS fallback of the secp256k1 package is not loaded in workers: without
 * the native binding, verification stays inline.
 */
export function sharedSigVerifier(): SigVerifier {
  if (shared !== undefined) return shared;
  const env = process.env['CYBERMILES_SIG_THREADS'];
  const threads = env === undefined || env === '' ? availableParallelism() : Number(env);
  shared = !secp256k1IsNative || !Number.isInteger(threads) || threads <= 0 ? inlineVerifier : new SigVerifyPool(threads);
  return shared;
}
