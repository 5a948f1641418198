// Reads the build settings a Go binary carries (what `go version -m BINARY` prints), without Go:
// the linker stores them in a block that starts with the magic "\xff Go buildinf:". Since Go 1.18
// the block holds two strings inline after its 32-byte header, each prefixed by its length as an
// unsigned varint: the Go version, then the module info ("path …", "mod …", "dep …" and
// "build KEY=VALUE" lines, tab-separated, between two 16-byte sentinels).
import { readFile } from 'node:fs/promises';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_BYTES = 32;
/** Flag bit in the header's 16th byte: the strings follow the header inline (Go 1.18 on). */
const FLAG_INLINE_STRINGS = 0x2;
const SENTINEL_BYTES = 16;

export interface GoBuildInfo {
  /** The Go toolchain that built the binary, e.g. "go1.23.4". */
  readonly goVersion: string;
  /** The "build" lines: -tags, CGO_ENABLED, GOOS, … */
  readonly settings: ReadonlyMap<string, string>;
}

function readUvarint(bytes: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 35; i++) {
    const b = bytes[i] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    shift += 7;
  }
  return undefined;
}

function readString(bytes: Buffer, at: number): { text: string; next: number } | undefined {
  const len = readUvarint(bytes, at);
  if (len === undefined || len.next + len.value > bytes.length) return undefined;
  return { text: bytes.toString('latin1', len.next, len.next + len.value), next: len.next + len.value };
}

/** The build info in a binary's bytes; undefined when there is none in the inline form. */
export function parseGoBuildInfo(bytes: Buffer): GoBuildInfo | undefined {
  // A chance match of the magic elsewhere (a copy of the constant, say) fails the checks below.
  for (let at = bytes.indexOf(MAGIC); at >= 0; at = bytes.indexOf(MAGIC, at + 1)) {
    if (((bytes[at + MAGIC.length + 1] ?? 0) & FLAG_INLINE_STRINGS) === 0) continue;
    const version = readString(bytes, at + HEADER_BYTES);
    const modInfo = version === undefined ? undefined : readString(bytes, version.next);
    if (version === undefined || modInfo === undefined || !version.text.startsWith('go')) continue;
    const settings = new Map<string, string>();
    const lines = modInfo.text.length >= 2 * SENTINEL_BYTES ? modInfo.text.slice(SENTINEL_BYTES, -SENTINEL_BYTES) : '';
    for (const line of lines.split('\n')) {
      const [kind, setting] = line.split('\t');
      if (kind !== 'build' || setting === undefined) continue;
      const eq = setting.indexOf('=');
      if (eq > 0) settings.set(setting.slice(0, eq), setting.slice(eq + 1));
    }
    return { goVersion: version.text, settings };
  }
  return undefined;
}

/** The build info of the Go binary at `path`; undefined when it has none that we can read. */
export async function readGoBuildInfo(path: string): Promise<GoBuildInfo | undefined> {
  return parseGoBuildInfo(await readFile(path));
}

/** The build tags (`go build -tags a,b`) recorded in a binary's build info. */
export function buildTags(info: GoBuildInfo): readonly string[] {
  const tags = info.settings.get('-tags');
  return tags === undefined || tags === '' ? [] : tags.split(',');
}
