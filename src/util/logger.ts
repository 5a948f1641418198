// Structured logs: one JSON object per line on stderr. No state logic may depend on the clock,
// but logs may carry wall time.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialise(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  if (value instanceof Error) return { message: value.message, stack: value.stack };
  return value;
}

export function createLogger(
  opts: { level?: LogLevel; fields?: LogFields; write?: (line: string) => void } = {},
): Logger {
  const level = opts.level ?? ((process.env['CYBERMILES_LOG_LEVEL'] as LogLevel | undefined) ?? 'info');
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = opts.fields ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (order[lvl] < order[level]) return;
    const record: Record<string, unknown> = { level: lvl, time: new Date().toISOString(), msg };
    for (const [k, v] of Object.entries({ ...base, ...fields })) record[k] = serialise(v);
    write(JSON.stringify(record, (_k, v: unknown) => serialise(v)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level, fields: { ...base, ...fields }, write }),
  };
}

export const silentLogger: Logger = createLogger({ write: () => undefined, level: 'error' });
