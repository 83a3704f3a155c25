// The `--metrics [PORT]` flag of `kvcert run`.

/** Port of the metrics endpoint when `--metrics` has no value. */
export const defaultMetricsPort = 9466;

/**
 * Gives a bare `--metrics` the default port, because node:util's parseArgs has no optional
 * values. `--metrics PORT` and `--metrics=PORT` are left as they are, and so is anything after `--`.
 */
export function normalizeMetricsArgs(args: string[]): string[] {
  const end = args.indexOf('--');
  const limit = end === -1 ? args.length : end;
  return args.map((arg, index) => {
    const next = args[index + 1];
    const bare = arg === '--metrics' && index < limit && (index + 1 >= limit || next === undefined || next.startsWith('-'));
    return bare ? `--metrics=${defaultMetricsPort}` : arg;
  });
}

/** Reads the port; returns undefined unless it is a whole number from 0 to 65535 (0 picks a free port). */
export function parseMetricsPort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65_535 ? port : undefined;
}
