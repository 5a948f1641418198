// Test-only: bytes that the build-info reader (src/node/go-build-info.ts) takes for a Go binary,
// laid out as Go 1.18+ writes the block: a 32-byte header (magic, pointer size, flags), then the Go
// version and the module info as strings prefixed by their length as an unsigned varint, the module
// info between Go's two 16-byte sentinels.
export const GO_BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
/** Header flag: the strings follow inline (Go 1.18 on); 0 is the older form, with pointers. */
export const INLINE_STRINGS = 0x2;

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

const prefixed = (b: Buffer): Buffer => Buffer.concat([uvarint(b.length), b]);

/** One build-info block: `modLines` are the module info's lines ("path …", "build -tags=…", …). */
export function goBuildInfoBlock(goVersion: string, modLines: string, flags = INLINE_STRINGS): Buffer {
  const header = Buffer.alloc(32);
  GO_BUILDINFO_MAGIC.copy(header);
  header[14] = 8; // pointer size
  header[15] = flags;
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modLines, 'latin1'), SENTINEL_END]);
  return Buffer.concat([header, prefixed(Buffer.from(goVersion, 'latin1')), prefixed(mod)]);
}

/** A CometBFT binary's worth of build info, built with the given tags (or none), after an ELF-like start. */
export function fakeGoBinary(tags: string | undefined, goVersion = 'go1.23.4'): Buffer {
  const lines = `path\tgithub.com/cometbft/cometbft/cmd/cometbft\nbuild\t-buildmode=exe\n${tags === undefined ? '' : `build\t-tags=${tags}\n`}`;
  return Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(60), goBuildInfoBlock(goVersion, lines)]);
}
