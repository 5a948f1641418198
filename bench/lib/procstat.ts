// Memory (VmRSS from /proc/<pid>/status) and CPU time (utime + stime from /proc/<pid>/stat) of
// the benchmark's processes, sampled once a second.
import { readFileSync } from 'node:fs';
import type { ProcessInfo } from './nodes.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far (user + system): all threads, or only thread `tid` of the process. */
export function cpuSeconds(pid: number, tid?: number): number | undefined {
  try {
    const text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** One process over a window: RSS at its start and end and its maximum, CPU as % of one core. */
export interface ProcessWindow {
  readonly rssStartMiB: number;
  readonly rssEndMiB: number;
  readonly rssMaxMiB: number;
  readonly cpuPercentOfCore: number;
}

export interface Sample {
  /** performance.now() of the sample. */
  readonly t: number;
  readonly rss: ReadonlyMap<string, number>;
  readonly cpu: ReadonlyMap<string, number>;
}

export class ProcSampler {
  readonly samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly processes: () => ProcessInfo[]) {}

  start(intervalMs = 1000): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.sample();
  }

  sample(): Sample {
    const rss = new Map<string, number>();
    const cpu = new Map<string, number>();
    for (const p of [...this.processes(), { role: 'harness', pid: process.pid }]) {
      const r = rssMiB(p.pid);
      const c = cpuSeconds(p.pid);
      if (r !== undefined) rss.set(p.role, r);
      if (c !== undefined) cpu.set(p.role, c);
      // A Node app's main thread (its thread id is the pid) apart from its worker threads: the
      // event loop is where ABCI requests are served one at a time.
      if (p.nodeMainThread === true) {
        const main = cpuSeconds(p.pid, p.pid);
        if (r !== undefined && main !== undefined) {
          rss.set(`${p.role} main thread`, r);
          cpu.set(`${p.role} main thread`, main);
        }
      }
    }
    const s = { t: performance.now(), rss, cpu };
    this.samples.push(s);
    return s;
  }

  /** The sample closest to time t. */
  at(t: number): Sample | undefined {
    let best: Sample | undefined;
    for (const s of this.samples) if (best === undefined || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
    return best;
  }

  /** Per process: RSS at the window's start and end and its maximum, and CPU use as % of one core. */
  window(t0: number, t1: number): Record<string, ProcessWindow> {
    const a = this.at(t0);
    const b = this.at(t1);
    const out: Record<string, ProcessWindow> = {};
    if (a === undefined || b === undefined) return out;
    for (const [role, rssEnd] of b.rss) {
      const inWindow = this.samples.filter((s) => s.t >= a.t && s.t <= b.t);
      const max = Math.max(...inWindow.map((s) => s.rss.get(role) ?? 0));
      const c0 = a.cpu.get(role);
      const c1 = b.cpu.get(role);
      const secs = (b.t - a.t) / 1000;
      out[role] = {
        rssStartMiB: Math.round(a.rss.get(role) ?? 0),
        rssEndMiB: Math.round(rssEnd),
        rssMaxMiB: Math.round(max),
        cpuPercentOfCore: c0 === undefined || c1 === undefined || secs <= 0 ? 0 : Math.round(((c1 - c0) / secs) * 100),
      };
    }
    return out;
  }
}
