// Fixed-window request limits, as Key Vault throttles each vault: at most `limit` requests
// per window, and a 429 with Retry-After for the rest until the window ends.

export interface RateLimitOptions {
  /** Requests allowed per window. Key Vault allows 4,000 secret GETs per 10 s per vault. */
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

/** Counts requests in fixed windows that start at the first request after the previous window ended. */
export class FixedWindowLimiter {
  readonly #options: RateLimitOptions;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;
  /** Number of requests rejected so far. */
  rejected = 0;

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) {
      throw new RangeError(`rate limit needs a positive limit and windowMs, not ${options.limit} per ${options.windowMs} ms`);
    }
    this.#options = options;
    this.#now = now;
  }

  /** Counts one request and decides whether it may pass. */
  check(): RateDecision {
    const now = this.#now();
    if (now >= this.#windowStart + this.#options.windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }

    this.#count += 1;
    if (this.#count <= this.#options.limit) return { allowed: true };
    this.rejected += 1;
    const remainingMs = this.#windowStart + this.#options.windowMs - now;
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil(remainingMs / 1000)) };
  }
}
