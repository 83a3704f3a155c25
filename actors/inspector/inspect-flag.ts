// The `--inspect [PORT]` flag of `kvcert run`: the port of the inspector page on 127.0.0.1,
// optionally with `stately` to add the bridge page to Stately's web inspector.

/** The inspector page's port; `stately` adds the bridge page that loads Stately's web inspector. */
export interface InspectTarget {
  port: number;
  stately: boolean;
}

/** Port of the local inspector when `--inspect` has no value. */
export const defaultInspectorPort = 9465;

/**
 * Gives a bare `--inspect` the default port, so that node:util's parseArgs, which has no
 * optional values, can read the flag. `--inspect PORT` and `--inspect=PORT` are left as they are.
 */
export function normalizeInspectArgs(args: string[]): string[] {
  const end = args.indexOf('--');
  const limit = end === -1 ? args.length : end;
  return args.map((arg, index) => {
    const next = args[index + 1];
    const bare = arg === '--inspect' && index < limit && (index + 1 >= limit || next === undefined || next.startsWith('-'));
    return bare ? `--inspect=${defaultInspectorPort}` : arg;
  });
}

/**
 * Reads the flag's value: `PORT`, `stately` or `stately:PORT`. Returns undefined when the
 * port is not a whole number from 0 to 65535.
 */
export function parseInspectTarget(value: string): InspectTarget | undefined {
  const match = /^(?:(\d{1,5})|stately(?::(\d{1,5}))?)$/.exec(value);
  if (!match) return undefined;

  const stately = match[1] === undefined;
  const port = Number(match[1] ?? match[2] ?? defaultInspectorPort);
  return port <= 65_535 ? { port, stately } : undefined;
}
