// The node process's memory, logged once a minute at info ("memory"), so that an operator (and the
// soak bench) can tell the JavaScript heap from the young generation, from buffers outside the heap,
// and from native memory (LevelDB's block cache and memtable, libsecp256k1, code): RSS minus the
// heap's and the external sizes. Wall-clock only: nothing here touches state.
import { getHeapSpaceStatistics } from 'node:v8';
import type { Logger } from '../util/logger.js';

export interface MemoryFigures {
  readonly rssMiB: number;
  /** V8's heap, all spaces, as reserved and as used. */
  readonly heapTotalMiB: number;
  readonly heapUsedMiB: number;
  /** The young generation's current size (two semi-spaces; see app-node-flags.ts). */
  readonly youngGenMiB: number;
  /** Memory of buffers and other objects outside the heap that JavaScript holds. */
  readonly externalMiB: number;
  /**
   * RSS beyond the heap and external memory: native libraries, code, stacks (0 when committed
   * heap pages are not all resident yet).
   */
  readonly nativeMiB: number;
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

export function memoryFigures(): MemoryFigures {
  const m = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  return {
    rssMiB: mib(m.rss),
    heapTotalMiB: mib(m.heapTotal),
    heapUsedMiB: mib(m.heapUsed),
    youngGenMiB: mib(young),
    externalMiB: mib(m.external),
    nativeMiB: Math.max(0, mib(m.rss - m.heapTotal - m.external)),
  };
}

/** Logs memoryFigures() every `intervalMs` until the returned function is called. */
export function startMemoryReports(log: Logger, intervalMs = 60_000): () => void {
  const timer = setInterval(() => log.info('memory', { ...memoryFigures() }), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
