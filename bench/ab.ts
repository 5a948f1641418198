// A/B of a bench script between two revisions of this repository, run in rotation.
//
// This machine's speed drifts by up to a third within an hour, and identical runs of the pipeline
// bench differ by 10 % and more, so figures from a few runs made one side after the other say
// little: three pairs run base-then-new once showed 8-21 % more tx per CPU-second for a change
// that made no difference when the order was rotated. Here the two sides run in ABBA order for
// N rounds; the output is every run's figures, each side's median and the ratio of the medians,
// and the range of the per-pair ratios. What spread to expect shows when a revision is compared
// with itself: one round of a small pipeline run gave ratios of 0.93 and 1.13 for identical code,
// so use several rounds, and believe a change when its pair ratios stay on one side of 1.
//
// With --together each round runs the two sides at the same time instead: whatever the machine
// does in that minute, it does to both. They then share the two cores, so their wall-clock
// figures say little; compare the CPU of the thread that executes (the pipeline bench's
// mainThreadUsPerTx.*). A revision compared with itself this way, four rounds, gave per-pair
// ratios of 0.91-1.05 for those, where the all-threads perCpuSecond.* figures spread 0.90-1.23 (the
// signature workers and the collector's helpers get the cores unevenly) and wall-clock figures in
// rotation 10-15 % (bench/PROFILE.md, twelfth round).
//
// Run: node --import tsx bench/ab.ts --base REV [--head REV] [--rounds 4] [--keys a.b,c] [--together] [-- SCRIPT ARGS...]
//   --base REV    the revision to compare against (a git worktree of it is made and removed)
//   --head REV    the other side (default: this working tree, uncommitted changes included)
//   --rounds N    ABBA rounds, so 2N runs a side (default 3)
//   --keys LIST   dot paths of the numbers to compare in the script's JSON output
//   --together    run the two sides at the same time in each round (see above), not in rotation
//   --build       compile each side first (npm run build's tsc): needed for bench/throughput.ts,
//                 whose nodes run the compiled app. Give that script an --out outside the trees, e.g.
//                 --build --keys ours.phases.paced.rate.committedTxPerSec -- bench/throughput.ts
//                 --phases paced --duration 20 --out /tmp/ab-throughput.json
//   SCRIPT ARGS   the bench script and its arguments (default: bench/pipeline.ts --accounts 4000),
//                 run with the app's V8 flags; it must print one JSON object on stdout.
// Figures only, no assertions.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { APP_NODE_FLAGS } from '../src/node/app-node-flags.js';
import { median } from './lib/stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args, positionals } = parseArgs({
  options: {
    base: { type: 'string' },
    head: { type: 'string' },
    rounds: { type: 'string' },
    keys: { type: 'string' },
    build: { type: 'boolean' },
    together: { type: 'boolean' },
  },
  allowPositionals: true,
});
if (args.base === undefined) throw new Error('usage: bench/ab.ts --base REV [--head REV] [--rounds N] [--keys a.b,c] [--build] [--together] [-- SCRIPT ARGS...]');
const TOGETHER = args.together === true;
const ROUNDS = Number(args.rounds ?? 3);
const SCRIPT = positionals.length > 0 ? positionals : ['bench/pipeline.ts', '--accounts', '4000'];
const KEYS = (
  args.keys ??
  'perCpuSecond.checkTx,perCpuSecond.finalizeBlock,perCpuSecond.commit,perCpuSecond.pipeline,perCpuSecond.replay,mainThreadUsPerTx.checkTx,mainThreadUsPerTx.finalizeBlock,mainThreadUsPerTx.commit,mainThreadUsPerTx.replay,pipelineTxPerSec,replayTxPerSec'
).split(',');

const git = (cwd: string, ...a: string[]): string => {
  const r = spawnSync('git', a, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

/** Not in git, shared with the worktrees through links: the npm packages and the installed tools (CometBFT). */
const SHARED = ['node_modules', 'tools'].filter((d) => existsSync(join(ROOT, d)));

/** A detached worktree of `rev` sharing this checkout's node_modules and tools; removed by the returned function. */
function worktree(rev: string): { dir: string; remove: () => void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'cybermiles-ab-')), 'tree');
  git(ROOT, 'worktree', 'add', '--detach', dir, rev);
  for (const d of SHARED) symlinkSync(join(ROOT, d), join(dir, d));
  return {
    dir,
    remove: () => {
      // The links first: `git worktree remove --force` would otherwise delete through them.
      for (const d of SHARED) rmSync(join(dir, d));
      git(ROOT, 'worktree', 'remove', '--force', dir);
      rmSync(dirname(dir), { recursive: true, force: true });
    },
  };
}

