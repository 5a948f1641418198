// The app's own memory reports ("memory" lines its node logs once a minute, src/node/memory-report.ts),
// read back from a node's log for the soak: the JavaScript heap, the young generation, external
// buffers and native memory, beside the RSS the harness samples from /proc.
import { readFileSync } from 'node:fs';
import type { MemoryFigures } from '../../src/node/memory-report.js';

export interface MemoryReport extends MemoryFigures {
  /** Wall-clock time of the report, ms since the epoch. */
  readonly at: number;
}

export function readMemoryReports(logFile: string): MemoryReport[] {
  const out: MemoryReport[] = [];
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"msg":"memory"')) continue;
    try {
      const r = JSON.parse(line) as Partial<MemoryFigures> & { time?: string; msg?: string };
      const at = Date.parse(r.time ?? '');
      if (r.msg !== 'memory' || Number.isNaN(at) || r.rssMiB === undefined) continue;
      out.push({
        at,
        rssMiB: r.rssMiB,
        heapTotalMiB: r.heapTotalMiB ?? 0,
        heapUsedMiB: r.heapUsedMiB ?? 0,
        youngGenMiB: r.youngGenMiB ?? 0,
        externalMiB: r.externalMiB ?? 0,
        nativeMiB: r.nativeMiB ?? 0,
      });
    } catch {
      // Not a JSON log line (CometBFT's output passes through the same file).
    }
  }
  return out;
}

/** The report nearest to each minute from `t0` (wall clock) up to `minutes`, if within 40 s of it. */
export function memoryPerMinute(reports: readonly MemoryReport[], t0: number, minutes: number): { minute: number; app: MemoryFigures | null }[] {
  const out: { minute: number; app: MemoryFigures | null }[] = [];
  for (let m = 0; m <= minutes; m++) {
    const t = t0 + m * 60_000;
    let best: MemoryReport | undefined;
    for (const r of reports) if (best === undefined || Math.abs(r.at - t) < Math.abs(best.at - t)) best = r;
    if (best === undefined || Math.abs(best.at - t) > 40_000) {
      out.push({ minute: m, app: null });
      continue;
    }
    const { at: _at, ...figures } = best;
    out.push({ minute: m, app: figures });
  }
  return out;
}
