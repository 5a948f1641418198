// A small YAML reader for the subset docker-compose.yml uses here: block mappings and block
// sequences by indentation (spaces only), `- key: value` items, plain / 'single' / "double"
// quoted scalars, JSON-style flow values (["start", "--home", "/x"]), and # comments. Plain
// `true`/`false`/`null` and integers become booleans, null and numbers, as in YAML 1.2's core
// schema; everything else stays a string. Anything outside the subset (anchors, aliases, tags,
// block scalars, several documents, tabs) is an error naming the line, so a compose file that
// outgrows the subset fails loudly rather than being misread.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

export class YamlLiteError extends Error {
  override readonly name = 'YamlLiteError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Removes a trailing comment (a # at the start or after a space, outside quotes). */
function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || s[i - 1] === ' ')) return s.slice(0, i);
  }
  return s;
}

function scalar(raw: string, no: number): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlLiteError(no, `bad double-quoted string ${s}`);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlLiteError(no, `bad single-quoted string ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('[') || s.startsWith('{')) {
    try {
      return JSON.parse(s) as YamlValue;
    } catch {
      throw new YamlLiteError(no, `flow collections are read as JSON here, and ${s} is not JSON`);
    }
  }
  if (/^[&*!|>%@`]/.test(s)) throw new YamlLiteError(no, `unsupported YAML (anchor, alias, tag, block scalar or reserved indicator): ${s}`);
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?(0|[1-9]\d*)$/.test(s)) return Number(s);
  return s;
}

/** Splits `key: rest` (key plain or quoted); undefined when the text is not a mapping entry. */
function splitKey(text: string, no: number): { key: string; rest: string } | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#[\]{},][^:#]*?)\s*:(?:\s+(.*))?$/.exec(text);
  if (m === null) return undefined;
  const rawKey = m[1] ?? '';
  const key = scalar(rawKey, no);
  return { key: String(key), rest: m[2] ?? '' };
}

export function parseYamlLite(source: string): YamlValue {
  const lines: Line[] = [];
  source.split('\n').forEach((rawLine, i) => {
    const no = i + 1;
    const line = rawLine.replace(/\r$/, '');
    if (/^\s*\t/.test(line)) throw new YamlLiteError(no, 'tabs in indentation');
    const text = stripComment(line).trimEnd();
    if (text.trim() === '') return;
    if (/^(---|\.\.\.)(\s|$)/.test(text)) throw new YamlLiteError(no, 'document markers (several documents) are not supported');
    const indent = text.length - text.trimStart().length;
    lines.push({ no, indent, text: text.trimStart() });
  });
  let pos = 0;

  const block = (indent: number): YamlValue => {
    const first = lines[pos];
    if (first === undefined) return null;
    return first.text === '-' || first.text.startsWith('- ') ? sequence(indent) : mapping(indent);
  };

  const mapping = (indent: number, seed?: { key: string; rest: string; no: number }): { [key: string]: YamlValue } => {
    const out: { [key: string]: YamlValue } = {};
    const entry = (key: string, rest: string, no: number): void => {
      if (Object.hasOwn(out, key)) throw new YamlLiteError(no, `duplicate key ${key}`);
      if (rest !== '') {
        out[key] = scalar(rest, no);
        return;
      }
      const next = lines[pos];
      // A nested block is indented deeper; a sequence may also sit at the key's own indentation.
      if (next !== undefined && (next.indent > indent || (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))))) {
        out[key] = block(next.indent);
      } else out[key] = null;
    };
    if (seed !== undefined) entry(seed.key, seed.rest, seed.no);
    for (;;) {
      const line = lines[pos];
      if (line === undefined || line.indent < indent) return out;
      if (line.indent > indent) throw new YamlLiteError(line.no, 'unexpected indentation');
      if (line.text === '-' || line.text.startsWith('- ')) return out;
      const kv = splitKey(line.text, line.no);
      if (kv === undefined) throw new YamlLiteError(line.no, `expected "key: value", got ${line.text}`);
      pos++;
      entry(kv.key, kv.rest, line.no);
    }
  };

  const sequence = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    for (;;) {
      const line = lines[pos];
      if (line === undefined || line.indent < indent) return out;
      if (line.indent > indent) throw new YamlLiteError(line.no, 'unexpected indentation');
      if (!(line.text === '-' || line.text.startsWith('- '))) return out;
      pos++;
      const item = line.text.slice(1).trimStart();
      const itemIndent = line.indent + (line.text.length - item.length);
      if (item === '') {
        const next = lines[pos];
        out.push(next !== undefined && next.indent > indent ? block(next.indent) : null);
        continue;
      }
      const kv = item.startsWith('"') || item.startsWith("'") || item.startsWith('[') || item.startsWith('{') ? undefined : splitKey(item, line.no);
      out.push(kv === undefined ? scalar(item, line.no) : mapping(itemIndent, { ...kv, no: line.no }));
    }
  };

  const result = block(lines[0]?.indent ?? 0);
  const rest = lines[pos];
  if (rest !== undefined) throw new YamlLiteError(rest.no, `unexpected ${rest.text}`);
  return result;
}
