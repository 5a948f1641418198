// Registered errors with a stable (codespace, code), as in the Cosmos SDK's errors package.
// A ChainError is bad input or a refused action: it becomes a tx result code and log, never a crash.

export class ChainError extends Error {
  override readonly name = 'ChainError';
  constructor(
    readonly codespace: string,
    readonly code: number,
    readonly description: string,
    readonly detail: string,
  ) {
    super(detail === '' ? description : description === '' ? detail : `${detail}: ${description}`);
  }
}

export interface ErrorDef {
  readonly codespace: string;
  readonly code: number;
  readonly description: string;
  /** A ChainError of this kind with the detail that says what was wrong. */
  (detail: string): ChainError;
  is(err: unknown): boolean;
}

const registered = new Map<string, ErrorDef>();

export function registerError(codespace: string, code: number, description: string): ErrorDef {
  if (code <= 1) throw new Error(`error code ${code} is reserved (0 = OK, 1 = internal)`);
  const id = `${codespace}/${code}`;
  if (registered.has(id)) throw new Error(`error ${id} registered twice`);
  const make = (detail: string): ChainError => new ChainError(codespace, code, description, detail);
  const def = Object.assign(make, {
    codespace,
    code,
    description,
    is: (err: unknown): boolean => err instanceof ChainError && err.codespace === codespace && err.code === code,
  });
  registered.set(id, def);
  return def;
}

export function registeredErrors(): ReadonlyArray<ErrorDef> {
  return [...registered.values()];
}
