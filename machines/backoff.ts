// Retry delays for failed certificates: exponential with a cap, Retry-After honoured but
// clamped, and jitter so that many machines do not retry in step.

export const backoffBaseMs = 2_000;
export const backoffCapMs = 300_000;
export const retryAfterMinMs = 1_000;
export const retryAfterMaxMs = 600_000;

/**
 * Returns a jitter value in [0, 1) for retry `attempt` of a certificate whose actor got
 * `seed` at start. Each agent draws its own seeds, so machines retry out of step, while the
 * value stays a pure function that the status command can repeat.
 */
export function retryJitter(seed: number | undefined, attempt: number): number {
  if (seed === undefined) return 0.5;
  const value = (seed + attempt * 0.6180339887498949) % 1;
  return value < 0 ? value + 1 : value;
}

/** Returns the delay before the certificate's next retry, jitter included. */
export function retryDelayMs(context: { attempt: number; retryAfterMs?: number; jitterSeed?: number }): number {
  return backoffMs(context.attempt, context.retryAfterMs, retryJitter(context.jitterSeed, context.attempt));
}

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
