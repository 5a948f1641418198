// The ABCI 2.0 socket server CometBFT 0.38 connects to (`proxy_app = "tcp://127.0.0.1:26658"`
// or `unix:///path`). CometBFT opens four connections (consensus, mempool, query, snapshot); each
// is an AbciConnection that runs its requests one at a time, in order. The app is wrapped in the
// call-order guard; when CometBFT's consensus connection closes (CometBFT stopped or restarted),
// the guard is reset and relearns the height from the next Info.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AbciApplication } from './application.js';
import { guardCallOrder } from './call-order-guard.js';
import type { GuardedApplication } from './call-order-guard.js';
import { AbciConnection } from './connection.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './framing.js';
import { removeStaleUnixSocket } from './stale-socket.js';
import type { Logger } from '../util/logger.js';

export interface TcpAddress {
  readonly host: string;
  readonly port: number;
}
export interface UnixAddress {
  readonly path: string;
}
export type AbciListenAddress = TcpAddress | UnixAddress;

export interface AbciServerOptions {
  readonly logger: Logger;
  /** Largest accepted request; a larger frame closes its connection. Default 100 MiB. */
  readonly maxMessageBytes?: number;
  /** Wrap the app in the consensus call-order guard. Default true. */
  readonly callOrderGuard?: boolean;
}

export interface AbciServer {
  /** Starts listening; resolves with the bound address (the real port when `port` was 0). */
  listen(addr: TcpAddress): Promise<TcpAddress>;
  listen(addr: UnixAddress): Promise<UnixAddress>;
  listen(addr: AbciListenAddress): Promise<AbciListenAddress>;
  /**
   * Stops listening, destroys open connections, and resolves once every socket closed and no
   * handler is running any more (a running handler is awaited, queued requests are dropped).
   */
  close(): Promise<void>;
  /** The guarded app (or the app itself when the guard is off). */
  readonly app: AbciApplication;
}

export function createAbciServer(app: AbciApplication, opts: AbciServerOptions): AbciServer {
  return new AbciSocketServer(app, opts);
}

class AbciSocketServer implements AbciServer {
  readonly app: AbciApplication;
  readonly #guard: GuardedApplication | undefined;
  readonly #logger: Logger;
  readonly #maxMessageBytes: number;
  readonly #server: Server;
  readonly #connections = new Set<AbciConnection>();
  #nextId = 1;
  #closing: Promise<void> | undefined;

  constructor(app: AbciApplication, opts: AbciServerOptions) {
    this.#logger = opts.logger.child({ component: 'abci' });
    this.#guard = opts.callOrderGuard === false ? undefined : guardCallOrder(app, this.#logger);
    this.app = this.#guard ?? app;
    this.#maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#server = createServer((socket) => this.#accept(socket));
    this.#server.on('error', (err) => this.#logger.error('ABCI server error', { err }));
  }

  listen(addr: TcpAddress): Promise<TcpAddress>;
  listen(addr: UnixAddress): Promise<UnixAddress>;
  listen(addr: AbciListenAddress): Promise<AbciListenAddress>;
  async listen(addr: AbciListenAddress): Promise<AbciListenAddress> {
    if (this.#closing) throw new Error('ABCI server is closed');
    if ('path' in addr) {
      if (await removeStaleUnixSocket(addr.path)) {
        this.#logger.warn('removed stale ABCI unix socket', { path: addr.path });
      }
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#server.once('error', onError);
      const done = (): void => {
        this.#server.off('error', onError);
        resolve();
      };
      if ('path' in addr) this.#server.listen({ path: addr.path }, done);
      else this.#server.listen({ host: addr.host, port: addr.port }, done);
    });
    const bound = this.#server.address();
    const result: AbciListenAddress =
      bound !== null && typeof bound === 'object' ? { host: bound.address, port: bound.port } : { path: bound ?? '' };
    this.#logger.info('ABCI server listening', { ...result });
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
    const conns = [...this.#connections];
    for (const conn of conns) conn.destroy();
    await Promise.all([stopped, ...conns.map((c) => c.closed)]);
    this.#logger.info('ABCI server closed');
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const id = this.#nextId++;
    const conn = new AbciConnection(socket, {
      id,
      app: this.app,
      logger: this.#logger,
      maxMessageBytes: this.#maxMessageBytes,
      onClosed: (c) => this.#onClosed(c),
    });
    this.#connections.add(conn);
    this.#logger.info('ABCI connection opened', {
      conn: id,
      remote: socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort ?? ''}` : 'unix',
    });
  }

  #onClosed(conn: AbciConnection): void {
    this.#connections.delete(conn);
    if (conn.role === 'consensus' && this.#guard && !this.#closing) {
      this.#guard.reset(`consensus connection ${conn.id} closed`);
    }
  }
}
