// A node's height, peers and app hash from its CometBFT RPC (/status and /net_info), for the
// status view of `cybermilesd testnet-run`.

export interface NodeStatus {
  readonly height: number;
  /** The app hash after the latest block (hex), as CometBFT reports it. */
  readonly appHash: string;
  readonly peers: number;
  readonly catchingUp: boolean;
}

interface StatusResult {
  sync_info: { latest_block_height: string; latest_app_hash: string; catching_up: boolean };
}
interface NetInfoResult {
  n_peers: string;
}

async function rpc<T>(url: string, method: string, timeoutMs: number): Promise<T> {
  const res = await fetch(`${url.replace(/\/$/, '')}/${method}`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json()) as { result?: T; error?: unknown };
  if (body.result === undefined) throw new Error(`${method}: ${JSON.stringify(body.error ?? body)}`);
  return body.result;
}

/** The node's status, or undefined when its RPC does not answer within the timeout. */
export async function nodeStatus(rpcUrl: string, timeoutMs = 2000): Promise<NodeStatus | undefined> {
  try {
    const [status, net] = await Promise.all([
      rpc<StatusResult>(rpcUrl, 'status', timeoutMs),
      rpc<NetInfoResult>(rpcUrl, 'net_info', timeoutMs),
    ]);
    return {
      height: Number(status.sync_info.latest_block_height),
      appHash: status.sync_info.latest_app_hash,
      peers: Number(net.n_peers),
      catchingUp: status.sync_info.catching_up,
    };
  } catch {
    return undefined;
  }
}

/** One line of the status view: `node0  height 12  peers 3  app 4F3A9C1D0B2E` (or why there is none). */
export function statusLine(name: string, status: NodeStatus | string): string {
  if (typeof status === 'string') return `  ${name.padEnd(7)} ${status}`;
  const app = status.appHash === '' ? '-' : status.appHash.slice(0, 12);
  const extra = status.catchingUp ? '  catching up' : '';
  return `  ${name.padEnd(7)} height ${String(status.height).padEnd(7)} peers ${String(status.peers).padEnd(3)} app ${app}${extra}`;
}
