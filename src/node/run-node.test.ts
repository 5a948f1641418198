import { describe, expect, it } from 'vitest';
import { parseProxyApp } from './run-node.js';

describe('parseProxyApp', () => {
  it('reads tcp://host:port and unix:///absolute/path, as CometBFT dials them', () => {
    expect(parseProxyApp('tcp://127.0.0.1:26658')).toEqual({ host: '127.0.0.1', port: 26658 });
    expect(parseProxyApp('unix:///home/node/abci.sock')).toEqual({ path: '/home/node/abci.sock' });
  });

  it('refuses anything else with a clear message', () => {
    for (const bad of ['kvstore', 'tcp://127.0.0.1', 'unix://relative.sock', 'grpc://127.0.0.1:26658', '']) {
      expect(() => parseProxyApp(bad)).toThrow(/neither tcp:\/\/host:port nor unix:\/\/\/absolute\/path/);
    }
  });
});
