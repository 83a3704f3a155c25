// Structured logs: one JSON object per line on stderr, with allow-listed fields only.
import { logFields } from './log-fields.ts';
import type { LogField } from './log-fields.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogRecord = Partial<Record<LogField, unknown>>;

const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const allowed = new Set<string>(logFields);

export interface Logger {
  debug(event: string, fields?: LogRecord): void;
  info(event: string, fields?: LogRecord): void;
  warn(event: string, fields?: LogRecord): void;
  error(event: string, fields?: LogRecord): void;
  /** A logger that adds `bound` to every line, e.g. the certificate URL. */
  child(bound: LogRecord): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}

function pickAllowed(fields: LogRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key, value]) => allowed.has(key) && value !== undefined));
}

export function createLogger(options: LoggerOptions = {}, bound: LogRecord = {}): Logger {
  const minimum = levelOrder[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());

  const emit = (level: LogLevel, event: string, fields: LogRecord = {}) => {
    if (levelOrder[level] < minimum) return;
    const record = { time: now().toISOString(), level, event, ...pickAllowed({ ...bound, ...fields }) };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (more) => createLogger(options, { ...bound, ...more }),
  };
}

/** A logger that writes nothing, for tests and quiet commands. */
export const silentLogger: Logger = createLogger({ write: () => {} });
