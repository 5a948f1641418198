// What the soak (`npm run bench -- --soak S`) records, and its Markdown report: the rate and
// latency over the steady window, the app's RSS each minute with the node's own account of it
// (heap, native), and its growth from minute 1 and minute 2.
import type { MemoryFigures } from '../../src/node/memory-report.js';
import { fmt } from './format.js';
import type { LatencyStats, RateStats } from './load.js';
import type { ProcessWindow } from './procstat.js';

export interface SoakResult {
  readonly seconds: number;
  readonly offered: string;
  readonly released: number;
  readonly rate: RateStats | undefined;
  readonly latencyOfEvery20th: LatencyStats;
  readonly appRssAfterFirstMinuteMiB: number | null;
  readonly appRssAfterSecondMinuteMiB: number | null;
  readonly appRssAtEndMiB: number | null;
  readonly appRssMaxMiB: number;
  readonly appRssGrowthPercent: number | null;
  readonly appRssGrowthPercentFromMinute2: number | null;
  readonly appRssTrendSecondHalfMiBPerMinute: number | null;
  readonly rssPerMinute: readonly { readonly minute: number; readonly appRssMiB: number | undefined; readonly cometbftRssMiB: number | undefined }[];
  readonly appMemoryPerMinute: readonly { readonly minute: number; readonly app: MemoryFigures | null }[];
  readonly processes: Readonly<Record<string, ProcessWindow>>;
}

const cpuOf = (processes: Readonly<Record<string, ProcessWindow>>, suffix: string): number | undefined =>
  Object.entries(processes).find(([k]) => k.endsWith(suffix))?.[1].cpuPercentOfCore;

/** The soak's section of the bench's Markdown report. */
export function soakMarkdown(soak: SoakResult): string[] {
  const l = soak.latencyOfEvery20th;
  const lines = [
    `Soak: ${soak.offered} offered for ${soak.seconds} s (${fmt(soak.released)} txs sent); ` +
      `committed ${fmt(soak.rate?.successfulTxPerSec, ' tx/s')}, block interval ${fmt(soak.rate?.blockIntervalMedianMs, ' ms')}; ` +
      `every 20th tx tracked: ${fmt(l.committed)} of ${fmt(l.count)} committed, latency p50 ${fmt(l.p50Ms, ' ms')}, p99 ${fmt(l.p99Ms, ' ms')}.`,
    '',
    `App RSS: ${fmt(soak.appRssAfterFirstMinuteMiB, ' MiB')} after minute 1, ${fmt(soak.appRssAfterSecondMinuteMiB, ' MiB')} after minute 2, ` +
      `${fmt(soak.appRssAtEndMiB, ' MiB')} at the end (max ${fmt(soak.appRssMaxMiB, ' MiB')}): ` +
      `growth ${fmt(soak.appRssGrowthPercent, ' %')} from minute 1, ${fmt(soak.appRssGrowthPercentFromMinute2, ' %')} from minute 2, ` +
      `${fmt(soak.appRssTrendSecondHalfMiBPerMinute, ' MiB')} a minute over the second half. ` +
      `CPU (% of a core): app ${fmt(cpuOf(soak.processes, 'app'))} (main thread ${fmt(cpuOf(soak.processes, 'app main thread'))}), CometBFT ${fmt(cpuOf(soak.processes, 'cometbft'))}.`,
    '',
    '| minute | app RSS (MiB) | V8 heap, reserved / used | native | CometBFT RSS (MiB) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of soak.rssPerMinute) {
    const mem = soak.appMemoryPerMinute.find((m) => m.minute === row.minute)?.app ?? null;
    lines.push(
      `| ${row.minute} | ${fmt(row.appRssMiB)} | ${mem === null ? 'n/a' : `${mem.heapTotalMiB} / ${mem.heapUsedMiB}`} | ${fmt(mem?.nativeMiB)} | ${fmt(row.cometbftRssMiB)} |`,
    );
  }
  return lines;
}
