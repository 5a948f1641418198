// How the bench's Markdown reports print a figure: thousands separated, a unit, 'n/a' when missing.

export function fmt(n: number | null | undefined, unit = ''): string {
  return n === null || n === undefined || Number.isNaN(n) ? 'n/a' : `${n.toLocaleString('en-US')}${unit}`;
}
