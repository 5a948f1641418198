import { describe, expect, it } from 'vitest';
import { getTomlString, setTomlValue, setTomlValues } from './config-toml.js';

// Shaped like CometBFT's generated config.toml: comments, top-level keys, sections, repeated key names.
const CONFIG = [
  '# This is a TOML config file.',
  '',
  '# A custom human readable name for this node',
  'moniker = "node0"',
  'db_backend = "goleveldb"',
  '#proxy_app = "commented out"',
  'proxy_app = "tcp://127.0.0.1:26658"',
  '',
  '[rpc]',
  '',
  '# TCP or UNIX socket address for the RPC server to listen on',
  'laddr = "tcp://127.0.0.1:26657"',
  'cors_allowed_origins = []',
  '',
  '[p2p]',
  'laddr = "tcp://0.0.0.0:26656"',
  '  persistent_peers = ""',
  'addr_book_strict = true',
  '',
  '[consensus]',
  'timeout_commit = "1s"',
  'timeout_commit_extra = "9s"',
  'create_empty_blocks = true',
  '',
].join('\n');

function diffLines(before: string, after: string): Array<[number, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.flatMap((line, i) => (line === a[i] ? [] : [[i, line] as [number, string]]));
}

describe('setTomlValue', () => {
  it('sets a top-level key (section "") and leaves every other line alone', () => {
    const out = setTomlValue(CONFIG, '', 'moniker', 'validator-1');
    expect(diffLines(CONFIG, out)).toEqual([[3, 'moniker = "validator-1"']]);
  });

  it('sets a key only in the named section, though another section has the same key', () => {
    const rpc = setTomlValue(CONFIG, 'rpc', 'laddr', 'tcp://0.0.0.0:36657');
    expect(diffLines(CONFIG, rpc)).toEqual([[11, 'laddr = "tcp://0.0.0.0:36657"']]);
    const p2p = setTomlValue(CONFIG, 'p2p', 'laddr', 'tcp://0.0.0.0:36656');
    expect(diffLines(CONFIG, p2p)).toEqual([[15, 'laddr = "tcp://0.0.0.0:36656"']]);
  });

  it('renders numbers and booleans bare and strings as quoted TOML strings', () => {
    expect(diffLines(CONFIG, setTomlValue(CONFIG, 'consensus', 'create_empty_blocks', false))).toEqual([[22, 'create_empty_blocks = false']]);
    expect(diffLines(CONFIG, setTomlValue(CONFIG, 'p2p', 'addr_book_strict', 0))).toEqual([[17, 'addr_book_strict = 0']]);
    const quoted = setTomlValue(CONFIG, '', 'moniker', 'say "hi" \\ bye');
    expect(diffLines(CONFIG, quoted)).toEqual([[3, 'moniker = "say \\"hi\\" \\\\ bye"']]);
  });

  it('matches an indented key and skips a commented-out one', () => {
    expect(diffLines(CONFIG, setTomlValue(CONFIG, 'p2p', 'persistent_peers', 'id@host:26656'))).toEqual([
      [16, 'persistent_peers = "id@host:26656"'],
    ]);
    expect(diffLines(CONFIG, setTomlValue(CONFIG, '', 'proxy_app', 'tcp://127.0.0.1:1'))).toEqual([[6, 'proxy_app = "tcp://127.0.0.1:1"']]);
  });

  it('does not match a longer key that starts with the same name', () => {
    expect(diffLines(CONFIG, setTomlValue(CONFIG, 'consensus', 'timeout_commit', '500ms'))).toEqual([[20, 'timeout_commit = "500ms"']]);
  });

  it('treats regex characters in the key literally', () => {
    const text = 'a.b = 1\naxb = 2\n';
    expect(setTomlValue(text, '', 'a.b', 3)).toBe('a.b = 3\naxb = 2\n');
    expect(() => setTomlValue('axb = 2\n', '', 'a.b', 3)).toThrow();
  });

  it('throws naming the key and section when the key is missing', () => {
    expect(() => setTomlValue(CONFIG, 'rpc', 'no_such_key', 1)).toThrow('config.toml has no key no_such_key in section [rpc]');
    expect(() => setTomlValue(CONFIG, 'mempool', 'size', 1)).toThrow('in section [mempool]');
  });

  it('throws for a key that exists only in another section', () => {
    expect(() => setTomlValue(CONFIG, 'rpc', 'timeout_commit', '1s')).toThrow('no key timeout_commit in section [rpc]');
    expect(() => setTomlValue(CONFIG, '', 'laddr', 'x')).toThrow('no key laddr in section [top level]');
    expect(() => setTomlValue(CONFIG, 'consensus', 'moniker', 'x')).toThrow('section [consensus]');
  });

  it('applies several settings in order with setTomlValues', () => {
    const out = setTomlValues(CONFIG, [
      ['', 'moniker', 'a'],
      ['rpc', 'laddr', 'tcp://0.0.0.0:1'],
      ['consensus', 'timeout_commit', '2s'],
      ['', 'moniker', 'b'],
    ]);
    expect(diffLines(CONFIG, out)).toEqual([
      [3, 'moniker = "b"'],
      [11, 'laddr = "tcp://0.0.0.0:1"'],
      [20, 'timeout_commit = "2s"'],
    ]);
  });
});

describe('getTomlString', () => {
  it('reads a string at the top level and in a section', () => {
    expect(getTomlString(CONFIG, '', 'moniker')).toBe('node0');
    expect(getTomlString(CONFIG, 'rpc', 'laddr')).toBe('tcp://127.0.0.1:26657');
    expect(getTomlString(CONFIG, 'p2p', 'laddr')).toBe('tcp://0.0.0.0:26656');
  });

  it('reads back what setTomlValue wrote', () => {
    expect(getTomlString(setTomlValue(CONFIG, 'rpc', 'laddr', 'tcp://1.2.3.4:5'), 'rpc', 'laddr')).toBe('tcp://1.2.3.4:5');
  });

  it('throws for a missing key or a non-string value', () => {
    expect(() => getTomlString(CONFIG, 'rpc', 'nope')).toThrow('no string nope in section [rpc]');
    expect(() => getTomlString(CONFIG, 'p2p', 'addr_book_strict')).toThrow();
  });
});
