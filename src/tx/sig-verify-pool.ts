// secp256k1 signature checks on worker threads, off the main (event-loop) thread.
//
// A check costs ~45-75 µs of libsecp256k1 time; on the main thread it was the largest single cost of
// CheckTx, and a block replayed without CheckTx (a validator whose mempool never saw its txs)
// verified every signature one after another. The pool verifies a batch split across its threads
// while the main thread waits or does other work. Results are pure functions of (signature,
// digest, public key), and the ante still makes every decision (see TxExecutor.verifyAhead), so
// the pool only decides WHERE the work runs: state and results are the same with or without it.
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
  /**
   * Optional: starts verifying `checks` on another thread, as a job the caller can share (see
   * VerifyJob). Verifiers without it are used through `verify` only.
   */
  start?(checks: readonly SigCheck[]): VerifyJob;
  close(): Promise<void>;
}

/**
 * Checks being verified on a worker thread, shared with the calling thread: the worker takes them
 * one by one from the last, and the caller, which needs them in order, takes any it reaches before
 * the worker did; no check is verified twice. Working from opposite ends, the two meet once per
 * job. When both went forward, a caller that caught up with the worker (executing a tx costs less
 * than verifying one) waited for the worker's check in progress at nearly every tx from then on.
 */
export interface VerifyJob {
  /** Check i's answer now: verified on this thread if the worker has not taken it, else the worker's (waiting for it if still running). */
  take(i: number): boolean;
  /** Settles when the worker is through; the answers it gave, by index (undefined where the caller took the check). Never rejects. */
  readonly done: Promise<(boolean | undefined)[]>;
}

