// Runs CometBFT as a supervised child: its JSON log lines pass through to our stderr; an
// unexpected exit is restarted with a short back-off, and too many restarts in a row give up.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../util/logger.js';
import { cometbftBinary } from './cometbft-binary.js';

export interface CometbftChild {
  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The pid of the current CometBFT process, if running. */
  pid(): number | undefined;
  /** Resolves when supervision gave up (too many crashes) with the last exit code. */
  readonly failed: Promise<number>;
}

export interface CometbftChildOptions {
  readonly home: string;
  readonly logger: Logger;
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
}

export function superviseCometbft(opts: CometbftChildOptions): CometbftChild {
  const log = opts.logger.child({ module: 'cometbft' });
  const maxRestarts = opts.maxRestarts ?? 5;
  const windowMs = opts.restartWindowMs ?? 60_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts: number[] = [];
  let giveUp: (code: number) => void = () => undefined;
  const failed = new Promise<number>((resolve) => (giveUp = resolve));

  const start = (): void => {
    const proc = spawn(cometbftBinary(), ['node', '--home', opts.home], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    log.info('cometbft started', { pid: proc.pid });
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stderr.write(line + '\n'));
    }
    proc.on('error', (err) => log.error('cometbft could not start', { error: err.message }));
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopping) return;
      const now = performance.now();
      restarts = [...restarts.filter((t) => now - t < windowMs), now];
      log.error('cometbft exited unexpectedly', { code, signal, restartsInWindow: restarts.length });
      if (restarts.length > maxRestarts) {
        giveUp(code ?? 1);
        return;
      }
      setTimeout(() => {
        if (!stopping) start();
      }, 1000).unref();
    });
  };
  start();

  return {
    pid: () => child?.pid,
    failed,
    async stop(graceMs = 10_000) {
      stopping = true;
      const proc = child;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log.info('cometbft stopped');
    },
  };
}
