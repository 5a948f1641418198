// Typed reading of genesis JSON, with errors that name the path of the bad field.
export type JsonObject = { readonly [key: string]: unknown };

export class GenesisError extends Error {
  override readonly name = 'GenesisError';
}

export function asObject(v: unknown, path: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new GenesisError(`${path}: expected an object`);
  return v as JsonObject;
}

export function asArray(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new GenesisError(`${path}: expected an array`);
  return v;
}

export function asString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new GenesisError(`${path}: expected a string`);
  return v;
}

/** A uint64 written as a decimal string (or a safe integer). */
export function asUint(v: unknown, path: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v);
  throw new GenesisError(`${path}: expected an unsigned integer as a decimal string`);
}

export function optionalField(o: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
