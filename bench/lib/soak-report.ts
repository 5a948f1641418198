// What the soak (`npm run bench -- --soak S`) records, and its Markdown report: the rate and
// latency over the steady window, the app's RSS each minute with the node's own account of it
// (heap, native), and its growth from minute 1 and minute 2.
import type { MemoryFigures } from '../../src/node/memory-report.js';
import type { LatencyStats, RateStats } from './load.js';

export interface ProcessWindow {
  readonly rssStartMiB: number;
  readonly rssEndMiB: number;
  readonly rssMaxMiB: number;
  readonly cpuPercentOfCore: number;
}

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

const num = (n: number | null | undefined, unit = ''): string =>
  n === null || n === undefined || Number.isNaN(n) ? 'n/a' : `${n.toLocaleString('en-US')}${unit}`;

const cpuOf = (processes: Readonly<Record<string, ProcessWindow>>, suffix: string): number | undefined =>
  Object.entries(processes).find(([k]) => k.endsWith(suffix))?.[1].cpuPercentOfCore;

/** The soak's section of the bench's Markdown report. */
export function soakMarkdown(soak: SoakResult): string[] {
  const l = soak.latencyOfEvery20th;
  const lines = [
    `Soak: ${soak.offered} offered for ${soak.seconds} s (${num(soak.released)} txs sent); ` +
      `committed ${num(soak.rate?.successfulTxPerSec, ' tx/s')}, block interval ${num(soak.rate?.blockIntervalMedianMs, ' ms')}; ` +
      `every 20th tx tracked: ${num(l.committed)} of ${num(l.count)} committed, latency p50 ${num(l.p50Ms, ' ms')}, p99 ${num(l.p99Ms, ' ms')}.`,
    '',
    `App RSS: ${num(soak.appRssAfterFirstMinuteMiB, ' MiB')} after minute 1, ${num(soak.appRssAfterSecondMinuteMiB, ' MiB')} after minute 2, ` +
      `${num(soak.appRssAtEndMiB, ' MiB')} at the end (max ${num(soak.appRssMaxMiB, ' MiB')}): ` +
      `growth ${num(soak.appRssGrowthPercent, ' %')} from minute 1, ${num(soak.appRssGrowthPercentFromMinute2, ' %')} from minute 2, ` +
      `${num(soak.appRssTrendSecondHalfMiBPerMinute, ' MiB')} a minute over the second half. ` +
      `CPU (% of a core): app ${num(cpuOf(soak.processes, 'app'))} (main thread ${num(cpuOf(soak.processes, 'app main thread'))}), CometBFT ${num(cpuOf(soak.processes, 'cometbft'))}.`,
    '',
    '| minute | app RSS (MiB) | V8 heap, reserved / used | native | CometBFT RSS (MiB) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of soak.rssPerMinute) {
    const mem = soak.appMemoryPerMinute.find((m) => m.minute === row.minute)?.app ?? null;
    lines.push(
      `| ${row.minute} | ${num(row.appRssMiB)} | ${mem === null ? 'n/a' : `${mem.heapTotalMiB} / ${mem.heapUsedMiB}`} | ${num(mem?.nativeMiB)} | ${num(row.cometbftRssMiB)} |`,
    );
  }
  return lines;
}
