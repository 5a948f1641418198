// Minimal editing of CometBFT's config.toml: set `key = value` inside a [section] (or the top
// level), keeping every other line and comment as CometBFT wrote it.

export type TomlValue = string | number | boolean;

function render(value: TomlValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function setTomlValue(text: string, section: string, key: string, value: TomlValue): string {
  const lines = text.split('\n');
  let current = '';
  const keyLine = new RegExp(`^\\s*${escapeRegExp(key)}\\s*=`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      current = header[1] ?? '';
      continue;
    }
    if (current === section && keyLine.test(line)) {
      lines[i] = `${key} = ${render(value)}`;
      return lines.join('\n');
    }
  }
  throw new Error(`config.toml has no key ${key} in section [${section || 'top level'}]`);
}

export function getTomlString(text: string, section: string, key: string): string {
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      current = header[1] ?? '';
      continue;
    }
    const m = new RegExp(`^\\s*${escapeRegExp(key)}\\s*=\\s*"([^"]*)"`).exec(line);
    if (current === section && m !== null) return m[1] ?? '';
  }
  throw new Error(`config.toml has no string ${key} in section [${section || 'top level'}]`);
}

export function setTomlValues(text: string, values: ReadonlyArray<readonly [string, string, TomlValue]>): string {
  return values.reduce((t, [section, key, value]) => setTomlValue(t, section, key, value), text);
}
