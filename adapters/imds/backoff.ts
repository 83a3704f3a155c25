// Retry delays for transient failures: exponential growth with jitter, and a server's
// Retry-After taken as the minimum wait.

/** Delay before the first retry when the server gave no Retry-After. */
export const backoffBaseMs = 1_000;
/** Upper bound for any delay, including one asked for by Retry-After. */
export const backoffCapMs = 60_000;

/**
 * Returns the delay before retry number `attempt` (0 for the first retry).
 * Without `retryAfterMs` the delay doubles from 1 s up to 60 s and varies by ±20 %
 * so that many machines do not retry in step. With `retryAfterMs` it waits at least
 * that long (clamped to 60 s) plus up to 10 % more. `random` returns values in [0, 1).
 */
export function backoffMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    const floor = Math.min(Math.max(retryAfterMs, 0), backoffCapMs);
    return Math.round(Math.min(floor * (1 + 0.1 * random()), backoffCapMs));
  }

  const exponential = backoffBaseMs * 2 ** Math.max(0, Math.floor(attempt));
  const jittered = Math.min(exponential, backoffCapMs) * (0.8 + 0.4 * random());
  return Math.round(Math.min(jittered, backoffCapMs));
}

/**
 * Reads a Retry-After header value (seconds, or an HTTP date) as milliseconds from `nowMs`.
 * Returns undefined when the header is missing or not understood.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;

  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);

  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
