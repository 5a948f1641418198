// Deep-merges a patch into genesis app state: objects merge key by key, anything else replaces.
export function mergeAppState(base: Readonly<Record<string, unknown>>, patch: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    const bothObjects =
      typeof current === 'object' && current !== null && !Array.isArray(current) && typeof value === 'object' && value !== null && !Array.isArray(value);
    out[key] = bothObjects ? mergeAppState(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
