// A small CometBFT JSON-RPC client over HTTP keep-alive, with JSON-RPC batches (CometBFT runs a
// batch's calls in order and answers them in one response), for the load generator.
import { Agent, request } from 'node:http';

export interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: string;
}

interface RpcResponse<T> {
  readonly id: number;
  readonly result?: T;
  readonly error?: RpcError;
}

export interface BroadcastResult {
  readonly code: number;
  readonly codespace: string;
  readonly log: string;
  readonly hash: string;
}

export class RpcClient {
  readonly #url: URL;
  readonly #agent: Agent;
  #nextId = 1;

  constructor(url: string, maxSockets = 64) {
    this.#url = new URL(url);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  get url(): string {
    return this.#url.toString();
  }

  close(): void {
    this.#agent.destroy();
  }

  /** POSTs a JSON body and parses the JSON answer. */
  post(body: string, timeoutMs = 60_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          path: '/',
          method: 'POST',
          agent: this.#agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error(`RPC answered ${res.statusCode ?? '?'} with non-JSON: ${text.slice(0, 200)}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`RPC request timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const res = (await this.post(JSON.stringify({ jsonrpc: '2.0', id: this.#nextId++, method, params }))) as RpcResponse<T>;
    if (res.error !== undefined) throw new Error(`${method}: ${res.error.message} ${res.error.data ?? ''}`);
    return res.result as T;
  }

  /**
   * broadcast_tx_sync of several txs (base64) in one JSON-RPC batch; answers in the same order.
   * A tx CometBFT refuses before CheckTx (mempool full, already in cache) comes back as code -1.
   */
  async broadcastBatch(txsBase64: readonly string[], method = 'broadcast_tx_sync'): Promise<BroadcastResult[]> {
    const first = this.#nextId;
    this.#nextId += txsBase64.length;
    const body = '[' + txsBase64.map((tx, i) => `{"jsonrpc":"2.0","id":${first + i},"method":"${method}","params":{"tx":"${tx}"}}`).join(',') + ']';
    const raw = await this.post(body);
    const list = (Array.isArray(raw) ? raw : [raw]) as RpcResponse<BroadcastResult>[];
    const byId = new Map<number, RpcResponse<BroadcastResult>>();
    for (const r of list) byId.set(r.id, r);
    return txsBase64.map((_, i) => {
      const r = byId.get(first + i);
      if (r?.result !== undefined) return r.result;
      return { code: -1, codespace: 'rpc', log: r?.error === undefined ? 'no answer' : `${r.error.message} ${r.error.data ?? ''}`, hash: '' };
    });
  }

  /** The app's last committed height, as the app reports it through ABCI Info. */
  async appHeight(): Promise<number> {
    const r = await this.call<{ response: { last_block_height?: string } }>('abci_info');
    return Number(r.response.last_block_height ?? '0');
  }

  async abciQuery(path: string, data: Uint8Array): Promise<{ code: number; value: Uint8Array; log: string }> {
    const r = await this.call<{ response: { code?: number; value?: string | null; log?: string } }>('abci_query', {
      path,
      data: Buffer.from(data).toString('hex'),
    });
    return { code: r.response.code ?? 0, value: Buffer.from(r.response.value ?? '', 'base64'), log: r.response.log ?? '' };
  }
}
