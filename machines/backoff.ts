// Retry delays for failed certificates: exponential with a cap, Retry-After honoured but
// clamped, and jitter so that many machines do not retry in step.

export const backoffBaseMs = 2_000;
export const backoffCapMs = 300_000;
export const retryAfterMinMs = 1_000;
export const retryAfterMaxMs = 600_000;

/**
 * Returns the delay before retry number `attempt` (1 = first retry): 2 s, 4 s, 8 s, ...
 * capped at 300 s. A server's Retry-After wins when it is longer, clamped to 1 s .. 10 min.
 * `jitter` in [0, 1) spreads the delay over ±20 %; 0.5 means none.
 */
export function backoffMs(attempt: number, retryAfterMs?: number, jitter = 0.5): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const exponential = Math.min(backoffCapMs, backoffBaseMs * 2 ** exponent);
  const spread = 0.8 + 0.4 * jitter;
  const delay = Math.round(exponential * spread);
  if (retryAfterMs === undefined) return delay;
  const clamped = Math.min(retryAfterMaxMs, Math.max(retryAfterMinMs, retryAfterMs));
  return Math.max(delay, clamped);
}