function build(dir: string): void {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed in ${dir}:\n${r.stdout}${r.stderr}`);
}

function pick(obj: unknown, path: string): number {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
  return typeof cur === 'number' ? cur : Number.NaN;
}

function figuresOf(stdout: string): number[] {
  const out: unknown = JSON.parse(stdout.slice(stdout.indexOf('{')));
  return KEYS.map((k) => pick(out, k));
}

/** One run of the script in `dir`: its figures for KEYS. */
function run(dir: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...APP_NODE_FLAGS, '--import', 'tsx', ...SCRIPT], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${SCRIPT.join(' ')} failed in ${dir}:\n${stderr}`));
      else resolve(figuresOf(stdout));
    });
  });
}

const base = worktree(args.base);
let head: ReturnType<typeof worktree> | undefined;
const short = git(base.dir, 'rev-parse', '--short', 'HEAD');
const label = { base: short.startsWith(args.base) || args.base.startsWith(short) ? short : `${args.base} (${short})`, head: args.head ?? 'working tree' };
const runs: { base: number[][]; head: number[][] } = { base: [], head: [] };
try {
  head = args.head === undefined ? undefined : worktree(args.head);
  const sides = { base: base.dir, head: head?.dir ?? ROOT } as const;
  if (args.build === true) for (const dir of new Set(Object.values(sides))) build(dir);
  // The first run after a pause is slower than the rest: one run is made first and discarded.
  await run(sides.head);
  for (let round = 0; round < ROUNDS; round++) {
    if (TOGETHER) {
      // Both settle before anything is thrown: the worktrees are removed only once neither runs.
      const [bs, hs] = await Promise.allSettled([run(sides.base), run(sides.head)]);
      if (bs?.status !== 'fulfilled') throw bs?.reason;
      if (hs?.status !== 'fulfilled') throw hs?.reason;
      const [b, h] = [bs.value, hs.value];
      runs.base.push(b);
      runs.head.push(h);
      process.stderr.write(`[ab] round ${round + 1}/${ROUNDS} together: base ${b.join(' ')} | head ${h.join(' ')}\n`);
      continue;
    }
    for (const side of ['base', 'head', 'head', 'base'] as const) {
      const figures = await run(sides[side]);
      runs[side].push(figures);
      process.stderr.write(`[ab] round ${round + 1}/${ROUNDS} ${side}: ${figures.join(' ')}\n`);
    }
  }
} finally {
  base.remove();
  head?.remove();
}

// Pairs in run order: (base, head), (head, base) in each round; with --together, the two runs of each round.
const summary = KEYS.map((key, k) => {
  const b = runs.base.map((r) => r[k] as number);
  const h = runs.head.map((r) => r[k] as number);
  const pairRatios = b.map((x, i) => (h[i] as number) / x);
  return {
    key,
    base: { median: median(b), runs: b },
    head: { median: median(h), runs: h },
    ratioOfMedians: Math.round((median(h) / median(b)) * 1000) / 1000,
    pairRatioRange: [Math.min(...pairRatios), Math.max(...pairRatios)].map((x) => Math.round(x * 1000) / 1000),
  };
});
/** A figure for the table; n/a where a side's output lacks it (a key the base revision does not report). */
const shown = (x: number): string => (Number.isFinite(x) ? String(x) : 'n/a');
const lines = [
  TOGETHER
    ? `A/B: ${SCRIPT.join(' ')}; base ${label.base}, head ${label.head}; ${ROUNDS} rounds, the two sides at the same time`
    : `A/B: ${SCRIPT.join(' ')}; base ${label.base}, head ${label.head}; ${ROUNDS} ABBA rounds (${2 * ROUNDS} runs a side)`,
  '',
  '| figure | base median | head median | head / base | per-pair range |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...summary.map((s) => `| ${s.key} | ${shown(s.base.median)} | ${shown(s.head.median)} | ${shown(s.ratioOfMedians)} | ${s.pairRatioRange.map(shown).join(' - ')} |`),
];
process.stderr.write(lines.join('\n') + '\n');
process.stdout.write(JSON.stringify({ bench: 'ab', script: SCRIPT, base: label.base, head: label.head, rounds: ROUNDS, together: TOGETHER, summary }, null, 2) + '\n');
