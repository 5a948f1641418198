// Test-only: bytes that the build-info reader (src/node/go-build-info.ts) takes for a Go binary
// built with the given tags, as Go 1.18+ lays the block out: a 32-byte header, then the Go version
// and the module info as length-prefixed strings, the module info between 16-byte sentinels.
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/** Lengths as unsigned varints; every length here is under 16,384, so one or two bytes. */
const length = (n: number): Buffer => Buffer.from(n < 0x80 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);

export function fakeGoBinary(tags: string | undefined, goVersion = 'go1.23.4'): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8; // pointer size
  header[15] = 0x2; // strings inline
  const lines = `path\tgithub.com/cometbft/cometbft/cmd/cometbft\nbuild\t-buildmode=exe\n${tags === undefined ? '' : `build\t-tags=${tags}\n`}`;
  const mod = Buffer.concat([Buffer.alloc(16, 1), Buffer.from(lines, 'latin1'), Buffer.alloc(16, 2)]);
  const version = Buffer.from(goVersion, 'latin1');
  return Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(60), header, length(version.length), version, length(mod.length), mod]);
}
