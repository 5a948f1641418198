// Worker thread for bench/lib/sign.ts: signs a range of a transfer stream.
import { parentPort, workerData } from 'node:worker_threads';
import { benchKeys, signTransfers, type TransferStreamSpec } from './sign.js';

interface Job {
  readonly from: number;
  readonly to: number;
}

const spec = workerData as TransferStreamSpec;
const keys = benchKeys(spec.label, spec.accounts);
parentPort?.on('message', (job: Job) => {
  const txs = signTransfers(spec, job.from, job.to, keys);
  parentPort?.postMessage(txs, txs.map((t) => t.buffer as ArrayBuffer));
});
