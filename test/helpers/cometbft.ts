// Helpers to run a real CometBFT node in tests: init a home, patch config.toml, spawn, talk to
// its RPC, wait for heights, stop. Every wait has a timeout; nothing here asserts timings.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTomlValues, type TomlValue } from '../../src/node/config-toml.js';

/** The project's pinned CometBFT (scripts/install-cometbft.sh); COMETBFT_BIN overrides. */
export const COMETBFT_BIN: string =
  process.env['COMETBFT_BIN'] ?? fileURLToPath(new URL('../../tools/bin/cometbft', import.meta.url));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function cometbftConfigPath(home: string): string {
  return join(home, 'config', 'config.toml');
}

/** `cometbft init --home <home>`: node key, validator key, genesis, config. */
export function cometbftInit(opts: { home: string; binary?: string; timeoutMs?: number }): Promise<void> {
  const binary = opts.binary ?? COMETBFT_BIN;
  return new Promise((resolve, reject) => {
    execFile(binary, ['init', '--home', opts.home], { timeout: opts.timeoutMs ?? 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`cometbft init failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

/** Section name ('' for the top level, e.g. proxy_app) -> key -> new value. */
export type TomlPatch = Readonly<Record<string, Readonly<Record<string, TomlValue>>>>;

/**
 * Rewrites existing `key = value` lines in a TOML file, by section, with the node's own
 * config.toml editor. Throws when a key is not present (a renamed CometBFT option fails loudly).
 */
export async function patchConfigToml(file: string, patch: TomlPatch): Promise<void> {
  const values = Object.entries(patch).flatMap(([section, kv]) =>
    Object.entries(kv).map(([key, value]) => [section, key, value] as const),
  );
  await writeFile(file, setTomlValues(await readFile(file, 'utf8'), values));
}

/** The usual patch for a local single-machine node. */
export function localNodeConfig(opts: {
  proxyApp: string;
  rpcPort: number;
  p2pPort: number;
  timeoutCommit?: string;
  host?: string;
  logLevel?: string;
}): TomlPatch {
  const host = opts.host ?? '127.0.0.1';
  return {
    '': { proxy_app: opts.proxyApp, log_level: opts.logLevel ?? 'info' },
    rpc: { laddr: `tcp://${host}:${opts.rpcPort}` },
    p2p: { laddr: `tcp://${host}:${opts.p2pPort}` },
    consensus: { timeout_commit: opts.timeoutCommit ?? '200ms' },
  };
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CometbftProcess {
  readonly child: ChildProcess;
  /** Resolves when the process exited. */
  readonly exited: Promise<ExitInfo>;
  /** True once the process exited. */
  hasExited(): boolean;
  /** The last ~256 KiB of combined stdout/stderr, for failure messages. */
  output(): string;
}

/** Spawns `cometbft node --home <home> [...args]`. Pass `echo: true` to mirror its output to stderr. */
export function spawnCometbft(opts: {
  home: string;
  binary?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  echo?: boolean;
}): CometbftProcess {
  const child = spawn(opts.binary ?? COMETBFT_BIN, ['node', '--home', opts.home, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const limit = 256 * 1024;
  let buf = '';
  const onData = (d: Buffer): void => {
    buf += d.toString('utf8');
    if (buf.length > 2 * limit) buf = buf.slice(-limit);
    if (opts.echo) process.stderr.write(d);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exitedP = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      exited = true;
      buf += `\n[spawn error] ${err.message}`;
      resolve({ code: null, signal: null });
    });
  });
  return { child, exited: exitedP, hasExited: () => exited, output: () => buf.slice(-limit) };
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait up to `killWaitMs`. */
export async function stopProcess(
  child: ChildProcess,
  opts: { graceMs?: number; killWaitMs?: number } = {},
): Promise<void> {
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  if (done() || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number): Promise<boolean> =>
    Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  child.kill('SIGTERM');
  if (await within(opts.graceMs ?? 5_000)) return;
  child.kill('SIGKILL');
  if (!(await within(opts.killWaitMs ?? 5_000))) throw new Error(`process ${child.pid} did not exit after SIGKILL`);
}

export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly method: string,
    readonly detail: unknown,
  ) {
    super(`CometBFT RPC ${method} failed: ${JSON.stringify(detail)}`);
  }
}

/**
 * GET `<rpcUrl>/<method>?k=v` (URI form of CometBFT's JSON-RPC) and return `result`. Values are
 * passed as written: quote strings ('"abc"') and prefix hex with 0x ('0x616263').
 */
export async function rpcGet<T>(
  rpcUrl: string,
  method: string,
  params: Readonly<Record<string, string>> = {},
  timeoutMs = 10_000,
): Promise<T> {
  const qs = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const res = await fetch(`${rpcUrl.replace(/\/$/, '')}/${method}${qs ? `?${qs}` : ''}`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: T; error?: unknown };
  if (body.error !== undefined || body.result === undefined) throw new RpcError(method, body.error ?? body);
  return body.result;
}

export interface StatusResult {
  readonly node_info: { readonly network: string; readonly version: string };
  readonly sync_info: {
    readonly latest_block_height: string;
    readonly latest_app_hash: string;
    readonly catching_up: boolean;
  };
}

/** Latest block height, or undefined while the RPC is not up yet. */
export async function latestHeight(rpcUrl: string): Promise<number | undefined> {
  try {
    const status = await rpcGet<StatusResult>(rpcUrl, 'status', {}, 2_000);
    return Number(status.sync_info.latest_block_height);
  } catch {
    return undefined;
  }
}

/**
 * Polls /status until the latest height is at least `height`; returns the height seen.
 * Fails fast (with the node's output) if `opts.process` exits, and after `timeoutMs`.
 */
export async function waitForHeight(
  rpcUrl: string,
  height: number,
  timeoutMs: number,
  opts: { process?: CometbftProcess; pollMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  for (;;) {
    if (opts.process?.hasExited()) {
      throw new Error(`cometbft exited while waiting for height ${height}\n${opts.process.output().slice(-8000)}`);
    }
    last = await latestHeight(rpcUrl);
    if (last !== undefined && last >= height) return last;
    if (Date.now() > deadline) {
      const tail = opts.process ? `\n${opts.process.output().slice(-8000)}` : '';
      const seen = last ?? 'none';
      throw new Error(`timed out after ${timeoutMs} ms waiting for height ${height} (last seen ${seen})${tail}`);
    }
    await sleep(opts.pollMs ?? 100);
  }
}

/** Hex-encodes bytes for RPC parameters (`0x...`). */
export function rpcHex(bytes: Uint8Array | string): string {
  return `0x${Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('hex')}`;
}