/** A check's state in a job's shared array. */
const FREE = 0;
const WORKER = 1;
const VALID = 2;
const INVALID = 3;
const CALLER = 4;
/** How long `take` waits for a check the worker holds before verifying it itself (a dead worker). */
const TAKE_WAIT_MS = 2_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.binding);
parentPort.postMessage({ ready: true });
const FREE = ${FREE}, WORKER = ${WORKER}, VALID = ${VALID}, INVALID = ${INVALID};
const verify = (m, i) => {
  try {
    return lib.ecdsaVerify(m.sigs.subarray(i * 64, i * 64 + 64), m.digests.subarray(i * 32, i * 32 + 32), m.keys.subarray(i * 33, i * 33 + 33));
  } catch {
    return false;
  }
};
parentPort.on('message', (m) => {
  const n = m.n;
  if (m.state !== undefined) {
    // A shared job: take each check still free, publish its answer, wake a caller waiting on it.
    // From the last check back: the caller takes them from the first on (see VerifyJob).
    const state = new Int32Array(m.state);
    for (let i = n - 1; i >= 0; i--) {
      if (Atomics.compareExchange(state, i, FREE, WORKER) !== FREE) continue;
      Atomics.store(state, i, verify(m, i) ? VALID : INVALID);
      Atomics.notify(state, i);
    }
    parentPort.postMessage({ id: m.id });
    return;
  }
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) ok[i] = verify(m, i) ? 1 : 0;
  parentPort.postMessage({ id: m.id, ok }, [ok.buffer]);
});
`;

interface Pending {
  readonly resolve: (ok: Uint8Array | undefined) => void;
  readonly reject: (e: Error) => void;
}

class PoolWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failed: Error | undefined;

  constructor(binding: string) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { binding } });
    this.ready = new Promise<void>((resolve) => {
      this.#worker.on('message', (m: { id?: number; ok?: Uint8Array; ready?: true }) => {
        if (m.ready === true) {
          this.#loaded = true;
          if (this.#pending.size === 0) this.#worker.unref();
          resolve();
          return;
        }
        const p = m.id === undefined ? undefined : this.#pending.get(m.id);
        if (m.id !== undefined) this.#pending.delete(m.id);
        if (this.#pending.size === 0 && this.#loaded) this.#worker.unref();
        p?.resolve(m.ok);
      });
      this.#worker.on('exit', () => resolve());
    });
    this.#worker.on('error', (e: Error) => this.#fail(e));
    this.#worker.on('exit', (code) => this.#fail(new Error(`signature worker exited with code ${code}`)));
    // The worker stays referenced until it has loaded the native binding: a process that exited
    // while a worker was still loading it could abort in the binding's initialisation
    // ("terminate called after throwing an instance of 'Napi::Error'").
  }

  /** Settles once the worker has loaded the native binding (or exited). */
  readonly ready: Promise<void>;
  #loaded = false;

  get load(): number {
    return this.#pending.size;
  }

  #fail(e: Error): void {
    this.#failed ??= e;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }

  run(checks: readonly SigCheck[]): Promise<Uint8Array> {
    return this.#post(checks, undefined).then((ok) => {
      // Never read a missing answer as "invalid": the caller would refuse valid txs.
      if (ok === undefined) throw new Error('signature worker answered a batch without its results');
      return ok;
    });
  }

  /** Posts a shared job over `state` (see VerifyJob); resolves when the worker is through with it. */
  runShared(checks: readonly SigCheck[], state: SharedArrayBuffer): Promise<void> {
    return this.#post(checks, state).then(() => undefined);
  }

  #post(checks: readonly SigCheck[], state: SharedArrayBuffer | undefined): Promise<Uint8Array | undefined> {
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
    return new Promise<Uint8Array | undefined>((resolve, reject) => {
      // Keep the process alive while an answer is due (the worker is unref'd when idle).
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, n, sigs, digests, keys, state }, [sigs.buffer, digests.buffer, keys.buffer]);
    });
  }

  /** Stops the worker, after it has loaded the binding (terminating it during that can abort). */
  async terminate(): Promise<number> {
    await this.ready;
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

  /**
   * A shared job on the least busy worker. If the worker fails, the caller takes every check the
   * worker had not answered (`take` verifies it inline) and `done` resolves with what it had.
   */
  start(checks: readonly SigCheck[]): VerifyJob {
    const state = new Int32Array(new SharedArrayBuffer(4 * checks.length));
    const w = this.#workers.reduce((a, b) => (b.load < a.load ? b : a));
    const answers = (): (boolean | undefined)[] => Array.from(state, (s) => (s === VALID ? true : s === INVALID ? false : undefined));
    const done = w.runShared(checks, state.buffer as SharedArrayBuffer).then(answers, answers);
    return {
      done,
      take: (i) => {
        const c = checks[i];
        if (c === undefined) throw new RangeError(`no check ${i} in this job`);
        const was = Atomics.compareExchange(state, i, FREE, CALLER);
        if (was === FREE || was === CALLER) return verifySecp256k1(c.signature, c.digest, c.pubKey);
        // The worker has it: one verification, so block until its answer is published. A worker
        // that died on it never publishes: after a while, verify here.
        const deadline = performance.now() + TAKE_WAIT_MS;
        while (Atomics.load(state, i) === WORKER && performance.now() < deadline) Atomics.wait(state, i, WORKER, 50);
        const now = Atomics.load(state, i);
        return now === WORKER ? verifySecp256k1(c.signature, c.digest, c.pubKey) : now === VALID;
      },
    };
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
 * The process-wide verifier: a pool of one thread per core but one (CYBERMILES_SIG_THREADS overrides;
 * 0 verifies inline). The JS fallback of the secp256k1 package is not loaded in workers: without
 * the native binding, verification stays inline.
 */
export function sharedSigVerifier(): SigVerifier {
  if (shared !== undefined) return shared;
  const env = process.env['CYBERMILES_SIG_THREADS'];
  // One core is left to the main thread, which executes while the workers verify ahead.
  const threads = env === undefined || env === '' ? Math.max(1, availableParallelism() - 1) : Number(env);
  shared = !secp256k1IsNative || !Number.isInteger(threads) || threads <= 0 ? inlineVerifier : new SigVerifyPool(threads);
  return shared;
}
