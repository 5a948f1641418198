import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../util/logger.js';
import { memoryFigures, startMemoryReports } from './memory-report.js';

describe('memory report', () => {
  it('splits RSS into the heap, external memory and the native rest', () => {
    const m = memoryFigures();
    expect(m.rssMiB).toBeGreaterThan(0);
    expect(m.heapUsedMiB).toBeLessThanOrEqual(m.heapTotalMiB);
    expect(m.youngGenMiB).toBeLessThanOrEqual(m.heapTotalMiB);
    expect(m.nativeMiB).toBeGreaterThanOrEqual(0);
    // The native rest is what RSS has beyond the heap and external memory (clamped at 0 when heap
    // pages are committed but not yet resident); rounding each part may put the sum a MiB or two off.
    if (m.nativeMiB > 0) expect(Math.abs(m.heapTotalMiB + m.externalMiB + m.nativeMiB - m.rssMiB)).toBeLessThanOrEqual(2);
  });

  it('logs the figures at info every interval until stopped', () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const stop = startMemoryReports(createLogger({ level: 'info', write: (l) => lines.push(l) }), 1_000);
      vi.advanceTimersByTime(2_500);
      stop();
      vi.advanceTimersByTime(5_000);
      expect(lines).toHaveLength(2);
      const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
      expect(record['level']).toBe('info');
      expect(record['msg']).toBe('memory');
      expect(typeof record['heapUsedMiB']).toBe('number');
      expect(typeof record['nativeMiB']).toBe('number');
    } finally {
      vi.useRealTimers();
    }
  });
});
