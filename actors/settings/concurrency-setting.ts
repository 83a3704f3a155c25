// `secretsManagementSettings.maxConcurrency`: how many certificates kvcert downloads,
// parses or installs at the same time. A kvcert setting; the Key Vault VM extension has none.

/** Used when the setting is unset: enough to overlap network waits without flooding the vault. */
export const defaultMaxConcurrency = 8;
export const maxConcurrencyLimit = 256;

/** Collector of the invalid values a reader finds. */
interface ProblemSink {
  add(path: string, value: unknown, message: string): void;
}

const path = 'secretsManagementSettings.maxConcurrency';

/** Reads the setting as a number or a numeric string; unset means defaultMaxConcurrency. */
export function readMaxConcurrency(secrets: Record<string, unknown>, problems: ProblemSink): number {
  const value = secrets.maxConcurrency;
  if (value === undefined || value === null) return defaultMaxConcurrency;
  const count = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > maxConcurrencyLimit) {
    problems.add(path, value, `must be a whole number from 1 to ${maxConcurrencyLimit}: how many certificates kvcert ` +
      `downloads, parses or installs at once (leave it out for ${defaultMaxConcurrency}), e.g. 8`);
    return defaultMaxConcurrency;
  }
  return count;
}
