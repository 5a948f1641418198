// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per function and per file, and
// grouped into the pipeline stages the throughput benchmark cares about.
// Run: node --import tsx bench/cpu-profile.ts FILE.cpuprofile [--top 30] [--markdown]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  /** Inclusive time of the functions asked for (a sample counts for each of them on its stack). */
  readonly inclusive: readonly SelfTime[];
  readonly totalMs: number;
  /** Time not idle (everything but V8's "(idle)" node). */
  readonly busyMs: number;
  readonly functions: readonly SelfTime[];
  readonly files: readonly SelfTime[];
  readonly stages: readonly SelfTime[];
}

/** A short file label: the path inside the project or inside node_modules, else the URL. */
function fileLabel(url: string): string {
  if (url === '') return '(native / V8)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const src = url.search(/\/(src|bench|dist)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

// Stage of a sample, from the file its function lives in (first match wins).
const STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['state trie (@ethereumjs/mpt, store/trie, node-db)', /@ethereumjs\/mpt|@ethereumjs\/rlp|@ethereumjs\/util|store\/(trie|node-db|trie-db|batch-trie)/],
  ['signature verification (secp256k1, sig cache, digest)', /secp256k1|signature-cache|elliptic|sig-verify/],
  ['protobuf encode/decode (cosmjs-types, generated)', /cosmjs-types|(src|dist)\/generated|@bufbuild|protobufjs|proto-writer/],
  ['tx decode / ante / fees (src/tx, modules/fees)', /(src|dist)\/tx\/|modules\/fees/],
  ['modules (bank, auth, escrow, ...)', /(src|dist)\/modules\//],
  ['cache layers, commit store, LevelDB binding', /(src|dist)\/store\/|classic-level|abstract-level|level-transcoder|module-error|maybe-combine/],
  ['ABCI server (framing, dispatch)', /(src|dist)\/abci\//],
  ['app (abci-app, tx-executor, events)', /(src|dist)\/app|(src|dist)\/events|(src|dist)\/errors/],
  ['bech32 / encoding (@cosmjs, @scure)', /@cosmjs|@scure|bech32|util\/bytes/],
  ['logging', /util\/logger/],
  ['Node internals (streams, net, buffers)', /^node:|^internal\//],
];

function stageOf(name: string, file: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return '(program: V8 / native outside JS)';
  if (name === 'writeBuffer' || name === 'writev' || name === 'writeUtf8String') return 'Node internals (streams, net, buffers)';
  for (const [stage, re] of STAGES) if (re.test(file)) return stage;
  return file === '(native / V8)' ? 'native builtins (crypto hash, Buffer, Map, ...)' : 'other';
}

/** Functions whose inclusive time the summary reports: the app's ABCI entry points and stages. */
export const INCLUSIVE_OF = [
  'checkTx',
  'prepareProposal',
  'processProposal',
  'finalizeBlock',
  'commit',
  'info',
  'query',
  'executeDecoded',
  'runAnte',
  'charge',
  'verifyAhead',
  'stage',
  'applyBatch',
  '#writeStaged',
  '#append',
  '#handle',
  'decodeTx',
];

export function summariseProfile(profile: CpuProfile, inclusiveOf: readonly string[] = INCLUSIVE_OF): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const wanted = new Set(inclusiveOf);
  const inclusive = new Map<string, number>();
  const namesOnStack = (id: number): Set<string> => {
    const out = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)?.callFrame.functionName ?? '';
      if (wanted.has(name)) out.add(name);
    }
    return out;
  };
  const stackCache = new Map<number, Set<string>>();
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; attribute the following delta to sample i.
    const dt = timeDeltas[i + 1] ?? 0;
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
    let names = stackCache.get(id);
    if (names === undefined) {
      names = namesOnStack(id);
      stackCache.set(id, names);
    }
    for (const name of names) inclusive.set(name, (inclusive.get(name) ?? 0) + Math.max(0, dt));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const stage = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const f = fileLabel(url);
    const name = functionName === '' ? '(anonymous)' : functionName;
    if (name === '(idle)') idleUs += us;
    const fnKey = url === '' ? name : `${name} (${f}:${lineNumber + 1})`;
    fn.set(fnKey, (fn.get(fnKey) ?? 0) + us);
    file.set(f, (file.get(f) ?? 0) + us);
    const s = stageOf(name, f);
    stage.set(s, (stage.get(s) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (m: Map<string, number>, excludeIdle: boolean): SelfTime[] =>
    [...m.entries()]
      .filter(([k]) => !excludeIdle || (k !== '(idle)' && k !== 'idle'))
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    inclusive: inclusiveOf.filter((n) => inclusive.has(n)).map((name) => ({ name, ms: (inclusive.get(name) ?? 0) / 1000, share: busyUs > 0 ? (inclusive.get(name) ?? 0) / busyUs : 0 })),
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: rank(fn, true),
    files: rank(file, false).filter((f) => f.name !== '(native / V8)' || true),
    stages: rank(stage, true),
  };
}

export function profileMarkdown(s: ProfileSummary, top: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const row = (e: SelfTime): string => `| ${e.name.replace(/\|/g, '\\|')} | ${e.ms.toFixed(0)} | ${pct(e.share)} |`;
  return [
    `Profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy (not idle); shares are of busy time.`,
    '',
    '| stage | self ms | share |',
    '| --- | ---: | ---: |',
    ...s.stages.map(row),
    '',
    'Inclusive time of entry points and steps (a sample counts for every one of them on its stack; after an `await`, a resumed async function is its own root, so entry points undercount):',
    '',
    '| function | inclusive ms | share |',
    '| --- | ---: | ---: |',
    ...s.inclusive.map(row),
    '',
    `Top ${top} functions by self time:`,
    '',
    '| function (file:line) | self ms | share |',
    '| --- | ---: | ---: |',
    ...s.functions.slice(0, top).map(row),
    '',
    `Top ${top} files by self time:`,
    '',
    '| file | self ms | share |',
    '| --- | ---: | ---: |',
    ...s.files.filter((f) => f.name !== '(native / V8)').slice(0, top).map(row),
  ].join('\n');
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'));
if (isMain) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, markdown: { type: 'boolean' } } });
  const top = Number(values.top ?? 30);
  for (const p of positionals) {
    const s = summariseProfile(readProfile(p));
    if (values.markdown === true) process.stdout.write(`## ${p}\n\n${profileMarkdown(s, top)}\n\n`);
    else process.stdout.write(JSON.stringify({ file: p, totalMs: s.totalMs, busyMs: s.busyMs, stages: s.stages, functions: s.functions.slice(0, top) }, null, 2) + '\n');
  }
}
